/**
 * The op suite's case table: every op with the inputs it is checked on (broadcasting, edge
 * shapes, ranks 0 to 4). Written once; the suite runs it on every backend (engine/ops/ops.test.ts
 * on the CPU ones, the WebGPU tests on a GPU device).
 */
import { grad as autogradGrad } from '../../autograd/backward.ts';
import type { Tensor } from '../../core/tensor.ts';
import { F } from '../../index.ts';
import { concat, gather, indexAdd, indexSelect, matmul, matmulT, narrow, pad, scatterAdd, slice, stack, where } from '../../ops/index.ts';
import type { InputSpec, OpCase } from './opcheck.ts';

const f = (shape: number[], range?: [number, number]): InputSpec => ({ shape, range });
const pos = (shape: number[]): InputSpec => ({ shape, range: [0.5, 2.5] });
const ints = (shape: number[], values: number[]): InputSpec => ({ shape, dtype: 'int32', values });

const UNARY: [string, (x: Tensor) => Tensor, InputSpec?, boolean?][] = [
  ['neg', (x) => x.neg()], ['exp', (x) => x.exp()], ['log', (x) => x.log(), pos([2, 3])],
  ['sqrt', (x) => x.sqrt(), pos([2, 3])], ['rsqrt', (x) => x.rsqrt(), pos([2, 3])],
  ['abs', (x) => x.abs()], ['sign', (x) => x.sign(), undefined, false], ['sin', (x) => x.sin()], ['cos', (x) => x.cos()],
  ['sigmoid', (x) => x.sigmoid()], ['tanh', (x) => x.tanh()], ['relu', (x) => x.relu()],
  ['leakyRelu', (x) => x.leakyRelu(0.1)], ['elu', (x) => x.elu(0.7)], ['gelu', (x) => x.gelu()], ['silu', (x) => x.silu()],
  ['erf', (x) => x.erf()], ['clamp', (x) => x.clamp(-0.5, 0.8)], ['clamp min only', (x) => x.clamp(0.3)],
  ['square', (x) => x.square()], ['reciprocal', (x) => x.reciprocal(), pos([2, 3])],
  ['floor', (x) => x.floor(), undefined, false], ['round', (x) => x.round(), undefined, false],
  ['softmax', (x) => x.softmax(1)], ['logSoftmax', (x) => x.logSoftmax(-1)], ['softmax dim0', (x) => x.softmax(0)],
  ['clone', (x) => x.clone()],
  ['asin', (x) => x.asin(), f([2, 3], [-0.9, 0.9])], ['acos', (x) => x.acos(), f([2, 3], [-0.9, 0.9])], ['atan', (x) => x.atan(), f([2, 3], [-3, 3])],
];

const BROADCASTS: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[], [2, 3]], [[4, 1, 3], [2, 1]]];
const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, [number, number]?, [number, number]?][] = [
  ['add', (a, b) => a.add(b)], ['sub', (a, b) => a.sub(b)], ['mul', (a, b) => a.mul(b)],
  ['div', (a, b) => a.div(b), undefined, [0.5, 2]], ['pow', (a, b) => a.pow(b), [0.5, 2]],
  ['maximum', (a, b) => a.maximum(b)], ['minimum', (a, b) => a.minimum(b)],
];
const COMPARE: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['eq', (a, b) => a.eq(b)], ['ne', (a, b) => a.ne(b)], ['gt', (a, b) => a.gt(b)], ['lt', (a, b) => a.lt(b)], ['ge', (a, b) => a.ge(b)], ['le', (a, b) => a.le(b)],
];
/** Values at least 0.2 from every half-integer, so rounding ops are locally constant for finite differences. */
const awayFromSteps = (shape: number[]): InputSpec => ({ shape, values: [0.3, 1.2, -0.7, 2.2, -1.3, 0.1].slice(0, shape.reduce((a, b) => a * b, 1)) });

