/**
 * The compressed weight files, safetensors so any reader (Python's safetensors included) loads
 * them. float16: every tensor as F16. int8, layout 2 (what encodeInt8 writes), made compact
 * because on a small model the per-tensor header entries and F32 scales cost as much as the
 * weights save:
 * - each quantized weight as an I8 tensor `<name>` (its own name, as in the float32 file);
 * - `int8.scales` (F16; F32 only if a scale is beyond float16's range, see storedScale): every
 *   weight's per-channel scales, weight after weight in the metadata's `axes` order, then each
 *   quantized layer input's scale in `inputs` order — offsets follow from the I8 shapes;
 * - `int8.zero_points` (I8): each quantized input's zero point, in `inputs` order;
 * - everything else (biases, norms, unquantized layers) under its own name: F16 when all its
 *   values are float16 values (the quantized layers' biases, rounded so in quantize.ts), else F32;
 * - metadata `flowgrad.int8` = {"v":2,"axes":{weight: channel axis},"inputs":[node ids]}.
 * Layout 1 (files from before; decodeInt8 still reads them) had `<name>.scale` F32 per weight
 * and `<node>.input_scale` F32 / `<node>.input_zero_point` I8 per input, and no "v".
 * The scales are float16 values before quantization (quantize.ts), so F16 loses nothing.
 */
import { FlowgradError } from '../core/errors.ts';
import { decodeHalf, encodeHalf, roundHalf } from '../core/half.ts';
import { decodeSafetensors, encodeSafetensors, type SafetensorsInput, type SafetensorsTensor } from '../project/safetensors.ts';
import { INT8_METADATA_KEY, INT8_SCALES, INT8_ZERO_POINTS } from '../project/quantizedEntry.ts';
import type { HostTensor } from './channels.ts';
import type { ActQuant, QuantizedModel, WeightQuant } from './quantize.ts';

const META_KEY = INT8_METADATA_KEY;
const LAYOUT = 2;
const bad = (msg: string) => new FlowgradError('bad-file', `int8 weights: ${msg}`);

/** Whether every value is a float16 value: such a tensor is stored F16 (the encoder never rounds). */
const isHalf = (v: ArrayLike<number>): boolean => Array.prototype.every.call(v, (x: number) => roundHalf(x) === x || Number.isNaN(x));

export function encodeInt8(qm: QuantizedModel): Uint8Array {
  const t: Record<string, SafetensorsInput> = {};
  const scales = [...qm.weights.flatMap((w) => [...w.scales]), ...qm.activations.map((a) => a.scale)];
  const half = isHalf(scales);
  for (const w of qm.weights) t[w.name] = { dtype: 'I8', shape: w.shape, data: w.q };
  t[INT8_SCALES] = half ? { dtype: 'F16', shape: [scales.length], data: encodeHalf(scales, new Uint16Array(scales.length)) } : { dtype: 'F32', shape: [scales.length], data: Float32Array.from(scales) };
  t[INT8_ZERO_POINTS] = { dtype: 'I8', shape: [qm.activations.length], data: Int8Array.from(qm.activations, (a) => a.zeroPoint) };
  for (const [name, f] of Object.entries(qm.float)) {
    if (t[name]) throw new FlowgradError('bad-argument', `int8 weights: a tensor is named '${name}', which the int8 file uses for itself`);
    t[name] = isHalf(f.data) ? { dtype: 'F16', shape: f.shape, data: encodeHalf(f.data, new Uint16Array(f.data.length)) } : { dtype: 'F32', shape: f.shape, data: f.data };
  }
  const axes = Object.fromEntries(qm.weights.map((w) => [w.name, w.axis]));
  return encodeSafetensors(t, { format: 'flowgrad', [META_KEY]: JSON.stringify({ v: LAYOUT, axes, inputs: qm.activations.map((a) => a.node) }) });
}

interface Meta {
  v?: number;
  axes: Record<string, number>;
  inputs: string[];
}

