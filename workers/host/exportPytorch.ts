/**
 * The worker's "Export PyTorch project": loads the project's data as training does (uploads
 * from IndexedDB, preprocessed and split with the run's seed) and zips the PyTorch project
 * (engine/io/codegen/pytorchProject.ts) with it and the trained weights.
 */
import { loadData } from '../../engine/train/session.ts';
import { pytorchProjectZip } from '../../engine/io/codegen/index.ts';
import type { DataIO } from '../../engine/data/resolve.ts';
import type { ExportPytorchRequest } from '../api.ts';

export async function exportPytorchRun(req: ExportPytorchRequest, io: DataIO): Promise<Uint8Array> {
  const d = await loadData(req.dataset, req.config, io);
  return pytorchProjectZip({
    name: req.name, graph: req.graph, training: req.config, dataset: req.dataset, weights: req.weights,
    data: { train: d.train, val: d.val, test: d.test, classNames: d.classNames, sampleShape: d.sampleShape },
  });
}