export const OP_CASES: OpCase[] = [
  ...UNARY.map(([name, fn, spec, grad]): OpCase => ({ name, fn, inputs: [spec ?? f([2, 3])], grad })),
  ...BINARY.flatMap(([name, fn, ra, rb]) =>
    BROADCASTS.map(([sa, sb]): OpCase => ({ name: `${name} [${sa}]·[${sb}]`, fn, inputs: [f(sa, ra), f(sb, rb)] }))),
  ...COMPARE.map(([name, fn]): OpCase => ({ name, fn, inputs: [f([2, 3]), f([3])], grad: false })),
  { name: 'ceil', fn: (x) => x.ceil(), inputs: [f([2, 3])], grad: false },
  // Piecewise-constant ops inside a product: their (zero) gradient rules run, and finite differences agree.
  { name: 'ceil in a product', op: 'ceil', fn: (x) => x.mul(x.ceil()), inputs: [awayFromSteps([2, 3])] },
  { name: 'round in a product', op: 'round', fn: (x) => x.mul(x.round()), inputs: [awayFromSteps([2, 3])] },
  { name: 'or / not', op: 'or', fn: (a, b) => a.or(b.logicalNot()), inputs: [{ shape: [2, 3], dtype: 'bool' }, { shape: [3], dtype: 'bool' }], grad: false },
  { name: 'isfinite', fn: (a) => a.isFinite(), inputs: [{ shape: [2, 4], values: [1, Infinity, -Infinity, NaN, 0, -3.5, 3e38, -1e-30] }], grad: false },
  { name: 'eq ties', fn: (a, b) => a.eq(b), inputs: [{ shape: [4], values: [1, 2, 3, 4] }, { shape: [4], values: [1, 0, 3, 5] }], grad: false },
  { name: 'mul scalar', fn: (a) => a.mul(3).add(1).sub(2).div(4), inputs: [f([2, 2])] },
  { name: 'pow scalar exponents', fn: (a) => a.pow(2).add(a.pow(0.5)), inputs: [pos([3])] },
  { name: 'where', fn: (c, a, b) => where(c, a, b), inputs: [{ shape: [2, 3], dtype: 'bool' }, f([2, 3]), f([3])] },
  { name: 'where scalar', fn: (c, a) => where(c, a, 0.5), inputs: [{ shape: [3], dtype: 'bool' }, f([2, 3])] },
  // reductions
  ...(['sum', 'mean', 'max', 'min', 'prod', 'logsumexp'] as const).flatMap((op) =>
    ([undefined, 0, 1, -1, [0, 2]] as (number | number[] | undefined)[]).flatMap((dim) => [false, true].map((keep): OpCase => ({
      name: `${op}(${JSON.stringify(dim)}, keep=${keep})`,
      fn: (x) => x[op](dim, keep),
      inputs: [op === 'prod' ? f([2, 3, 4], [0.5, 1.5]) : f([2, 3, 4])],
    })))),
  // Leading + trailing axes reduce in two contiguous passes (a conv bias gradient); middle axes by a copy.
  { name: 'sum over batch and space', fn: (x) => x.sum([0, 2, 3]), inputs: [f([2, 3, 4, 5])] },
  { name: 'max over two leading and the last axis, keep', fn: (x) => x.max([0, 1, 3], true), inputs: [f([2, 2, 3, 4])] },
  { name: 'mean over axes 1 and 3', fn: (x) => x.mean([1, 3]), inputs: [f([2, 3, 2, 4])] },
  { name: 'sum bool over leading and trailing axes', fn: (x) => x.sum([0, 2]), inputs: [{ shape: [3, 2, 4], dtype: 'bool' }], grad: false },
  { name: 'sum bool', fn: (x) => x.sum(), inputs: [{ shape: [5], dtype: 'bool' }], grad: false },
  { name: 'var', fn: (x) => x.var(1), inputs: [f([3, 4])] },
  { name: 'var all', fn: (x) => x.var(), inputs: [f([3, 4])] },
  { name: 'std keep', fn: (x) => x.std([0, 1], true, 0), inputs: [f([3, 4, 2])] },
  { name: 'argmax', fn: (x) => x.argmax(1), inputs: [f([3, 5])], grad: false },
  { name: 'argmin keep', fn: (x) => x.argmin(0, true), inputs: [f([3, 5])], grad: false },
  { name: 'argmax all', fn: (x) => x.argmax(), inputs: [f([3, 5])], grad: false },
  // matmul
  ...([
    [[3, 4], [4, 5]], [[2, 3, 4], [4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[4], [4, 5]], [[3, 4], [4]], [[4], [4]], [[2, 3, 4], [4]],
    [[5, 6], [6, 7]], [[1, 1], [1, 1]],
  ] as [number[], number[]][]).map(([sa, sb]): OpCase => ({ name: `matmul [${sa}]@[${sb}]`, fn: (a, b) => matmul(a, b), inputs: [f(sa), f(sb)] })),
  { name: 'matmulT A·Bᵀ', fn: (a, b) => matmulT(a, b, false, true), inputs: [f([5, 6]), f([7, 6])] },
  { name: 'matmulT Aᵀ·B', fn: (a, b) => matmulT(a, b, true, false), inputs: [f([6, 5]), f([6, 7])] },
  { name: 'matmulT Aᵀ·Bᵀ', fn: (a, b) => matmulT(a, b, true, true), inputs: [f([6, 5]), f([7, 6])] },
  { name: 'matmulT small Aᵀ·B', fn: (a, b) => matmulT(a, b, true, false), inputs: [f([3, 2]), f([3, 2])] },
  // shapes
  { name: 'reshape', fn: (x) => x.reshape([4, -1]).mul(x.reshape([4, 3])), inputs: [f([2, 6])] },
  { name: 'transpose', fn: (x) => x.transpose(0, 2), inputs: [f([2, 3, 4])] },
  { name: 'transpose T', fn: (x) => x.T, inputs: [f([2, 3])] },
  { name: 'permute', fn: (x) => x.permute([1, 2, 0]), inputs: [f([2, 3, 4])] },
  { name: 'unsqueeze after squeeze', op: 'unsqueeze', fn: (x) => x.squeeze().unsqueeze(0).unsqueeze(-1), inputs: [f([1, 3, 1, 2])] },
  { name: 'expand', fn: (x) => x.expand([2, 3, 4]), inputs: [f([3, 1])] },
  { name: 'flatten', fn: (x) => x.flatten(1), inputs: [f([2, 3, 4])] },
  { name: 'slice step', fn: (x) => slice(x, 1, 1, undefined, 2), inputs: [f([2, 6])] },
  { name: 'slice negative', fn: (x) => slice(x, -1, -3, -1), inputs: [f([3, 5])] },
  { name: 'narrow', fn: (x) => narrow(x, 0, 1, 2), inputs: [f([4, 3])] },
  { name: 'pad', fn: (x) => pad(x, [1, 2, 0, 1], 0.5), inputs: [f([2, 3])] },
  { name: 'concat', fn: (a, b) => concat([a, b], 1), inputs: [f([2, 3]), f([2, 2])] },
  { name: 'concat method', fn: (a, b) => a.concat([b], 0), inputs: [f([2, 3]), f([1, 3])] },
  { name: 'stack', fn: (a, b) => stack([a, b], 1), inputs: [f([2, 3]), f([2, 3])] },
  { name: 'gather', fn: (x, i) => gather(x, 1, i), inputs: [f([3, 4]), ints([3, 2], [0, 3, 1, 1, 2, 0])] },
  { name: 'gather dim0', fn: (x, i) => gather(x, 0, i), inputs: [f([3, 4]), ints([2, 4], [0, 2, 1, 1, 2, 0, 0, 1])] },
  { name: 'indexSelect', fn: (x, i) => indexSelect(x, 0, i), inputs: [f([4, 3]), ints([5], [3, 0, 0, 2, 1])] },
  { name: 'indexSelect dim1', fn: (x, i) => indexSelect(x, 1, i), inputs: [f([2, 4, 2]), ints([3], [3, 1, 3])] },
  { name: 'scatterAdd', fn: (b, i, s) => scatterAdd(b, 1, i, s), inputs: [f([3, 4]), ints([3, 2], [0, 3, 1, 1, 2, 0]), f([3, 2])] },
  { name: 'indexAdd', fn: (b, i, s) => indexAdd(b, 0, i, s), inputs: [f([4, 3]), ints([3], [3, 0, 3]), f([3, 3])] },
  { name: 'cast roundtrip', fn: (x) => x.cast('int32').cast('float32').add(x), inputs: [f([4])] },
  // edge shapes
  { name: 'rank-0 exp', op: 'exp', fn: (x) => x.exp(), inputs: [f([])] },
  { name: 'rank-0 sum', op: 'sum', fn: (x) => x.sum(), inputs: [f([])] },
  { name: 'size-1', op: 'mul', fn: (x) => x.mul(x).sum(0), inputs: [f([1])] },
  { name: 'size-0 add', op: 'add', fn: (a, b) => a.add(b), inputs: [f([0, 3]), f([3])] },
  { name: 'size-0 sum', op: 'sum', fn: (x) => x.sum(0), inputs: [f([0, 3])] },
  { name: 'size-0 matmul', op: 'matmul', fn: (a, b) => matmul(a, b), inputs: [f([2, 0]), f([0, 3])] },
  { name: 'size-0 concat', op: 'concat', fn: (a, b) => concat([a, b], 0), inputs: [f([0, 2]), f([2, 2])] },
  // nn.functional
  { name: 'linear', fn: (x, w, b) => F.linear(x, w, b), inputs: [f([4, 3]), f([2, 3]), f([2])] },
  { name: 'linear 3-D', fn: (x, w) => F.linear(x, w), inputs: [f([2, 3, 3]), f([5, 3])] },
  { name: 'crossEntropy', fn: (x, t) => F.crossEntropy(x, t), inputs: [f([4, 3]), ints([4], [0, 2, 1, 2])] },
  { name: 'crossEntropy smooth', fn: (x, t) => F.crossEntropy(x, t, { labelSmoothing: 0.1 }), inputs: [f([4, 3]), ints([4], [0, 2, 1, 2])] },
  { name: 'crossEntropy probs', fn: (x, t) => F.crossEntropy(x, t.softmax(1), { reduction: 'sum' }), inputs: [f([2, 3]), f([2, 3])] },
  { name: 'crossEntropy spatial', fn: (x, t) => F.crossEntropy(x, t), inputs: [f([2, 3, 2]), ints([2, 2], [0, 2, 1, 1])] },
  { name: 'nllLoss', fn: (x, t) => F.nllLoss(x.logSoftmax(1), t, { reduction: 'none' }), inputs: [f([3, 4]), ints([3], [3, 0, 1])] },
  { name: 'mseLoss', fn: (a, b) => F.mseLoss(a, b), inputs: [f([3, 2]), f([3, 2])] },
  { name: 'l1Loss', fn: (a, b) => F.l1Loss(a, b, { reduction: 'sum' }), inputs: [f([3, 2]), f([3, 2])] },
  { name: 'huberLoss', fn: (a, b) => F.huberLoss(a, b, { delta: 0.7 }), inputs: [f([4, 2]), f([4, 2])] },
  { name: 'bceWithLogits', fn: (a, b) => F.binaryCrossEntropyWithLogits(a, b), inputs: [f([3, 2], [-4, 4]), f([3, 2], [0, 1])] },
  { name: 'bceWithLogits posWeight', fn: (a, b, w) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: w }), inputs: [f([3, 2]), f([3, 2], [0, 1]), pos([2])] },
  { name: 'binaryCrossEntropy', fn: (a, b) => F.binaryCrossEntropy(a.sigmoid(), b), inputs: [f([3, 2]), f([3, 2], [0, 1])] },
  { name: 'klDiv', fn: (a, b) => F.klDiv(a.logSoftmax(1), b.softmax(1), { reduction: 'batchmean' }), inputs: [f([3, 4]), f([3, 4])] },
];

