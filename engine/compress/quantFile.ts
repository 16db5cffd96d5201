/**
 * The compressed weight files. int8: each quantized weight as an I8 tensor `<name>` with its
 * per-channel F32 scales `<name>.scale` (the channel axis in the metadata), each quantized
 * layer input's `<node>.input_scale` (F32) and `<node>.input_zero_point` (I8), everything else
 * F32 — safetensors, so any reader (Python's safetensors included) loads it. float16: every
 * tensor as F16. Both decode back into what the engine simulates or loads.
 */
import { FlowgradError } from '../core/errors.ts';
import { decodeHalf, encodeHalf } from '../core/half.ts';
import { decodeSafetensors, encodeSafetensors, type SafetensorsInput } from '../project/safetensors.ts';
import { INT8_METADATA_KEY } from '../project/quantizedEntry.ts';
import type { HostTensor } from './channels.ts';
import type { QuantizedModel } from './quantize.ts';

const META_KEY = INT8_METADATA_KEY;
const bad = (msg: string) => new FlowgradError('bad-file', `int8 weights: ${msg}`);

export function encodeInt8(qm: QuantizedModel): Uint8Array {
  const t: Record<string, SafetensorsInput> = {};
  for (const w of qm.weights) {
    t[w.name] = { dtype: 'I8', shape: w.shape, data: w.q };
    t[`${w.name}.scale`] = { dtype: 'F32', shape: [w.scales.length], data: w.scales };
  }
  for (const a of qm.activations) {
    t[`${a.node}.input_scale`] = { dtype: 'F32', shape: [], data: Float32Array.of(a.scale) };
    t[`${a.node}.input_zero_point`] = { dtype: 'I8', shape: [], data: Int8Array.of(a.zeroPoint) };
  }
  for (const [name, f] of Object.entries(qm.float)) t[name] = { dtype: 'F32', shape: f.shape, data: f.data };
  const axes = Object.fromEntries(qm.weights.map((w) => [w.name, w.axis]));
  return encodeSafetensors(t, { format: 'flowgrad', producer: 'flowgrad', [META_KEY]: JSON.stringify({ axes, inputs: qm.activations.map((a) => a.node) }) });
}

export function decodeInt8(bytes: Uint8Array): QuantizedModel {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const raw = metadata[META_KEY];
  if (!raw) throw bad(`the file has no '${META_KEY}' metadata: it is not an int8 model from Flowgrad`);
  let meta: { axes: Record<string, number>; inputs: string[] };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch {
    throw bad(`the '${META_KEY}' metadata is not JSON`);
  }
  if (typeof meta?.axes !== 'object' || !Array.isArray(meta.inputs)) throw bad(`the '${META_KEY}' metadata needs axes and inputs`);
  const used = new Set<string>();
  const take = (name: string, dtype: string) => {
    const t = tensors[name];
    if (!t) throw bad(`missing tensor '${name}'`);
    if (t.dtype !== dtype) throw bad(`'${name}' is ${t.dtype}, expected ${dtype}`);
    used.add(name);
    return t;
  };
  const weights = Object.entries(meta.axes).map(([name, axis]) => {
    const q = take(name, 'I8');
    const s = take(`${name}.scale`, 'F32');
    if (!Number.isInteger(axis) || axis < 0 || axis >= q.shape.length || s.shape[0] !== q.shape[axis]) throw bad(`'${name}' has ${s.shape[0]} scales for axis ${axis} of [${q.shape.join(',')}]`);
    return { name, shape: q.shape, axis, q: q.data as Int8Array, scales: s.data as Float32Array };
  });
  const activations = meta.inputs.map((node) => ({
    node,
    scale: (take(`${node}.input_scale`, 'F32').data as Float32Array)[0]!,
    zeroPoint: (take(`${node}.input_zero_point`, 'I8').data as Int8Array)[0]!,
  }));
  const float: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (used.has(name)) continue;
    if (t.dtype !== 'F32') throw bad(`unexpected ${t.dtype} tensor '${name}'`);
    float[name] = { shape: t.shape, data: t.data as Float32Array };
  }
  return { weights, activations, float };
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
