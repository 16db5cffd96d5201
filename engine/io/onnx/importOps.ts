/**
 * ONNX in, one row per operator: how an ONNX node becomes Flowgrad layers (and weights).
 * import.ts walks the ONNX graph and calls the row of each node's opType; an operator with
 * no row is refused there, naming the node. A row returns the id of the Flowgrad node that
 * computes the op's output, or null when it only folds constants (a transposed weight).
 */
import { strFromU8 } from 'fflate';
import type { Attrs } from '../../graph/types.ts';
import { BatchNorm1d } from '../../nn/conv.ts';
import type { AttributeProto } from './proto/index.ts';
import type { HostTensor } from './builder.ts';
import { floatAttr, intAttr, intsAttr, type ImportNode, type Importer } from './importNode.ts';
import { sinusoidalTable } from '../../nn/attention.ts';
import { SEQUENCE_IMPORTERS, seqTranspose } from './importSequence.ts';

const same = (xs: number[]) => xs.every((x) => x === xs[0]);

function transpose2d(t: HostTensor): HostTensor {
  const [r, c] = t.shape as [number, number];
  const data = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j]!;
  return { shape: [c, r], data };
}

let bnBuffers: [string, string] | null = null;
/** BatchNorm's buffer names as the engine's module registers them (asked, not assumed). */
function batchNormBufferNames(): [string, string] {
  if (!bnBuffers) {
    const m = new BatchNorm1d(1);
    try {
      const names = m.namedBuffers().map(([n]) => n);
      bnBuffers = [names.find((n) => /mean/i.test(n))!, names.find((n) => /var/i.test(n))!];
    } finally {
      m.dispose();
    }
  }
  return bnBuffers;
}

/** Gemm / MatMul with a 2-D constant weight: a Dense (its bias from Gemm's C or a later Add). */
const dense: Importer = (c) => {
  const { node: n, attrs: a } = c;
  const w = c.konst(1);
  if (!w || w.shape.length !== 2) c.fail('only a product with a 2-D weight matrix maps to Dense');
  const transB = n.opType === 'Gemm' ? intAttr(a, 'transB', 0) : 0;
  if (n.opType === 'Gemm' && (intAttr(a, 'transA', 0) !== 0 || floatAttr(a, 'alpha', 1) !== 1 || floatAttr(a, 'beta', 1) !== 1)) c.fail('transA, alpha and beta must be the defaults');
  const weight = transB ? w! : transpose2d(w!);
  const b = n.opType === 'Gemm' ? c.konst(2) : null;
  const out = c.add(c.base, 'Dense', { units: weight.shape[0]!, bias: !!b }, [c.value(0)]);
  c.weights[`${out}.weight`] = weight;
  if (b) c.weights[`${out}.bias`] = { shape: [weight.shape[0]!], data: b.data };
  return out;
};

/**
 * A constant [L,D] table added to a sequence [N,L,D]: a Positional Encoding — sinusoidal when
 * the table is the sine/cosine one, else learned with those L rows as its weight.
 */
function positions(c: ImportNode, x: string, table: HostTensor): string {
  const [l, d] = table.shape as [number, number];
  const sine = sinusoidalTable(l, d);
  if (table.data.every((v, i) => Math.abs(v - sine[i]!) <= 1e-6)) return c.add(c.base, 'PositionalEncoding', { kind: 'sinusoidal', maxLen: l }, [x]);
  const out = c.add(c.base, 'PositionalEncoding', { kind: 'learned', maxLen: l }, [x]);
  c.weights[`${out}.weight`] = { shape: [l, d], data: table.data };
  return out;
}

const addOrMul: Importer = (c) => {
  const op = c.node.opType;
  const k = c.konst(1) ?? c.konst(0);
  if (k && op === 'Add' && k.shape.length === 2 && c.sampleOf(c.value(c.konst(1) ? 0 : 1)).join(',') === k.shape.join(',')) return positions(c, c.value(c.konst(1) ? 0 : 1), k);
  if (k && op === 'Add') {
    // MatMul + Add of a bias vector: the Dense gets its bias.
    const src = c.value(c.konst(1) ? 0 : 1);
    const d = c.nodes.find((x) => x.id === src);
    if (d?.type !== 'Dense' || d.attrs.bias || k.shape.reduce((p, q) => p * q, 1) !== d.attrs.units) c.fail('adding a constant maps only to the bias of the Dense before it');
    d!.attrs.bias = true;
    c.weights[`${src}.bias`] = { shape: [d!.attrs.units as number], data: k.data };
    return src;
  }
  return c.add(c.base, op === 'Add' ? 'Add' : 'Multiply', {}, [c.value(0), c.value(1)]);
};

