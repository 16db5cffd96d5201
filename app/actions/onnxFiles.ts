/**
 * ONNX files in the IDE. Dropping an `.onnx` file opens it as a new project (the engine worker
 * turns the operators the catalog covers into layers, with the file's weights as the trained
 * model; an unsupported operator is named in a notice and the current project stays).
 * File → Export ONNX: the trained model as `<name>.onnx` (opset 18, dynamic batch, the
 * weights as initializers, the preprocessing and class names in its metadata; see
 * docs/export.md; a model kept as int8 exports as QDQ ONNX: int8 weights, QuantizeLinear →
 * DequantizeLinear on each quantized input, docs/compression.md). The file is made in the engine worker (workers/client.ts), which refuses a
 * graph with Custom Code by node; problems are shown as a notice, nothing on the canvas changes.
 */
import type { GraphJSON } from '../../engine/graph/types.ts';
import { getEngine } from '../../workers/client.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { useApp } from '../store/index.ts';
import { currentInt8, currentWeights, projectFileName, resetRunState, saveBytes, startedNewProject } from './projectFiles.ts';

/** "My model!" → "My-model.onnx". */
export function onnxFileName(name: string): string {
  return projectFileName(name).replace(/\.flowgrad\.zip$/, '.onnx');
}

export async function exportOnnxFile(): Promise<void> {
  const s = useApp.getState();
  const weights = currentWeights(s);
  if (!weights || !s.model) {
    s.notify('error', 'Export ONNX needs trained weights for the graph on the canvas: train the model first.');
    return;
  }
  const int8 = currentInt8(s);
  const name = int8 ? onnxFileName(s.name).replace(/\.onnx$/, '.int8.onnx') : onnxFileName(s.name);
  try {
    const project = { name: s.name, graph: s.model.graph, data: currentDatasetSpec(s), preprocessing: s.model.preprocessing ?? null };
    const bytes = int8 ? await getEngine().exportInt8Onnx(project, int8) : await getEngine().exportOnnx(project, weights);
    saveBytes(bytes, name, 'application/octet-stream');
    useApp.getState().notify('info', `Exported ${name} (${bytes.byteLength.toLocaleString('en-US')} bytes): ${int8 ? 'the int8 model as QDQ ONNX (int8 weights, quantize → dequantize on each quantized input), for onnxruntime and other ONNX tools' : 'an ONNX model for onnxruntime and other ONNX tools'}.`);
  } catch (e) {
    useApp.getState().notify('error', `Could not export ONNX: ${(e as Error).message}`);
  }
}

export const isOnnxFileName = (name: string) => /\.onnx$/i.test(name);

export async function openOnnxFile(file: File): Promise<void> {
  const s = useApp.getState();
  if (s.status === 'running' || s.status === 'stopping') {
    s.notify('error', 'Stop training before opening another model.');
    return;
  }
  let imported: { graph: GraphJSON; weights: Uint8Array };
  try {
    imported = await getEngine().importOnnx(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (e) {
    s.notify('error', `Could not import “${file.name}”: ${(e as Error).message}`);
    return;
  }
  resetRunState();
  const name = file.name.replace(/\.onnx$/i, '') || 'Imported model';
  useApp.getState().loadProject({ name, graph: imported.graph, dataset: s.dataset, training: s.training });
  startedNewProject();
  const model = { weights: imported.weights, graph: imported.graph, dataset: currentDatasetSpec(useApp.getState()), metrics: null };
  useApp.getState().patchRun({ model, runMessage: { kind: 'info', text: `Imported “${file.name}”: ${imported.graph.nodes.length} nodes with the file's weights.` } });
}
