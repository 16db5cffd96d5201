/**
 * Constant folding for ONNX import: a node whose inputs are all constants (initializers or
 * values folded before it) is computed here, once, instead of becoming a layer. Exporters
 * compute weights this way — Flowgrad's own LSTM/GRU rows reorder the gate blocks with
 * Split/Concat/Unsqueeze, and PyTorch's exporter emits Constant, Shape-free Reshape and Cast
 * chains — so without folding such files could not be read. One row per operator; a
 * constant-only node whose operator has no row falls through to the layer rows (importOps.ts).
 */
import type { AttributeProto, NodeProto } from './proto/index.ts';
import { AttributeProto_AttributeType as AttrType } from './proto/index.ts';
import { constOf, type Const } from './importNode.ts';

type Folder = (inputs: (Const | null)[], attrs: Map<string, AttributeProto>, node: NodeProto, fail: (why: string) => never) => Const[];

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const intsOf = (attrs: Map<string, AttributeProto>, k: string): number[] | null => (attrs.has(k) ? attrs.get(k)!.ints.map(Number) : null);
const intOf = (attrs: Map<string, AttributeProto>, k: string, def: number): number => (attrs.has(k) ? Number(attrs.get(k)!.i) : def);

/** A constant with new data in the same number kind (int64 constants keep their exact ints). */
function withData(from: Const, shape: number[], data: Float32Array, ints?: number[]): Const {
  return from.ints ? { shape, data, ints: ints ?? Array.from(data) } : { shape, data };
}

/** Cuts `t` along `axis` into blocks of the given sizes. */
function split(t: Const, axis: number, sizes: number[]): Const[] {
  const outer = count(t.shape.slice(0, axis)), inner = count(t.shape.slice(axis + 1));
  let at = 0;
  return sizes.map((size) => {
    const data = new Float32Array(outer * size * inner);
    const ints = t.ints ? new Array<number>(data.length) : undefined;
    for (let o = 0; o < outer; o++) {
      const src = (o * t.shape[axis]! + at) * inner, dst = o * size * inner;
      data.set(t.data.subarray(src, src + size * inner), dst);
      if (ints) for (let i = 0; i < size * inner; i++) ints[dst + i] = t.ints![src + i]!;
    }
    at += size;
    const shape = t.shape.slice();
    shape[axis] = size;
    return withData(t, shape, data, ints);
  });
}

function concat(ts: Const[], axis: number): Const {
  const first = ts[0]!;
  const outer = count(first.shape.slice(0, axis)), inner = count(first.shape.slice(axis + 1));
  const total = ts.reduce((a, t) => a + t.shape[axis]!, 0);
  const data = new Float32Array(outer * total * inner);
  const ints = first.ints ? new Array<number>(data.length) : undefined;
  for (let o = 0, dst = 0; o < outer; o++) {
    for (const t of ts) {
      const n = t.shape[axis]! * inner, src = o * n;
      data.set(t.data.subarray(src, src + n), dst);
      if (ints) for (let i = 0; i < n; i++) ints[dst + i] = t.ints![src + i]!;
      dst += n;
    }
  }
  const shape = first.shape.slice();
  shape[axis] = total;
  return withData(first, shape, data, ints);
}

function transpose(t: Const, perm: number[]): Const {
  const rank = t.shape.length;
  const shape = perm.map((p) => t.shape[p]!);
  const stride = t.shape.map((_, i) => count(t.shape.slice(i + 1)));
  const data = new Float32Array(t.data.length);
  const ints = t.ints ? new Array<number>(data.length) : undefined;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * stride[perm[d]!]!;
    data[o] = t.data[src]!;
    if (ints) ints[o] = t.ints![src]!;
    for (let d = rank - 1; d >= 0 && ++idx[d]! === shape[d]!; d--) idx[d] = 0;
  }
  return withData(t, shape, data, ints);
}

/** The axes of (Un)Squeeze: the second input since opset 13, the attribute before. */
const axesOf = (inputs: (Const | null)[], attrs: Map<string, AttributeProto>) => inputs[1]?.ints ?? intsOf(attrs, 'axes');