const conv: Importer = (c) => {
  const { node: n, attrs: a } = c;
  const w = c.konst(1) ?? c.fail('the weight must be an initializer');
  const k = w.shape.slice(2);
  const dims = k.length;
  const strides = intsAttr(a, 'strides') ?? k.map(() => 1), pads = intsAttr(a, 'pads') ?? k.map(() => 0).concat(k.map(() => 0));
  const dil = intsAttr(a, 'dilations') ?? k.map(() => 1), group = intAttr(a, 'group', 1);
  if ((dims !== 1 && dims !== 2) || !same(k) || !same(strides) || !same(pads) || !same(dil)) c.fail('only 1-D or 2-D square kernels with equal strides, symmetric padding and equal dilations map to a Flowgrad convolution');
  if (a.has('auto_pad') && strFromU8(a.get('auto_pad')!.s) !== 'NOTSET') c.fail('auto_pad is not supported; give explicit pads');
  const b = c.konst(2);
  const common = { kernelSize: k[0]!, stride: strides[0]!, padding: pads[0]!, bias: !!b };
  const cin = c.sampleOf(c.value(0))[0]!;
  let out: string;
  if (n.opType === 'ConvTranspose') {
    const op = intsAttr(a, 'output_padding') ?? [0, 0];
    if (dims !== 2 || group !== 1 || dil[0] !== 1 || !same(op)) c.fail('only 2-D transposed convolutions without groups or dilation map to ConvTranspose2d');
    out = c.add(c.base, 'ConvTranspose2d', { ...common, filters: w.shape[1]!, outputPadding: op[0]! }, [c.value(0)]);
  } else if (dims === 1) {
    if (group !== 1) c.fail('grouped 1-D convolutions are not in the catalog');
    out = c.add(c.base, 'Conv1d', { ...common, filters: w.shape[0]!, dilation: dil[0]! }, [c.value(0)]);
  } else if (group === cin && group > 1 && w.shape[0]! % cin === 0) {
    out = c.add(c.base, 'DepthwiseConv2d', { ...common, dilation: dil[0]!, depthMultiplier: w.shape[0]! / cin }, [c.value(0)]);
  } else {
    out = c.add(c.base, 'Conv2d', { ...common, filters: w.shape[0]!, dilation: dil[0]!, groups: group }, [c.value(0)]);
  }
  c.weights[`${out}.weight`] = w;
  if (b) c.weights[`${out}.bias`] = b;
  return out;
};

const pool: Importer = (c) => {
  const { node: n, attrs: a } = c;
  const k = intsAttr(a, 'kernel_shape') ?? c.fail('kernel_shape is required');
  const strides = intsAttr(a, 'strides') ?? k, pads = intsAttr(a, 'pads') ?? k.concat(k).map(() => 0);
  if ((k.length !== 1 && k.length !== 2) || !same(k) || !same(strides) || !same(pads)) c.fail('only square windows with equal strides and symmetric padding map to a Flowgrad pooling layer');
  if (intAttr(a, 'ceil_mode', 0) !== 0 || (intsAttr(a, 'dilations') ?? []).some((d) => d !== 1)) c.fail('ceil_mode and dilations are not supported');
  if (n.opType === 'AveragePool' && pads[0]! > 0 && intAttr(a, 'count_include_pad', 0) !== 1) c.fail('padded averages that leave out the padding are not supported (Flowgrad counts it, as PyTorch)');
  const type = `${n.opType === 'MaxPool' ? 'Max' : 'Avg'}Pool${k.length}d`;
  return c.add(c.base, type, { kernelSize: k[0]!, stride: strides[0]!, padding: pads[0]! }, [c.value(0)]);
};

const globalAvgPool: Importer = (c) => {
  const s = c.sampleOf(c.value(0));
  const pooled = c.add(c.base, 'GlobalAvgPool', {}, [c.value(0)]);
  return c.add(`${c.base}_keepdims`, 'Reshape', { shape: [s[0]!, ...s.slice(1).map(() => 1)] }, [pooled]);
};

const reduceMean: Importer = (c) => {
  const s = c.sampleOf(c.value(0));
  const axes = (c.konst(1)?.ints ?? intsAttr(c.attrs, 'axes') ?? []).map((x) => (x < 0 ? x + s.length + 1 : x)).sort();
  if (intAttr(c.attrs, 'keepdims', 1) !== 0 || axes.join(',') !== s.slice(1).map((_, i) => i + 2).join(',')) c.fail('only a mean over every position (all axes after the channels, keepdims 0) maps to GlobalAvgPool');
  return c.add(c.base, 'GlobalAvgPool', {}, [c.value(0)]);
};

