/**
 * File > Export PyTorch project: the engine worker builds the zip (model.py, train.py, data.py
 * with the project's data as data.npz, the trained weights when they fit the graph) and the
 * browser downloads it as `<name>-pytorch.zip`. PyTorch gets float32 weights: a model kept as
 * int8 goes in dequantized (its values, without the activations' fake-quant), and the notice says so.
 */
import { getEngine } from '../../workers/client.ts';
import { useApp } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { currentInt8, currentWeights, saveBytes } from './projectFiles.ts';

export function pytorchFileName(name: string): string {
  return `${name.trim().replace(/[\\/:*?"<>|]+/g, '').replace(/\s+/g, '-').slice(0, 80) || 'model'}-pytorch.zip`;
}

export async function exportPytorchProject(): Promise<void> {
  const s = useApp.getState();
  try {
    const zip = await getEngine().exportPytorch({ name: s.name, graph: s.graph, weights: currentWeights(s), dataset: currentDatasetSpec(s), config: s.training });
    saveBytes(zip, pytorchFileName(s.name), 'application/zip');
    if (currentInt8(s)) useApp.getState().notify('info', `Exported ${pytorchFileName(s.name)} with the int8 model’s dequantized float32 weights (PyTorch computes them in float32, without the int8 activations): for the int8 model itself use Export ONNX (QDQ) or the standalone bundle.`);
  } catch (e) {
    useApp.getState().notify('error', `Could not export the PyTorch project: ${(e as Error).message}`);
  }
}
