/**
 * The engine calls the panels make outside a training run — predicting with the trained
 * weights (Playground, DrawPad), how a dataset's inputs are prepared (DrawPad), what the
 * worker's backend is (TrainSettings) — in one place, like the other actions: components
 * never talk to the worker themselves.
 */
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { DatasetSpec } from '../../engine/project/config.ts';
import { getEngine, type EngineInfo, type InputPrep } from '../../workers/client.ts';

/** The model's outputs for `rows` rows of inputs ([rows × features], row-major); an int8 model's as int8 computes. */
export function predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number, int8?: Uint8Array | null): Promise<Float32Array> {
  return getEngine().predict(graph, weights, inputs, rows, int8);
}

/** What the engine worker runs on (backend, WebGPU adapter and its features). */
export function engineInfo(): Promise<EngineInfo> {
  return getEngine().info();
}

const preps = new Map<string, Promise<InputPrep>>();

/** How the dataset's inputs were prepared: built-ins are not normalised; uploads ask the worker (once per dataset). */
export function inputPrep(spec: DatasetSpec, training: { validationSplit?: number; seed?: number }): Promise<InputPrep> {
  if (spec.kind !== 'upload') {
    const classNames = spec.kind === 'builtin' && spec.name === 'digits' ? Array.from({ length: 10 }, (_, i) => String(i)) : null;
    return Promise.resolve({ sampleShape: [], classNames, stats: null });
  }
  const opts = { validationSplit: training.validationSplit, seed: training.seed };
  const key = JSON.stringify([spec, opts]);
  let p = preps.get(key);
  if (!p) {
    p = getEngine().inputPrep(spec, opts);
    p.catch(() => preps.delete(key)); // try again next time
    preps.set(key, p);
  }
  return p;
}
