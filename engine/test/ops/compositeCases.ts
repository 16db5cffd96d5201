/**
 * The op suite's cases for the composite ops (ops/activations.ts, ops/manip.ts, ops/spatial.ts and the
 * extra losses): same harness and rules as cases.ts — forward against the float64
 * reference on every backend, gradients against finite differences and across backends.
 */
import type { Tensor } from '../../core/tensor.ts';
import { F } from '../../index.ts';
import * as A from '../../ops/activations.ts';
import * as M from '../../ops/manip.ts';
import type { InputSpec, OpCase } from './opcheck.ts';

const f = (shape: number[], range?: [number, number]): InputSpec => ({ shape, range });
const pos = (shape: number[]): InputSpec => ({ shape, range: [0.5, 2.5] });
const sgn = (shape: number[], values: number[]): InputSpec => ({ shape, values, grad: false });
const bool = (shape: number[], values: number[]): InputSpec => ({ shape, dtype: 'bool', values });

const UNARY: [string, (x: Tensor) => Tensor, InputSpec?][] = [
  ['softplus', (x) => x.softplus()], ['softplus beta', (x) => F.softplus(x, 2, 3), f([2, 3], [-3, 3])],
  ['logSigmoid', (x) => F.logSigmoid(x)], ['mish', (x) => F.mish(x)], ['hardtanh', (x) => F.hardtanh(x, -0.7, 0.9)],
  ['relu6', (x) => F.relu6(x), f([2, 3], [-3, 8])], ['hardsigmoid', (x) => F.hardsigmoid(x), f([2, 3], [-5, 5])],
  ['hardswish', (x) => F.hardswish(x), f([2, 3], [-5, 5])], ['selu', (x) => F.selu(x)], ['celu', (x) => F.celu(x, 0.6)],
  ['softsign', (x) => F.softsign(x)], ['tanhshrink', (x) => F.tanhshrink(x)], ['softmin', (x) => F.softmin(x, 1)],
  ['softshrink', (x) => F.softshrink(x, 0.3)], ['hardshrink', (x) => F.hardshrink(x, 0.3)], ['glu', (x) => F.glu(x, 1), f([2, 4])],
  ['log1p', (x) => x.log1p(), pos([2, 3])], ['expm1', (x) => x.expm1()], ['log2', (x) => x.log2(), pos([2, 3])],
  ['log10', (x) => x.log10(), pos([2, 3])], ['exp2', (x) => A.exp2(x)], ['tan', (x) => x.tan(), f([2, 3], [-1.2, 1.2])],
  ['sinh', (x) => x.sinh()], ['cosh', (x) => x.cosh()],
  ['cumsum', (x) => x.cumsum(1), f([2, 4])], ['cumsum dim0', (x) => M.cumsum(x, 0), f([3, 2, 2])],
  ['flip', (x) => x.flip([0, 2]), f([2, 3, 2])], ['roll', (x) => x.roll([1, -2], [0, 1]), f([3, 4])],
  ['roll flat', (x) => x.roll(2), f([2, 3])], ['repeat', (x) => x.repeat([2, 1, 3]), f([2, 2])],
  ['tile', (x) => x.tile([2]), f([2, 3])], ['repeatInterleave', (x) => M.repeatInterleave(x, 2, 1), f([2, 3])],
  ['tril', (x) => x.tril(), f([3, 4])], ['triu', (x) => x.triu(1), f([2, 3, 3])],
  ['split', (x) => x.split(2, 1)[1], f([2, 5])], ['chunk', (x) => x.chunk(3, 0)[2], f([5, 2])],
  ['squeeze', (x) => x.squeeze(1), f([2, 1, 3])],
  ['norm', (x) => x.norm(), f([3, 4])], ['norm p1 dim', (x) => x.norm(1, 1, true), f([3, 4])],
  ['norm p3', (x) => M.norm(x, 3, [0]), f([3, 4])], ['norm inf', (x) => M.norm(x, Infinity, 1), f([3, 4])],
  ['normalize', (x) => F.normalize(x), f([3, 4])],
];

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, InputSpec, InputSpec][] = [
  ['fmod', (a, b) => a.fmod(b), f([2, 3], [-3, 3]), f([3], [0.7, 0.9])],
  ['remainder', (a, b) => a.remainder(b), f([2, 3], [-3, 3]), f([2, 3], [0.7, 0.9])],
  ['hypot', (a, b) => A.hypot(a, b), f([2, 3]), f([3])], ['atan2', (a, b) => a.atan2(b), f([4, 3]), f([4, 3])],
  ['atan2 broadcast', (a, b) => A.atan2(a, b), f([2, 3]), f([3])], ['logaddexp', (a, b) => A.logaddexp(a, b), f([2, 3]), f([2, 3])],
  ['lerp', (a, b) => A.lerp(a, b, 0.3), f([2, 3]), f([2, 3])], ['outer', (a, b) => M.outer(a, b), f([3]), f([4])],
  ['cosineSimilarity', (a, b) => F.cosineSimilarity(a, b), f([3, 4]), f([3, 4])],
  ['pairwiseDistance', (a, b) => F.pairwiseDistance(a, b), f([3, 4]), f([3, 4])],
  ['prelu', (x, w) => F.prelu(x, w), f([2, 3, 2]), f([3], [0.1, 0.4])],
  ['smoothL1Loss', (a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }), f([3, 4]), f([3, 4])],
  ['poissonNllLoss', (a, b) => F.poissonNllLoss(a, b), f([3, 2]), pos([3, 2])],
];