const batchNorm: Importer = (c) => {
  const rank = c.sampleOf(c.value(0)).length + 1;
  if (rank > 4) c.fail('BatchNorm over more than two spatial dims is not in the catalog');
  const [scale, shift, mean, variance] = [c.konst(1), c.konst(2), c.konst(3), c.konst(4)];
  if (!scale || !shift || !mean || !variance) c.fail('scale, bias, mean and variance must be initializers');
  const out = c.add(c.base, rank === 4 ? 'BatchNorm2d' : 'BatchNorm1d', { eps: floatAttr(c.attrs, 'epsilon', 1e-5), momentum: 1 - floatAttr(c.attrs, 'momentum', 0.9), affine: true }, [c.value(0)]);
  const [m, v] = batchNormBufferNames();
  Object.assign(c.weights, { [`${out}.weight`]: scale, [`${out}.bias`]: shift, [`${out}.${m}`]: mean, [`${out}.${v}`]: variance });
  return out;
};

const layerNorm: Importer = (c) => {
  const s = c.sampleOf(c.value(0));
  const axis = intAttr(c.attrs, 'axis', -1);
  if (axis !== -1 && axis !== s.length) c.fail('only normalisation over the last dimension maps to LayerNorm');
  const [scale, shift] = [c.konst(1) ?? c.fail('scale must be an initializer'), c.konst(2)];
  const out = c.add(c.base, 'LayerNorm', { eps: floatAttr(c.attrs, 'epsilon', 1e-5), affine: true }, [c.value(0)]);
  c.weights[`${out}.weight`] = scale;
  c.weights[`${out}.bias`] = shift ?? { shape: scale.shape, data: new Float32Array(scale.data.length) };
  return out;
};

/** An element-wise layer with attributes read from the node. */
const unary = (type: string, attrsOf: (a: Map<string, AttributeProto>) => Attrs = () => ({})): Importer => (c) => c.add(c.base, type, attrsOf(c.attrs), [c.value(0)]);

const reshape: Importer = (c) => {
  const shape = c.konst(1)?.ints ?? c.fail('the target shape must be a constant');
  if (shape.length < 2 || (shape[0] !== 0 && shape[0] !== -1) || shape.slice(1).some((d) => d === 0 || d < -1)) c.fail('only reshapes that keep the batch dimension first (0 or -1) map to Reshape');
  return c.add(c.base, 'Reshape', { shape: shape.slice(1) }, [c.value(0)]);
};

const transpose: Importer = (c) => {
  const perm = intsAttr(c.attrs, 'perm') ?? c.fail('perm is required');
  if (perm[0] !== 0) c.fail('only permutations that keep the batch dimension first map to Permute');
  return c.add(c.base, 'Permute', { dims: perm.slice(1) }, [c.value(0)]);
};

/** The operators ONNX import maps to catalog layers. */
export const ONNX_IMPORTERS: Readonly<Record<string, Importer>> = {
  Identity: (c) => c.value(0),
  Dropout: (c) => c.value(0),
  Gemm: dense,
  MatMul: dense,
  Add: addOrMul,
  Mul: addOrMul,
  Conv: conv,
  ConvTranspose: conv,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalAvgPool,
  ReduceMean: reduceMean,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  Relu: unary('ReLU'),
  LeakyRelu: unary('LeakyReLU', (a) => ({ slope: floatAttr(a, 'alpha', 0.01) })),
  Elu: unary('ELU', (a) => ({ alpha: floatAttr(a, 'alpha', 1) })),
  Tanh: unary('Tanh'),
  Sigmoid: unary('Sigmoid'),
  Softmax: unary('Softmax', (a) => ({ dim: intAttr(a, 'axis', -1) })),
  LogSoftmax: unary('LogSoftmax', (a) => ({ dim: intAttr(a, 'axis', -1) })),
  Flatten: (c) => {
    if (intAttr(c.attrs, 'axis', 1) !== 1) c.fail('only flattening after the batch dimension (axis 1) maps to Flatten');
    return c.add(c.base, 'Flatten', {}, [c.value(0)]);
  },
  Reshape: reshape,
  Transpose: (c) => seqTranspose(c, transpose),
  Concat: (c) => {
    if (c.node.input.length !== 2) c.fail('Flowgrad\'s Concat joins two inputs');
    return c.add(c.base, 'Concat', { dim: intAttr(c.attrs, 'axis', -1) }, [c.value(0), c.value(1)]);
  },
  ...SEQUENCE_IMPORTERS,
};
