/**
 * The standalone bundle's `model.json`: everything the runtime needs besides the weights — the
 * graph, the preprocessing raw inputs go through, class names, shapes, and which weight file
 * (float32, float16 or int8) sits next to it. Plain data, written by buildBundle and read by
 * the runtime, so both agree on one type.
 */
import type { GraphJSON } from '../graph/types.ts';
import type { Preprocessing } from '../project/preprocessing.ts';

export const BUNDLE_FORMAT = 'flowgrad-bundle';
export const BUNDLE_VERSION = 1;
/** The ES module holding the runtime, in every bundle. */
export const RUNTIME_FILE = 'flowgrad-model.js';
export const MANIFEST_FILE = 'model.json';

/** float32 and float16: safetensors of every tensor; int8: engine/compress/quantFile.ts's int8 file. */
export type BundleWeightType = 'float32' | 'float16' | 'int8';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  name: string;
  task: 'classification' | 'regression';
  /** One sample as the model takes it, and one sample's output. */
  inputShape: number[];
  outputShape: number[];
  classNames: string[] | null;
  /** How raw inputs become model inputs (null: the model takes its inputs as they are). */
  preprocessing: Preprocessing | null;
  weights: { file: string; type: BundleWeightType };
  graph: GraphJSON;
}

/** A parsed model.json, checked enough that a wrong file fails with a message, not deep in the engine. */
export function checkManifest(v: unknown, where: string): BundleManifest {
  const m = v as Partial<BundleManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== BUNDLE_FORMAT) throw new Error(`${where} is not a Flowgrad bundle manifest (format '${BUNDLE_FORMAT}')`);
  if (typeof m.version !== 'number' || m.version > BUNDLE_VERSION) throw new Error(`${where} is bundle version ${m.version}; this runtime reads up to version ${BUNDLE_VERSION}`);
  if (!m.graph || !Array.isArray(m.inputShape) || !m.weights || !['float32', 'float16', 'int8'].includes(m.weights.type)) throw new Error(`${where} lacks the graph, input shape or weights entry`);
  return m as BundleManifest;
}
