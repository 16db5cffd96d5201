/**
 * nn.functional (exported as F): stateless layer computations in PyTorch's layouts. Each is
 * a composition of table ops, so gradients come for free; temporaries are scoped so that
 * callers outside any scope() do not leak intermediate buffers.
 */
import { autocastDtype, lowPrecision } from '../amp/autocast.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { fromValues, globalRng } from '../ops/creation.ts';
import { linearFused, matmulT } from '../ops/matmul.ts';
import { reshape } from '../ops/shape.ts';

export * from './losses.ts';
export * from './norm.ts';
export { conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d } from '../ops/conv.ts';
export { pad } from '../ops/shape.ts';
export type { ConvOptions, ConvTransposeOptions, PoolOptions } from '../ops/conv.ts';
export {
  softplus, logSigmoid, mish, hardtanh, relu6, hardsigmoid, hardswish, selu, celu, softsign, tanhshrink, softmin,
  softshrink, hardshrink, glu, prelu,
} from '../ops/activations.ts';
export {
  maxPool1d, avgPool1d, adaptiveAvgPool1d, groupNorm, instanceNorm, pixelShuffle, pixelUnshuffle, interpolate, unfold, fold, bilinear,
} from '../ops/spatial.ts';
export type { Pool1dOptions, InterpolateOptions, UnfoldOptions } from '../ops/spatial.ts';
export { normalize, cosineSimilarity, pairwiseDistance } from '../ops/manip.ts';

/** y = x·Wᵀ + b with W [out, in]; x is [..., in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inF = weight.shape[1];
  if (weight.shape.length !== 2 || x.shape.length === 0 || x.shape[x.shape.length - 1] !== inF) {
    throw new FlowgradError('shape', `linear: input ${fmtShape(x.shape)} does not match weight ${fmtShape(weight.shape)} (expects [..., ${inF}])`);
  }
  return scope(() => {
    const lead = x.shape.slice(0, -1);
    const x2 = x.shape.length === 2 ? x : reshape(x, [lead.reduce((a, b) => a * b, 1), inF]);
    // One kernel for product and bias where the backend has it (the same numbers: linearFused);
    // not under autocast, whose float16 product is rounded before the bias joins.
    let y = bias && autocastDtype() === null ? linearFused(x2, weight, bias) : null;
    if (!y) {
      y = matmulT(x2, weight, false, true);
      // Under autocast the bias joins in float16 too (else promotion would lift y to float32).
      if (bias) y = y.add(y.dtype === 'float16' ? lowPrecision(bias) : bias);
    }
    return x.shape.length === 2 ? y : reshape(y, [...lead, weight.shape[0]]);
  });
}

/** Zeroes elements with probability p and scales the rest by 1/(1-p) when training. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new FlowgradError('bad-argument', `dropout: p must be in [0, 1] (got ${p})`);
  if (!training || p === 0) return x;
  const rng = globalRng();
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const m = new Float64Array(x.size);
  for (let i = 0; i < m.length; i++) m[i] = rng.next() >= p ? scale : 0;
  const mask = fromValues(m, x.shape, x.dtype === 'float64' ? 'float64' : 'float32', { backend: x._storage.backend });
  try {
    return x.mul(mask);
  } finally {
    mask.dispose();
  }
}

/** Zeroes whole channels (dim 1 of [N, C, ...]) with probability p, scaling the rest by 1/(1-p). */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new FlowgradError('bad-argument', `dropout2d: p must be in [0, 1] (got ${p})`);
  if (!training || p === 0) return x;
  if (x.shape.length < 2) throw new FlowgradError('shape', `dropout2d: expected [N, C, ...], got ${fmtShape(x.shape)}`);
  const rng = globalRng();
  const [n, c] = x.shape, scale = p === 1 ? 0 : 1 / (1 - p);
  const m = new Float64Array(n * c).map(() => (rng.next() >= p ? scale : 0));
  const mask = fromValues(m, [n, c, ...x.shape.slice(2).map(() => 1)], x.dtype === 'float64' ? 'float64' : 'float32', { backend: x._storage.backend });
  try {
    return x.mul(mask);
  } finally {
    mask.dispose();
  }
}

export const relu = (x: Tensor): Tensor => x.relu();
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
export const tanh = (x: Tensor): Tensor => x.tanh();
export const gelu = (x: Tensor): Tensor => x.gelu();
export const silu = (x: Tensor): Tensor => x.silu();
export const elu = (x: Tensor, alpha = 1): Tensor => x.elu(alpha);
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => x.leakyRelu(negativeSlope);
export const softmax = (x: Tensor, dim = -1): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim = -1): Tensor => x.logSoftmax(dim);
