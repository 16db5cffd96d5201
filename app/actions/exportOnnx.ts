/**
 * File → Export ONNX: the trained model as `<name>.onnx` (opset 18, dynamic batch, the
 * weights as initializers, the preprocessing and class names in its metadata; see
 * docs/export.md). The file is made in the engine worker (workers/client.ts), which refuses a
 * graph with Custom Code by node; problems are shown as a notice, nothing on the canvas changes.
 */
import { getEngine } from '../../workers/client.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { useApp } from '../store/index.ts';
import { currentWeights, projectFileName, saveBytes } from './projectFiles.ts';

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
  const name = onnxFileName(s.name);
  try {
    const bytes = await getEngine().exportOnnx({ name: s.name, graph: s.model.graph, data: currentDatasetSpec(s), preprocessing: s.model.preprocessing ?? null }, weights);
    saveBytes(bytes, name, 'application/octet-stream');
    useApp.getState().notify('info', `Exported ${name} (${bytes.byteLength.toLocaleString('en-US')} bytes): an ONNX model for onnxruntime and other ONNX tools.`);
  } catch (e) {
    useApp.getState().notify('error', `Could not export ONNX: ${(e as Error).message}`);
  }
}