export function decodeInt8(bytes: Uint8Array): QuantizedModel {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const raw = metadata[META_KEY];
  if (!raw) throw bad(`the file has no '${META_KEY}' metadata: it is not an int8 model from Flowgrad`);
  let meta: Meta;
  try {
    meta = JSON.parse(raw) as Meta;
  } catch {
    throw bad(`the '${META_KEY}' metadata is not JSON`);
  }
  if (typeof meta?.axes !== 'object' || meta.axes === null || !Array.isArray(meta.inputs)) throw bad(`the '${META_KEY}' metadata needs axes and inputs`);
  const layout = meta.v ?? 1;
  if (layout !== 1 && layout !== LAYOUT) throw bad(`layout ${String(layout)} is newer than this Flowgrad reads (up to ${LAYOUT}): update Flowgrad to open it`);
  const used = new Set<string>();
  const take = (name: string, ...dtypes: string[]): SafetensorsTensor => {
    const t = tensors[name];
    if (!t) throw bad(`missing tensor '${name}'`);
    if (!dtypes.includes(t.dtype)) throw bad(`'${name}' is ${t.dtype}, expected ${dtypes.join(' or ')}`);
    used.add(name);
    return t;
  };
  const { weights, activations } = layout === 1 ? readLayout1(meta, take) : readLayout2(meta, take);
  const float: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (used.has(name)) continue;
    if (t.dtype !== 'F32' && t.dtype !== 'F16') throw bad(`unexpected ${t.dtype} tensor '${name}'`);
    float[name] = { shape: t.shape, data: t.dtype === 'F16' ? decodeHalf(t.data as Uint16Array, new Float32Array(t.data.length)) : (t.data as Float32Array) };
  }
  return { weights, activations, float };
}

type Take = (name: string, ...dtypes: string[]) => SafetensorsTensor;

function weightOf(name: string, axis: number, q: SafetensorsTensor, scales: Float32Array): WeightQuant {
  if (!Number.isInteger(axis) || axis < 0 || axis >= q.shape.length || scales.length !== q.shape[axis]) throw bad(`'${name}' has ${scales.length} scales for axis ${axis} of [${q.shape.join(',')}]`);
  return { name, shape: q.shape, axis, q: q.data as Int8Array, scales };
}

/** Layout 1: `<name>.scale` F32 beside each weight, `<node>.input_scale` / `.input_zero_point` per input. */
function readLayout1(meta: Meta, take: Take): Pick<QuantizedModel, 'weights' | 'activations'> {
  const weights = Object.entries(meta.axes).map(([name, axis]) => weightOf(name, axis, take(name, 'I8'), take(`${name}.scale`, 'F32').data as Float32Array));
  const activations = meta.inputs.map((node) => ({
    node,
    scale: (take(`${node}.input_scale`, 'F32').data as Float32Array)[0]!,
    zeroPoint: (take(`${node}.input_zero_point`, 'I8').data as Int8Array)[0]!,
  }));
  return { weights, activations };
}

/** Layout 2: every scale in `int8.scales` (weights' channels in order, then inputs), zero points in `int8.zero_points`. */
function readLayout2(meta: Meta, take: Take): Pick<QuantizedModel, 'weights' | 'activations'> {
  const s = take(INT8_SCALES, 'F16', 'F32');
  const all = s.dtype === 'F16' ? decodeHalf(s.data as Uint16Array, new Float32Array(s.data.length)) : (s.data as Float32Array);
  const zp = take(INT8_ZERO_POINTS, 'I8').data as Int8Array;
  let at = 0;
  const weights = Object.entries(meta.axes).map(([name, axis]) => {
    const q = take(name, 'I8');
    const n = q.shape[axis] ?? 0;
    if (at + n > all.length) throw bad(`'${INT8_SCALES}' has ${all.length} values, too few for '${name}'`);
    const w = weightOf(name, axis, q, all.slice(at, at + n));
    at += n;
    return w;
  });
  if (all.length !== at + meta.inputs.length || zp.length !== meta.inputs.length) throw bad(`'${INT8_SCALES}' has ${all.length} values and '${INT8_ZERO_POINTS}' ${zp.length} for ${at} channel scales and ${meta.inputs.length} inputs`);
  const activations: ActQuant[] = meta.inputs.map((node, i) => ({ node, scale: all[at + i]!, zeroPoint: zp[i]! }));
  return { weights, activations };
}

/** Every tensor as float16 (half the bytes of float32). */
export function encodeFloat16(tensors: Readonly<Record<string, HostTensor>>): Uint8Array {
  const t: Record<string, SafetensorsInput> = {};
  for (const [name, f] of Object.entries(tensors)) t[name] = { dtype: 'F16', shape: f.shape, data: encodeHalf(f.data, new Uint16Array(f.data.length)) };
  return encodeSafetensors(t, { format: 'flowgrad', producer: 'flowgrad' });
}

/** A float16 file back as float32 host tensors (the values the float16 model computes with). */
export function decodeFloat16(bytes: Uint8Array): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(decodeSafetensors(bytes).tensors)) {
    if (t.dtype !== 'F16') throw new FlowgradError('bad-file', `float16 weights: '${name}' is ${t.dtype}`);
    out[name] = { shape: t.shape, data: decodeHalf(t.data as Uint16Array, new Float32Array(t.data.length)) };
  }
  return out;
}
