/**
 * Test support for the ONNX export checks: runs an exported model in onnxruntime-node and the
 * same graph in Flowgrad's own forward (eval mode), and measures the largest difference.
 */
import * as ort from 'onnxruntime-node';
import type { GraphModel } from '../train/graphModel.ts';
import type { HostWeights } from '../io/onnx/export.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import { tensor } from '../ops/creation.ts';

/** A model's parameters and buffers by `<nodeId>.<param>`, as the exporter takes them. */
export function hostWeights(model: GraphModel): HostWeights {
  return new Map([...model.namedParameters(), ...model.namedBuffers()].map(([name, t]) => [name, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]));
}

export async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, shape) });
    const y = out.output!;
    return { data: Float32Array.from(y.data as Float32Array), dims: [...y.dims] };
  } finally {
    await session.release();
  }
}

export function forward(model: GraphModel, input: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  model.eval();
  return noGrad(() => scope(() => {
    const y = model.forward(tensor(input, { shape }));
    return { data: Float32Array.from(y.dataSync()), dims: [...y.shape] };
  }));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Inputs for a batch of `n` samples of `sample`: token ids below `ids`, or varied values in about [-2, 2]. */
export function sampleInputs(n: number, sample: number[], ids?: number, seed = 1): Float32Array {
  const size = n * sample.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => (ids ? (i * 7 + seed) % ids : 2 * Math.sin(i * 1.7 + seed * 0.3) * Math.cos(i * 0.37)));
}