/** Layer ops: convolution, pooling, normalisation, embedding, attention. */
export const LAYER_CASES: OpCase[] = [
  // Double backward: the gradient ops' own gradient rules (where the backend runs the fused kernels).
  // relu's backward is one op (reluGrad, broadcast too): its own gradient, through the same mask.
  // tanh's and the sigmoid's backward are one op each (a·(1 − y²), a·y·(1 − y)): their own gradients.
  { name: 'tanh double backward', op: 'tanhGrad', fn: (x, w) => autogradGrad(x.tanh().mul(w).sum(), [x], { createGraph: true })[0]!, inputs: [f([3, 4]), f([4])] },
  { name: 'sigmoid double backward', op: 'sigmoidGrad', fn: (x, w) => autogradGrad(x.sigmoid().mul(w).sum(), [x], { createGraph: true })[0]!, inputs: [f([3, 4]), f([4])] },
  { name: 'relu double backward', op: 'reluGrad', fn: (x, w) => autogradGrad(x.relu().mul(w).sum(), [x], { createGraph: true })[0]!, inputs: [f([3, 4]), f([4])] },
  { name: 'crossEntropy double backward', op: 'crossEntropyGrad', fn: (x, t) => autogradGrad(F.crossEntropy(x, t), [x], { createGraph: true })[0]!, inputs: [f([4, 3]), ints([4], [0, 2, 1, 2])] },
  {
    name: 'conv2d double backward', op: 'conv2dWeightGrad',
    fn: (x, w) => autogradGrad(F.conv2d(x, w, null, { padding: 1 }).square().sum(), [w], { createGraph: true })[0]!,
    inputs: [f([2, 2, 4, 4]), f([3, 2, 3, 3])],
  },
  { name: 'conv2d', fn: (x, w, b) => F.conv2d(x, w, b), inputs: [f([2, 2, 4, 4]), f([3, 2, 3, 3]), f([3])] },
  { name: 'conv2d stride/pad/dilation', fn: (x, w) => F.conv2d(x, w, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }), inputs: [f([1, 2, 5, 6]), f([2, 2, 3, 2])] },
  { name: 'conv2d groups', fn: (x, w, b) => F.conv2d(x, w, b, { groups: 2, padding: 1 }), inputs: [f([2, 4, 3, 3]), f([6, 2, 2, 2]), f([6])] },
  { name: 'conv2d same', fn: (x, w) => F.conv2d(x, w, null, { padding: 'same' }), inputs: [f([1, 1, 4, 5]), f([2, 1, 2, 3])] },
  { name: 'conv1d', fn: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), inputs: [f([2, 3, 7]), f([4, 3, 3]), f([4])] },
  { name: 'convTranspose2d', fn: (x, w, b) => F.convTranspose2d(x, w, b), inputs: [f([2, 2, 3, 3]), f([2, 3, 2, 2]), f([3])] },
  { name: 'convTranspose2d stride/pad/outpad', fn: (x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }), inputs: [f([1, 2, 3, 2]), f([2, 2, 3, 3])] },
  { name: 'convTranspose2d groups/dilation', fn: (x, w) => F.convTranspose2d(x, w, null, { groups: 2, dilation: 2 }), inputs: [f([1, 4, 2, 3]), f([4, 1, 2, 2])] },
  { name: 'maxPool2d', fn: (x) => F.maxPool2d(x, { kernelSize: 2 }), inputs: [f([2, 2, 4, 4])] },
  {
    name: 'maxPool2d double backward', op: 'scatterToZeros',
    fn: (x, w) => autogradGrad(F.maxPool2d(x, { kernelSize: 2 }).mul(w).sum(), [x], { createGraph: true })[0]!,
    inputs: [f([2, 2, 5, 4]), f([2, 2, 2, 2])],
  },
  { name: 'maxPool2d stride/pad', fn: (x) => F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), inputs: [f([1, 2, 5, 5])] },
  { name: 'avgPool2d', fn: (x) => F.avgPool2d(x, { kernelSize: 2, stride: 1 }), inputs: [f([2, 2, 3, 4])] },
  { name: 'avgPool2d pad exclude', fn: (x) => F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }), inputs: [f([1, 2, 5, 4])] },
  // Tiling windows on rows and columns they do not divide (the last ones dropped, as in PyTorch).
  { name: 'avgPool2d tiles', fn: (x) => F.avgPool2d(x, { kernelSize: 2 }), inputs: [f([2, 3, 5, 7])] },
  // The pooling's gradient is its own op (the transposed kernel); its gradient is pooling again.
  {
    name: 'avgPool2d double backward', op: 'avgPool2dGrad',
    fn: (x, w) => autogradGrad(F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }).mul(w).sum(), [x], { createGraph: true })[0]!,
    inputs: [f([1, 2, 5, 4]), f([1, 2, 3, 2])],
  },
  { name: 'adaptiveAvgPool2d', fn: (x) => F.adaptiveAvgPool2d(x, [2, 3]), inputs: [f([2, 2, 5, 7])] },
  { name: 'adaptiveAvgPool2d 1', fn: (x) => F.adaptiveAvgPool2d(x, 1), inputs: [f([2, 3, 4, 4])] },
  { name: 'batchNorm train', fn: (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), inputs: [f([4, 3, 2, 2]), f([3]), f([3])] },
  { name: 'batchNorm 1d', fn: (x) => F.batchNorm(x, null, null, { training: true }), inputs: [f([5, 3])] },
  { name: 'layerNorm', fn: (x, w, b) => F.layerNorm(x, [4], w, b), inputs: [f([3, 4]), f([4]), f([4])] },
  { name: 'layerNorm 2 dims', fn: (x) => F.layerNorm(x, [2, 3]), inputs: [f([2, 2, 3])] },
  { name: 'embedding', fn: (w, i) => F.embedding(i, w), inputs: [f([5, 3]), ints([2, 3], [4, 0, 4, 1, 2, 2])] },
  {
    name: 'embedding double backward', op: 'indexAddToZeros',
    fn: (w, v, i) => autogradGrad(F.embedding(i, w).mul(v).sum(), [w], { createGraph: true })[0]!,
    inputs: [f([5, 3]), f([2, 3, 3]), ints([2, 3], [4, 0, 4, 1, 2, 2])],
  },
  { name: 'attention', fn: (q, k, v) => F.scaledDotProductAttention(q, k, v), inputs: [f([2, 3, 4]), f([2, 5, 4]), f([2, 5, 2])] },
  { name: 'attention causal', fn: (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }), inputs: [f([1, 2, 4, 3]), f([1, 2, 4, 3]), f([1, 2, 4, 3])] },
  { name: 'attention bool mask', fn: (q, k, v, m) => F.scaledDotProductAttention(q, k, v, { attnMask: m.gt(-1.5) }), inputs: [f([3, 2]), f([4, 2]), f([4, 2]), { shape: [3, 4], values: [0, 1, 1, 1, -2, 1, 1, 0, 1, -2, 0, 1], grad: false }] },
];