/** The operators import folds when every input is a constant. */
export const ONNX_FOLDERS: Readonly<Record<string, Folder>> = {
  Identity: ([x]) => [x!],
  Constant(_, attrs, node, fail) {
    const v = attrs.get('value');
    if (v?.type === AttrType.TENSOR && v.t) return [constOf(v.t, `ONNX node '${node.name || node.output[0]}'`)];
    if (attrs.has('value_float')) return [{ shape: [], data: Float32Array.of(attrs.get('value_float')!.f) }];
    if (attrs.has('value_floats')) return [{ shape: [attrs.get('value_floats')!.floats.length], data: Float32Array.from(attrs.get('value_floats')!.floats) }];
    const ints = attrs.has('value_int') ? [Number(attrs.get('value_int')!.i)] : intsOf(attrs, 'value_ints');
    if (ints) return [{ shape: attrs.has('value_int') ? [] : [ints.length], data: Float32Array.from(ints), ints }];
    return fail('only tensor, float and int constants are supported');
  },
  // Ids are float32 like every input, and int64 constants keep their exact values: casting a constant changes nothing Flowgrad stores.
  Cast: ([x]) => [x!],
  Split([x, sizes], attrs, node) {
    const axis = axisOf(intOf(attrs, 'axis', 0), x!.shape.length);
    const parts = sizes?.ints ?? intsOf(attrs, 'split');
    if (parts) return split(x!, axis, parts);
    const n = intOf(attrs, 'num_outputs', node.output.length), len = x!.shape[axis]!, each = Math.ceil(len / n);
    return split(x!, axis, Array.from({ length: n }, (_, i) => Math.min(each, len - i * each)));
  },
  Concat(xs, attrs) {
    const ts = xs.filter((t): t is Const => t !== null);
    return [concat(ts, axisOf(intOf(attrs, 'axis', 0), ts[0]!.shape.length))];
  },
  Unsqueeze([x, ...rest], attrs, _, fail) {
    const axes = axesOf([x!, ...rest], attrs) ?? fail('axes are required');
    const rank = x!.shape.length + axes.length;
    const shape = x!.shape.slice();
    for (const a of axes.map((a) => axisOf(a, rank)).sort((p, q) => p - q)) shape.splice(a, 0, 1);
    return [{ ...x!, shape }];
  },
  Squeeze([x, ...rest], attrs) {
    const axes = (axesOf([x!, ...rest], attrs) ?? x!.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axisOf(a, x!.shape.length));
    return [{ ...x!, shape: x!.shape.filter((_, i) => !axes.includes(i)) }];
  },
  Reshape([x, target], _, __, fail) {
    const want = target?.ints ?? fail('the target shape must be a constant');
    const shape = want.map((d, i) => (d === 0 ? x!.shape[i]! : d));
    const known = count(shape.filter((d) => d !== -1));
    return [{ ...x!, shape: shape.map((d) => (d === -1 ? x!.data.length / known : d)) }];
  },
  Slice([x, starts, ends, axesIn, stepsIn], _, __, fail) {
    if (!starts?.ints || !ends?.ints) return fail('starts and ends must be integer constants');
    const rank = x!.shape.length;
    const axes = (axesIn?.ints ?? starts.ints.map((_s, i) => i)).map((a) => axisOf(a, rank));
    if (stepsIn?.ints?.some((st) => st !== 1)) fail('only slices with step 1 are folded');
    let t = x!;
    axes.forEach((axis, i) => {
      const len = t.shape[axis]!;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + len : v, 0), len);
      const from = clamp(starts.ints![i]!), to = Math.max(from, clamp(ends.ints![i]!));
      t = split(t, axis, [from, to - from, len - to])[1]!;
    });
    return [t];
  },
  Transpose([x], attrs) {
    const perm = intsOf(attrs, 'perm') ?? x!.shape.map((_, i) => x!.shape.length - 1 - i);
    return [transpose(x!, perm)];
  },
};
