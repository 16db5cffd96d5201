/**
 * ONNX in: a model file as a Flowgrad graph and its weights, for the operators the catalog
 * covers — Gemm, MatMul (+ Add of a bias), Conv, ConvTranspose, max/average/global pooling,
 * BatchNormalization, LayerNormalization, the activations, Softmax/LogSoftmax, Flatten,
 * Reshape, Transpose, Concat, Add, Mul (Identity and Dropout pass through). Anything else is
 * refused with a FlowgradError naming the ONNX node and its operator. The graph ends in an
 * Output / Loss node (the loss from Flowgrad's metadata, else cross-entropy for [N,classes]
 * outputs and MSE otherwise) and is laid out in rows, ready to edit and train.
 */
import { strFromU8 } from 'fflate';
import { FlowgradError } from '../../core/errors.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { defaultAttrs } from '../../graph/catalog.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphEdge, type GraphJSON, type GraphNode } from '../../graph/types.ts';
import { BatchNorm1d } from '../../nn/conv.ts';
import { encodeSafetensors } from '../../project/safetensors.ts';
import { AttributeProto_AttributeType as AttrType, TensorProto_DataType as DataType, type AttributeProto, type NodeProto, type TensorProto } from './proto/index.ts';
import { parseOnnx } from './read.ts';
import { META } from './export.ts';
import type { HostTensor } from './builder.ts';

export interface ImportedOnnx {
  graph: GraphJSON;
  /** The weights as a safetensors file, named `<nodeId>.<param>` like a trained project's. */
  weights: Uint8Array;
}

/** A tensor constant: float data, or int64 values as numbers. */
type Const = HostTensor & { ints?: number[] };

function constOf(t: TensorProto, where: string): Const {
  const shape = t.dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (t.dataLocation === 1) throw new FlowgradError('unsupported', `${where}: tensor '${t.name}' keeps its data in an external file; save the model with its weights inside`);
  const raw = t.rawData;
  if (t.dataType === DataType.FLOAT) {
    const data = raw.length ? new Float32Array(raw.slice().buffer, 0, count) : Float32Array.from(t.floatData);
    return { shape, data };
  }
  if (t.dataType === DataType.INT64) {
    const ints = raw.length ? Array.from(new BigInt64Array(raw.slice().buffer, 0, count), Number) : t.int64Data.map(Number);
    return { shape, data: Float32Array.from(ints), ints };
  }
  if (t.dataType === DataType.DOUBLE) return { shape, data: raw.length ? Float32Array.from(new Float64Array(raw.slice().buffer, 0, count)) : Float32Array.from(t.doubleData) };
  throw new FlowgradError('unsupported', `${where}: tensor '${t.name}' has data type ${DataType[t.dataType] ?? t.dataType}; Flowgrad imports float32 weights`);
}

function attrs(n: NodeProto): Map<string, AttributeProto> {
  return new Map(n.attribute.map((a) => [a.name, a]));
}
const intAttr = (a: Map<string, AttributeProto>, k: string, def: number): number => (a.has(k) ? Number(a.get(k)!.i) : def);
const floatAttr = (a: Map<string, AttributeProto>, k: string, def: number): number => (a.get(k)?.type === AttrType.FLOAT ? a.get(k)!.f : def);
const intsAttr = (a: Map<string, AttributeProto>, k: string): number[] | null => (a.has(k) ? a.get(k)!.ints.map(Number) : null);

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

