/**
 * File → Export standalone bundle (.zip): the trained model as a zip that predicts raw inputs in
 * any web page or in Node without Flowgrad (engine/bundle; docs/export.md): the runtime as one
 * ES module, model.json with the preprocessing and class names, the weights, a README and an
 * example page. A model kept as int8 goes in as its int8 file (the bundle runs it as the engine
 * simulates int8). The engine worker builds it; problems are a notice, nothing else changes.
 */
import { getEngine } from '../../workers/client.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { useApp } from '../store/index.ts';
import { currentInt8, currentWeights, projectFileName, saveBytes } from './projectFiles.ts';

/** "My model!" → "My-model-bundle.zip". */
export function bundleFileName(name: string): string {
  return projectFileName(name).replace(/\.flowgrad\.zip$/, '-bundle.zip');
}

export async function exportBundleFile(): Promise<void> {
  const s = useApp.getState();
  const weights = currentWeights(s);
  if (!weights || !s.model) {
    s.notify('error', 'Export standalone bundle needs trained weights for the graph on the canvas: train the model first.');
    return;
  }
  const name = bundleFileName(s.name);
  try {
    const int8 = currentInt8(s);
    const zip = await getEngine().exportBundle({ name: s.name, graph: s.model.graph, weights: int8 ? { type: 'int8', file: int8 } : { type: 'float32', safetensors: weights }, preprocessing: s.model.preprocessing ?? null, data: currentDatasetSpec(s) });
    saveBytes(zip, name, 'application/zip');
    useApp.getState().notify('info', `Exported ${name} (${zip.byteLength.toLocaleString('en-US')} bytes${int8 ? ', the int8 model' : ''}): unzip it and open index.html from a static server, or import its module in Node.`);
  } catch (e) {
    useApp.getState().notify('error', `Could not export the standalone bundle: ${(e as Error).message}`);
  }
}
