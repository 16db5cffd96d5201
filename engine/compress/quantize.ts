/**
 * Post-training int8 quantization, as ONNX Runtime's static QDQ scheme: weights per output
 * channel, symmetric (q = round(w / s) in [−127, 127], s = max|w| / 127); activations per
 * tensor, asymmetric (q = round(x / s) + z in [−128, 127]), their ranges calibrated on
 * training batches by MinMax or a percentile. The engine evaluates the quantized model by
 * simulation (fake-quant): the weights are replaced by their int8 values times the scales, and
 * each quantized layer's input goes through quantize → dequantize (GraphModel.inputHook), so
 * the report's accuracy is the int8 model's. Rounding is half to even, like the tensor op.
 * Every scale is rounded to float16 (storedScale) before anything is quantized with it: the
 * int8 file stores scales as F16, so the simulation, the integer reference, the bundle and the
 * QDQ ONNX model all compute with exactly the scale the file holds.
 */
import { FlowgradError } from '../core/errors.ts';
import { roundHalf } from '../core/half.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import type { GraphNode } from '../graph/types.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { compressRow } from './layers.ts';
import type { HostTensor } from './channels.ts';

export type Calibration = 'minmax' | 'percentile';

/** One weight quantized per output channel. */
export interface WeightQuant {
  name: string;
  shape: number[];
  axis: number;
  q: Int8Array;
  scales: Float32Array;
}

/** One layer input quantized per tensor: x ≈ (q − zeroPoint) · scale. */
export interface ActQuant {
  node: string;
  scale: number;
  zeroPoint: number;
}

export interface QuantizedModel {
  weights: WeightQuant[];
  activations: ActQuant[];
  /** Everything kept in float (biases — float16 values, see layers.ts — norms' parameters and buffers, unquantized layers). */
  float: Record<string, HostTensor>;
}

/** The smallest positive float16 (a subnormal): the least scale kept, so no scale rounds to 0. */
const HALF_MIN = 2 ** -24;

/**
 * A scale as the int8 file stores it: the nearest float16 (at least its smallest positive
 * value), or float32 where float16 cannot hold it (beyond ±65504, i.e. weights over 8.3e6 or
 * activation ranges over 1.7e7), so such a file falls back to F32 scales rather than fail.
 * Nearest, not upward: a normal float16 is within 2^-11 of the exact scale, so the largest
 * weight still lands on ±127 (127 · (1 + 2^-11) rounds to 127) and nothing clips.
 */
export function storedScale(s: number): number {
  const h = roundHalf(s);
  return Number.isFinite(h) ? Math.max(h, HALF_MIN) : Math.fround(s);
}

export const roundHalfEven = (x: number): number => (Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));

/** Symmetric per-channel int8 of a weight whose output channels lie on `axis`. */
export function quantizePerChannel(data: Float32Array, shape: readonly number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const n = shape[axis]!, inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const ch = (i: number) => Math.floor(i / inner) % n;
  const max = new Float32Array(n);
  for (let i = 0; i < data.length; i++) max[ch(i)] = Math.max(max[ch(i)]!, Math.abs(data[i]!));
  const scales = max.map((m) => (m > 0 ? storedScale(m / 127) : 1));
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = Math.max(-127, Math.min(127, roundHalfEven(data[i]! / scales[ch(i)]!)));
  return { q, scales };
}

export function dequantizePerChannel(w: Pick<WeightQuant, 'q' | 'scales' | 'shape' | 'axis'>): Float32Array {
  const n = w.shape[w.axis]!, inner = w.shape.slice(w.axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(w.q.length);
  for (let i = 0; i < out.length; i++) out[i] = w.q[i]! * w.scales[Math.floor(i / inner) % n]!;
  return out;
}

/** Scale and zero point of an asymmetric int8 range covering [lo, hi] (and 0, so zero is exact). */
export function activationParams(lo: number, hi: number): { scale: number; zeroPoint: number } {
  const min = Math.min(0, lo), max = Math.max(0, hi);
  const scale = max > min ? storedScale((max - min) / 255) : 1;
  return { scale, zeroPoint: Math.max(-128, Math.min(127, roundHalfEven(-128 - min / scale))) };
}

/** Quantize → dequantize a tensor (no gradient flows; this is for evaluation). */
export function fakeQuant(x: Tensor, a: Pick<ActQuant, 'scale' | 'zeroPoint'>): Tensor {
  return x.div(a.scale).round().clamp(-128 - a.zeroPoint, 127 - a.zeroPoint).mul(a.scale);
}

/** Values kept per layer input for the percentile (a strided sample beyond this). */
const MAX_SAMPLES = 1 << 20;

class RangeObserver {
  lo = Infinity;
  hi = -Infinity;
  private samples: number[] = [];
  private seen = 0;

  constructor(private readonly keep: boolean) {}

  add(d: ArrayLike<number>): void {
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
      // Beyond the cap, a deterministic thinning overwrites slots with later values.
      if (this.keep) {
        if (this.samples.length < MAX_SAMPLES) this.samples.push(v);
        else if (this.seen % (1 + Math.floor(this.seen / MAX_SAMPLES)) === 0) this.samples[this.seen % MAX_SAMPLES] = v;
      }
      this.seen++;
    }
  }

  range(method: Calibration, percentile: number): [number, number] {
    if (method === 'minmax' || this.samples.length === 0) return [this.lo, this.hi];
    const s = Float64Array.from(this.samples).sort();
    const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round((p / 100) * (s.length - 1))))]!;
    return [at(100 - percentile), at(percentile)];
  }
}