export function importOnnx(bytes: Uint8Array, name = 'the file'): ImportedOnnx {
  const model = parseOnnx(bytes, name);
  const g = model.graph!;
  const consts = new Map<string, Const>();
  for (const t of g.initializer) consts.set(t.name, constOf(t, name));
  const graphInputs = g.input.filter((i) => !consts.has(i.name));
  if (graphInputs.length !== 1) throw new FlowgradError('unsupported', `${name} has ${graphInputs.length} inputs; Flowgrad models have one Input`);
  const inType = graphInputs[0]!.type?.value.case === 'tensorType' ? graphInputs[0]!.type.value.value : null;
  const inDims = (inType?.shape?.dim ?? []).slice(1).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : NaN));
  if (inDims.length === 0 || inDims.some((d) => !(d > 0))) throw new FlowgradError('unsupported', `${name}: input '${graphInputs[0]!.name}' needs fixed sizes after the batch dimension`);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const weights: Record<string, HostTensor> = {};
  /** ONNX value name → the Flowgrad node that computes it. */
  const producer = new Map<string, string>();
  const taken = new Set<string>();
  const add = (base: string, type: string, a: Attrs, inputs: string[]): string => {
    let id = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^_+|_+$/g, '') || type.toLowerCase();
    for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
    taken.add(id);
    const i = nodes.length;
    nodes.push({ id, type, attrs: { ...defaultAttrs(type), ...a }, position: { x: 40 + (i % 6) * 200, y: 80 + Math.floor(i / 6) * 160 } });
    const ports = type === 'Add' || type === 'Multiply' || type === 'Concat' ? ['a', 'b'] : ['in'];
    inputs.forEach((src, p) => edges.push({ id: `e_${src}_${id}_${ports[p]}`, source: src, sourcePort: 'out', target: id, targetPort: ports[p]! }));
    return id;
  };
  const inputId = add('input', 'Input', { shape: inDims }, []);
  producer.set(graphInputs[0]!.name, inputId);
  const sampleOf = (id: string): number[] => {
    const s = analyzeGraph({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges }).shapes[id];
    if (!s) throw new FlowgradError('unsupported', `${name}: the shape after '${id}' cannot be inferred`);
    return s.slice(1).map(Number);
  };

  for (const n of g.node) {
    const where = `ONNX node '${n.name || n.output[0]}' (${n.opType})`;
    const fail = (why: string): never => {
      throw new FlowgradError('unsupported', `${where}: ${why}`);
    };
    const a = attrs(n);
    const value = (i: number): string => producer.get(n.input[i] ?? '') ?? fail(`its input '${n.input[i]}' is not computed from the model input${consts.has(n.input[i] ?? '') ? ' (a constant operand is not supported here)' : ''}`);
    const konst = (i: number): Const | null => consts.get(n.input[i] ?? '') ?? null;
    const base = n.name ? n.name.split('/')[0]! : n.output[0]!;
    let out: string | null = null;
    switch (n.opType) {
      case 'Identity': case 'Dropout':
        out = value(0);
        break;
      case 'Gemm': case 'MatMul': {
        const w = konst(1);
        if (!w || w.shape.length !== 2) fail('only a product with a 2-D weight matrix maps to Dense');
        const transB = n.opType === 'Gemm' ? intAttr(a, 'transB', 0) : 0;
        if (n.opType === 'Gemm' && (intAttr(a, 'transA', 0) !== 0 || floatAttr(a, 'alpha', 1) !== 1 || floatAttr(a, 'beta', 1) !== 1)) fail('transA, alpha and beta must be the defaults');
        const weight = transB ? w! : transpose2d(w!);
        const b = n.opType === 'Gemm' ? konst(2) : null;
        out = add(base, 'Dense', { units: weight.shape[0]!, bias: !!b }, [value(0)]);
        weights[`${out}.weight`] = weight;
        if (b) weights[`${out}.bias`] = { shape: [weight.shape[0]!], data: b.data };
        break;
      }
      case 'Add': case 'Mul': {
        const c = konst(1) ?? konst(0);
        if (c && n.opType === 'Add') {
          // MatMul + Add of a bias vector: the Dense gets its bias.
          const src = value(konst(1) ? 0 : 1);
          const dense = nodes.find((x) => x.id === src);
          if (dense?.type !== 'Dense' || dense.attrs.bias || c.shape.reduce((p, q) => p * q, 1) !== dense.attrs.units) fail('adding a constant maps only to the bias of the Dense before it');
          dense!.attrs.bias = true;
          weights[`${src}.bias`] = { shape: [dense!.attrs.units as number], data: c.data };
          out = src;
          break;
        }
        out = add(base, n.opType === 'Add' ? 'Add' : 'Multiply', {}, [value(0), value(1)]);
        break;
      }
      case 'Conv': case 'ConvTranspose': {
        const w = konst(1) ?? fail('the weight must be an initializer');
        const k = w.shape.slice(2);
        const dims = k.length;
        const strides = intsAttr(a, 'strides') ?? k.map(() => 1), pads = intsAttr(a, 'pads') ?? k.map(() => 0).concat(k.map(() => 0));
        const dil = intsAttr(a, 'dilations') ?? k.map(() => 1), group = intAttr(a, 'group', 1);
        const same = (xs: number[]) => xs.every((x) => x === xs[0]);
        if ((dims !== 1 && dims !== 2) || !same(k) || !same(strides) || !same(pads) || !same(dil)) fail('only 1-D or 2-D square kernels with equal strides, symmetric padding and equal dilations map to a Flowgrad convolution');
        if (a.has('auto_pad') && strFromU8(a.get('auto_pad')!.s) !== 'NOTSET') fail('auto_pad is not supported; give explicit pads');
        const b = konst(2);
        const common = { kernelSize: k[0]!, stride: strides[0]!, padding: pads[0]!, bias: !!b };
        const cin = sampleOf(value(0))[0]!;
        if (n.opType === 'ConvTranspose') {
          const op = intsAttr(a, 'output_padding') ?? [0, 0];
          if (dims !== 2 || group !== 1 || dil[0] !== 1 || !same(op)) fail('only 2-D transposed convolutions without groups or dilation map to ConvTranspose2d');
          out = add(base, 'ConvTranspose2d', { ...common, filters: w.shape[1]!, outputPadding: op[0]! }, [value(0)]);
        } else if (dims === 1) {
          if (group !== 1) fail('grouped 1-D convolutions are not in the catalog');
          out = add(base, 'Conv1d', { ...common, filters: w.shape[0]!, dilation: dil[0]! }, [value(0)]);
        } else if (group === cin && group > 1 && w.shape[0]! % cin === 0) {
          out = add(base, 'DepthwiseConv2d', { ...common, dilation: dil[0]!, depthMultiplier: w.shape[0]! / cin }, [value(0)]);
        } else {
          out = add(base, 'Conv2d', { ...common, filters: w.shape[0]!, dilation: dil[0]!, groups: group }, [value(0)]);
        }
        weights[`${out}.weight`] = w;
        if (b) weights[`${out}.bias`] = b;
        break;
      }
      case 'MaxPool': case 'AveragePool': {
        const k = intsAttr(a, 'kernel_shape')!, strides = intsAttr(a, 'strides') ?? k, pads = intsAttr(a, 'pads') ?? k.concat(k).map(() => 0);
        const same = (xs: number[]) => xs.every((x) => x === xs[0]);
        if ((k.length !== 1 && k.length !== 2) || !same(k) || !same(strides) || !same(pads)) fail('only square windows with equal strides and symmetric padding map to a Flowgrad pooling layer');
        if (intAttr(a, 'ceil_mode', 0) !== 0 || (intsAttr(a, 'dilations') ?? []).some((d) => d !== 1)) fail('ceil_mode and dilations are not supported');
        if (n.opType === 'AveragePool' && pads[0]! > 0 && intAttr(a, 'count_include_pad', 0) !== 1) fail('padded averages that leave out the padding are not supported (Flowgrad counts it, as PyTorch)');
        const type = `${n.opType === 'MaxPool' ? 'Max' : 'Avg'}Pool${k.length}d`;
        out = add(base, type, { kernelSize: k[0]!, stride: strides[0]!, padding: pads[0]! }, [value(0)]);
        break;
      }
      case 'GlobalAveragePool': {
        const s = sampleOf(value(0));
        const pooled = add(base, 'GlobalAvgPool', {}, [value(0)]);
        out = add(`${base}_keepdims`, 'Reshape', { shape: [s[0]!, ...s.slice(1).map(() => 1)] }, [pooled]);
        break;
      }
      case 'ReduceMean': {
        const s = sampleOf(value(0));
        const axes = (konst(1)?.ints ?? intsAttr(a, 'axes') ?? []).map((x) => (x < 0 ? x + s.length + 1 : x)).sort();
        if (intAttr(a, 'keepdims', 1) !== 0 || axes.join(',') !== s.slice(1).map((_, i) => i + 2).join(',')) fail('only a mean over every position (all axes after the channels, keepdims 0) maps to GlobalAvgPool');
        out = add(base, 'GlobalAvgPool', {}, [value(0)]);
        break;
      }
      case 'BatchNormalization': {
        const rank = sampleOf(value(0)).length + 1;
        if (rank > 4) fail('BatchNorm over more than two spatial dims is not in the catalog');
        const [scale, shift, mean, variance] = [konst(1), konst(2), konst(3), konst(4)];
        if (!scale || !shift || !mean || !variance) fail('scale, bias, mean and variance must be initializers');
        out = add(base, rank === 4 ? 'BatchNorm2d' : 'BatchNorm1d', { eps: floatAttr(a, 'epsilon', 1e-5), momentum: 1 - floatAttr(a, 'momentum', 0.9), affine: true }, [value(0)]);
        const [m, v] = batchNormBufferNames();
        Object.assign(weights, { [`${out}.weight`]: scale, [`${out}.bias`]: shift, [`${out}.${m}`]: mean, [`${out}.${v}`]: variance });
        break;
      }
      case 'LayerNormalization': {
        const s = sampleOf(value(0));
        const axis = intAttr(a, 'axis', -1);
        if (axis !== -1 && axis !== s.length) fail('only normalisation over the last dimension maps to LayerNorm');
        const [scale, shift] = [konst(1) ?? fail('scale must be an initializer'), konst(2)];
        out = add(base, 'LayerNorm', { eps: floatAttr(a, 'epsilon', 1e-5), affine: true }, [value(0)]);
        weights[`${out}.weight`] = scale;
        weights[`${out}.bias`] = shift ?? { shape: scale.shape, data: new Float32Array(scale.data.length) };
        break;
      }
      case 'Relu': out = add(base, 'ReLU', {}, [value(0)]); break;
      case 'LeakyRelu': out = add(base, 'LeakyReLU', { slope: floatAttr(a, 'alpha', 0.01) }, [value(0)]); break;
      case 'Elu': out = add(base, 'ELU', { alpha: floatAttr(a, 'alpha', 1) }, [value(0)]); break;
      case 'Tanh': out = add(base, 'Tanh', {}, [value(0)]); break;
      case 'Sigmoid': out = add(base, 'Sigmoid', {}, [value(0)]); break;
      case 'Softmax': case 'LogSoftmax':
        out = add(base, n.opType, { dim: intAttr(a, 'axis', -1) }, [value(0)]);
        break;
      case 'Flatten':
        if (intAttr(a, 'axis', 1) !== 1) fail('only flattening after the batch dimension (axis 1) maps to Flatten');
        out = add(base, 'Flatten', {}, [value(0)]);
        break;
      case 'Reshape': {
        const shape = konst(1)?.ints ?? fail('the target shape must be a constant');
        if (shape.length < 2 || (shape[0] !== 0 && shape[0] !== -1) || shape.slice(1).some((d) => d === 0 || d < -1)) fail('only reshapes that keep the batch dimension first (0 or -1) map to Reshape');
        out = add(base, 'Reshape', { shape: shape.slice(1) }, [value(0)]);
        break;
      }
      case 'Transpose': {
        const c = konst(0);
        if (c && c.shape.length === 2) {
          // A transposed weight (MatMul(x, Transpose(W))) is folded into a constant.
          consts.set(n.output[0]!, transpose2d(c));
          continue;
        }
        const perm = intsAttr(a, 'perm') ?? fail('perm is required');
        if (perm[0] !== 0) fail('only permutations that keep the batch dimension first map to Permute');
        out = add(base, 'Permute', { dims: perm.slice(1) }, [value(0)]);
        break;
      }
      case 'Concat':
        if (n.input.length !== 2) fail('Flowgrad\'s Concat joins two inputs');
        out = add(base, 'Concat', { dim: intAttr(a, 'axis', -1) }, [value(0), value(1)]);
        break;
      default:
        fail('this operator has no Flowgrad layer');
    }
    producer.set(n.output[0]!, out!);
  }

  const output = g.output[0] ?? null;
  const last = output ? producer.get(output.name) : undefined;
  if (!last) throw new FlowgradError('unsupported', `${name}: the graph output is not computed from the input`);
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  let loss: string;
  try {
    loss = String((JSON.parse(meta[META.output] ?? '{}') as { loss?: string }).loss ?? '');
  } catch {
    loss = ''; // metadata from another tool: guess below
  }
  if (!loss) loss = sampleOf(last).length === 1 && sampleOf(last)[0]! >= 2 ? 'crossEntropy' : 'mse';
  add('loss', 'Loss', { loss }, [last]);
  const graph: GraphJSON = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
  return { graph, weights: encodeSafetensors(Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }])), { format: 'flowgrad', producer: 'flowgrad onnx import' }) };
}