export const EXTRA_CASES: OpCase[] = [
  ...UNARY.map(([name, fn, spec]): OpCase => ({ name, fn, inputs: [spec ?? f([2, 3])] })),
  ...BINARY.map(([name, fn, a, b]): OpCase => ({ name, fn, inputs: [a, b] })),
  { name: 'addcmul', fn: (x, a, b) => A.addcmul(x, a, b, 0.5), inputs: [f([2, 3]), f([2, 3]), f([3])] },
  { name: 'maskedFill', fn: (x, m) => x.maskedFill(m, -1), inputs: [f([2, 3]), bool([3], [1, 0, 1])] },
  { name: 'softMarginLoss', fn: (x, y) => F.softMarginLoss(x, y), inputs: [f([4]), sgn([4], [1, -1, -1, 1])] },
  { name: 'marginRankingLoss', fn: (a, b, y) => F.marginRankingLoss(a, b, y, { margin: 0.3 }), inputs: [f([4]), f([4]), sgn([4], [1, -1, -1, 1])] },
  { name: 'hingeEmbeddingLoss', fn: (x, y) => F.hingeEmbeddingLoss(x, y), inputs: [f([4], [-3, 3]), sgn([4], [1, -1, -1, 1])] },
  { name: 'gaussianNllLoss', fn: (x, y, v) => F.gaussianNllLoss(x, y, v), inputs: [f([3, 2]), f([3, 2]), pos([3, 2])] },
  { name: 'cosineEmbeddingLoss', fn: (a, b, y) => F.cosineEmbeddingLoss(a, b, y, { margin: -0.5 }), inputs: [f([3, 4]), f([3, 4]), sgn([3], [1, -1, -1])] },
  { name: 'tripletMarginLoss', fn: (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 2 }), inputs: [f([3, 4]), f([3, 4]), f([3, 4])] },
  // layers
  { name: 'maxPool1d', fn: (x) => F.maxPool1d(x, { kernelSize: 2 }), inputs: [f([2, 2, 6])] },
  { name: 'avgPool1d', fn: (x) => F.avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1 }), inputs: [f([2, 2, 7])] },
  { name: 'adaptiveAvgPool1d', fn: (x) => F.adaptiveAvgPool1d(x, 3), inputs: [f([2, 2, 7])] },
  { name: 'groupNorm', fn: (x, w, b) => F.groupNorm(x, 2, w, b), inputs: [f([2, 4, 3]), f([4]), f([4])] },
  { name: 'instanceNorm', fn: (x) => F.instanceNorm(x), inputs: [f([2, 3, 2, 2])] },
  { name: 'pixelShuffle', fn: (x) => F.pixelShuffle(x, 2), inputs: [f([1, 8, 2, 3])] },
  { name: 'pixelUnshuffle', fn: (x) => F.pixelUnshuffle(x, 2), inputs: [f([1, 2, 4, 2])] },
  { name: 'interpolate nearest', fn: (x) => F.interpolate(x, { scaleFactor: 2 }), inputs: [f([1, 2, 2, 3])] },
  { name: 'interpolate nearest size', fn: (x) => F.interpolate(x, { size: [3, 5] }), inputs: [f([1, 1, 4, 3])] },
  { name: 'interpolate bilinear', op: 'upsampleBilinear', fn: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), inputs: [f([1, 2, 3, 3])] },
  { name: 'interpolate bilinear aligned', op: 'upsampleBilinear', fn: (x) => F.interpolate(x, { size: [4, 5], mode: 'bilinear', alignCorners: true }), inputs: [f([1, 1, 3, 2])] },
  { name: 'unfold', fn: (x) => F.unfold(x, { kernelSize: 2, stride: 1, padding: 1 }), inputs: [f([2, 2, 3, 3])] },
  { name: 'fold', fn: (c) => F.fold(c, [3, 4], { kernelSize: 2 }), inputs: [f([1, 8, 6])] },
  { name: 'bilinear', fn: (a, b, w, bias) => F.bilinear(a, b, w, bias), inputs: [f([3, 2]), f([3, 4]), f([5, 2, 4]), f([5])] },
];