/** The nodes whose inputs int8 quantizes (weighted layers taking activations). */
export function quantizedInputs(model: GraphModel): GraphNode[] {
  return model.graph.nodes.filter((n) => compressRow(n.type)?.quantizeInput === true);
}

/**
 * Calibrates the activation ranges: runs the float model over `batches` (eval mode) and
 * records each quantized layer's input range (MinMax, or the given percentile of its values
 * on each side, which ignores rare outliers).
 */
export function calibrate(model: GraphModel, batches: Iterable<Tensor>, method: Calibration, percentile = 99.99): ActQuant[] {
  const targets = new Set(quantizedInputs(model).map((n) => n.id));
  const observers = new Map([...targets].map((id) => [id, new RangeObserver(method === 'percentile')]));
  const prev = model.inputHook;
  const wasTraining = model.training;
  model.eval();
  model.inputHook = (node, inputs) => {
    if (targets.has(node.id)) observers.get(node.id)!.add(inputs[0]!.dataSync());
    return inputs;
  };
  let n = 0;
  try {
    for (const x of batches) {
      noGrad(() => scope(() => model.forward(x)));
      n++;
    }
  } finally {
    model.inputHook = prev;
    model.train(wasTraining);
  }
  if (n === 0) throw new FlowgradError('bad-argument', 'quantization needs at least one calibration batch');
  return [...observers].map(([node, o]) => ({ node, ...activationParams(...o.range(method, percentile)) }));
}

/** The values rounded to float16 (kept float32 if one is beyond float16's range, so nothing becomes infinite). */
function halfValues(data: Float32Array): Float32Array {
  const h = data.map(roundHalf);
  return h.every(Number.isFinite) ? h : data;
}

/**
 * Quantizes the model's weights per channel (those COMPRESS_LAYERS names); the rest stays float,
 * the quantized layers' biases (the rows' `half`) rounded to float16 values.
 */
export function quantizeWeights(model: GraphModel): Pick<QuantizedModel, 'weights' | 'float'> {
  const weights: WeightQuant[] = [];
  const float: Record<string, HostTensor> = {};
  const axes = new Map<string, number>(model.graph.nodes.flatMap((n) => Object.entries(compressRow(n.type)?.weights ?? {}).map(([p, axis]) => [`${n.id}.${p}`, axis] as const)));
  const half = new Set(model.graph.nodes.flatMap((n) => (compressRow(n.type)?.half ?? []).map((p) => `${n.id}.${p}`)));
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
    const data = Float32Array.from(t.dataSync());
    const axis = axes.get(name);
    if (axis === undefined) float[name] = { shape: [...t.shape], data: half.has(name) ? halfValues(data) : data };
    else weights.push({ name, shape: [...t.shape], axis, ...quantizePerChannel(data, t.shape, axis) });
  }
  return { weights, float };
}

/** Full post-training quantization of a trained model. */
export function quantizeModel(model: GraphModel, batches: Iterable<Tensor>, method: Calibration, percentile?: number): QuantizedModel {
  return { ...quantizeWeights(model), activations: calibrate(model, batches, method, percentile) };
}

/**
 * Makes `model` simulate the int8 model: its weights become the dequantized int8 values and
 * each quantized input is fake-quantized before its layer runs. Returns the undo of the hook
 * (the weights stay the quantized ones).
 */
export function simulateQuantized(model: GraphModel, qm: QuantizedModel): () => void {
  const own = new Map<string, Tensor>([...model.namedParameters(), ...model.namedBuffers()]);
  for (const w of qm.weights) {
    const p = own.get(w.name);
    if (!p) throw new FlowgradError('bad-file', `the quantized weights have '${w.name}', which this graph does not`);
    p.assign(dequantizePerChannel(w));
  }
  for (const [name, t] of Object.entries(qm.float)) own.get(name)?.assign(t.data);
  const acts = new Map(qm.activations.map((a) => [a.node, a]));
  const prev = model.inputHook;
  model.inputHook = (node, inputs) => {
    const a = acts.get(node.id);
    return a ? [fakeQuant(inputs[0]!, a), ...inputs.slice(1)] : inputs;
  };
  return () => {
    model.inputHook = prev;
  };
}
