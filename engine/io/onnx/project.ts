/**
 * A project's ONNX file: its graph and safetensors weights with the metadata the project knows
 * — the preprocessing of its training data, the class names (the preprocessing's, or the
 * built-in dataset's) and its name. The worker (File → Export ONNX) and the CLI both call it.
 */
import type { GraphJSON } from '../../graph/types.ts';
import type { DatasetSpec } from '../../project/config.ts';
import type { Preprocessing } from '../../project/preprocessing.ts';
import { makeBuiltin } from '../../data/builtin.ts';
import { exportOnnx, weightsFromSafetensors } from './export.ts';

export interface OnnxProject {
  name: string;
  graph: GraphJSON;
  data?: DatasetSpec | undefined;
  preprocessing?: Preprocessing | null | undefined;
}

/** Class names: from the stored preprocessing, else from the built-in dataset (a few samples suffice to name them). */
export function projectClassNames(p: OnnxProject): string[] | null {
  if (p.preprocessing) return p.preprocessing.classNames;
  if (p.data && p.data.kind !== 'upload') {
    try {
      return makeBuiltin(p.data.name, { samples: 4, noise: 0, seed: 1 }).classNames;
    } catch {
      return null; // an unknown built-in name: the file simply has no class names
    }
  }
  return null;
}

export function projectToOnnx(p: OnnxProject, weights: Uint8Array): Uint8Array {
  return exportOnnx(p.graph, weightsFromSafetensors(weights), { name: p.name, preprocessing: p.preprocessing ?? null, classNames: projectClassNames(p) });
}
