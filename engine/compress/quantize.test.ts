// int8 post-training quantization: the engine's simulation (fake-quant through the model)
// equals a reference int8 computation — integer inputs, int8 weights, int32 accumulation,
// then the scales — within one quantization step; per-channel scales bound the weight error
// by half a step; calibration by percentile ignores outliers that MinMax takes; the int8
// safetensors file (I8, F16 scales packed in one tensor) and the float16 file load back to the
// same model, and int8 files of the first layout (F32 scales per weight) still load.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonWith, PYTHON_SETUP } from '../test/python.ts';
import { GraphModel } from '../train/graphModel.ts';
import { GraphBuilder } from '../templates/build.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { noGrad } from '../autograd/mode.ts';
import { Rng } from '../core/rng.ts';
import { roundHalf } from '../core/half.ts';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, type SafetensorsInput } from '../project/safetensors.ts';
import { calibrate, dequantizePerChannel, quantizeModel, quantizePerChannel, roundHalfEven, simulateQuantized, type QuantizedModel } from './quantize.ts';
import { decodeFloat16, decodeInt8, encodeFloat16, encodeInt8 } from './quantFile.ts';
import { hostTensors } from './strip.ts';

function graph() {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 6, 6] }], ['conv', 'Conv2d', { filters: 3, kernelSize: 3, padding: 1 }], ['relu1', 'ReLU'], ['flatten', 'Flatten'],
    ['fc1', 'Dense', { units: 8 }], ['relu2', 'ReLU'], ['fc2', 'Dense', { units: 4 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

function inputs(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * 36 }, () => rng.uniform(-1, 2));
}

/** The int8 model computed with integers: q(x) per tensor, int8 weights, int32 sums, then × scales + bias. */
function referenceInt8(qm: QuantizedModel, x: Float32Array, rows: number): Float64Array {
  const w = new Map(qm.weights.map((v) => [v.name, v]));
  const act = new Map(qm.activations.map((a) => [a.node, a]));
  const quant = (node: string, v: ArrayLike<number>) => {
    const a = act.get(node)!;
    return Int32Array.from(v, (t) => Math.max(-128, Math.min(127, roundHalfEven(t / a.scale) + a.zeroPoint)) - a.zeroPoint);
  };
  const relu = (v: Float64Array) => v.map((t) => Math.max(0, t));
  const out = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    // conv 3×3, padding 1, 1 → 3 channels on 6×6.
    const xq = quant('conv', x.subarray(r * 36, r * 36 + 36));
    const cw = w.get('conv.weight')!, cb = qm.float['conv.bias']!.data, sIn = act.get('conv')!.scale;
    const h = new Float64Array(3 * 36);
    for (let o = 0; o < 3; o++) {
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) {
          let acc = 0;
          for (let ki = 0; ki < 3; ki++) {
            for (let kj = 0; kj < 3; kj++) {
              const ii = i + ki - 1, jj = j + kj - 1;
              if (ii >= 0 && ii < 6 && jj >= 0 && jj < 6) acc += xq[ii * 6 + jj]! * cw.q[o * 9 + ki * 3 + kj]!;
            }
          }
          h[o * 36 + i * 6 + j] = acc * sIn * cw.scales[o]! + cb[o]!;
        }
      }
    }
    let cur = relu(h);
    for (const [node, units] of [['fc1', 8], ['fc2', 4]] as const) {
      const q = quant(node, cur), wq = w.get(`${node}.weight`)!, b = qm.float[`${node}.bias`]!.data, s = act.get(node)!.scale;
      const inF = q.length;
      const y = new Float64Array(units);
      for (let o = 0; o < units; o++) {
        let acc = 0;
        for (let i = 0; i < inF; i++) acc += q[i]! * wq.q[o * inF + i]!;
        y[o] = acc * s * wq.scales[o]! + b[o]!;
      }
      cur = node === 'fc1' ? relu(y) : y;
    }
    out.set(cur, r * 4);
  }
  return out;
}

describe('int8 post-training quantization', () => {
  it('per-channel symmetric weights: one scale per output channel, error at most half a step', () => {
    const rng = new Rng(4);
    const data = Float32Array.from({ length: 3 * 5 }, (_, i) => rng.normal() * (i < 5 ? 0.01 : 1));
    const { q, scales } = quantizePerChannel(data, [3, 5], 0);
    expect(scales.length).toBe(3);
    expect(scales[0]).toBeLessThan(scales[1]! / 10);
    // Scales are float16 values (what the file stores), and each channel's largest weight still
    // lands on ±127: rounding the scale to float16 clips nothing.
    for (const [c, sc] of scales.entries()) {
      expect(roundHalf(sc)).toBe(sc);
      expect(Math.max(...[...q.subarray(c * 5, c * 5 + 5)].map(Math.abs))).toBe(127);
    }
    const back = dequantizePerChannel({ q, scales, shape: [3, 5], axis: 0 });
    back.forEach((v, i) => expect(Math.abs(v - data[i]!)).toBeLessThanOrEqual(scales[Math.floor(i / 5)]! / 2 + 1e-9));
  });

  it('simulated (fake-quant) outputs equal the integer reference within one quantization step', () => {
    manualSeed(5);
    const model = new GraphModel(graph());
    const calib = [0, 1, 2].map((s) => tensor(inputs(16, s), { shape: [16, 1, 6, 6] }));
    const qm = quantizeModel(model, calib, 'minmax');
    expect(qm.activations.map((a) => a.node)).toEqual(['conv', 'fc1', 'fc2']);
    const float = noGrad(() => model.forward(calib[0]!)).dataSync();
    simulateQuantized(model, qm);
    const x = inputs(16, 9);
    const sim = noGrad(() => model.forward(tensor(x, { shape: [16, 1, 6, 6] }))).dataSync();
    const ref = referenceInt8(qm, x, 16);
    // One step of the last layer: its input moving by one quantum, through its largest weight.
    const fc2 = qm.weights.find((w) => w.name === 'fc2.weight')!;
    const step = qm.activations[2]!.scale * Math.max(...dequantizePerChannel(fc2).map(Math.abs));
    let exact = 0;
    for (let i = 0; i < ref.length; i++) {
      expect(Math.abs(sim[i]! - ref[i]!)).toBeLessThanOrEqual(step);
      if (Math.abs(sim[i]! - ref[i]!) < 1e-4) exact++;
    }
    expect(exact / ref.length).toBeGreaterThan(0.9);
    // And it is quantized: not the float model's outputs.
    const simOnCalib = noGrad(() => model.forward(calib[0]!)).dataSync();
    expect(simOnCalib.some((v, i) => Math.abs(v - float[i]!) > 1e-5)).toBe(true);
    model.dispose();
  });

  it('percentile calibration clips rare outliers that MinMax keeps', () => {
    manualSeed(6);
    const model = new GraphModel(graph());
    const x = inputs(64, 3);
    x[7] = 1000; // one outlier among 2304 values
    const batch = () => [tensor(x, { shape: [64, 1, 6, 6] })];
    const mm = calibrate(model, batch(), 'minmax');
    const pc = calibrate(model, batch(), 'percentile', 99.9);
    expect(mm[0]!.scale).toBeCloseTo(1001 / 255, 2);
    expect(roundHalf(mm[0]!.scale)).toBe(mm[0]!.scale); // a float16 value, as the file stores it
    expect(pc[0]!.scale).toBeLessThan(3.5 / 255);
    model.dispose();
  });

  it('stores int8 weights (I8) with their scales packed as F16 and loads them back to exactly the same model', () => {
    manualSeed(7);
    const model = new GraphModel(graph());
    const qm = quantizeModel(model, [tensor(inputs(16, 1), { shape: [16, 1, 6, 6] })], 'minmax');
    const bytes = encodeInt8(qm);
    const raw = decodeSafetensors(bytes).tensors;
    expect(raw['fc1.weight']!.dtype).toBe('I8');
    expect(raw['fc1.weight']!.data.byteLength).toBe(8 * 108); // one byte per weight
    // Every scale in one F16 tensor (3 + 8 + 4 channels, then 3 inputs), zero points in one I8.
    expect([raw['int8.scales']!.dtype, raw['int8.scales']!.shape]).toEqual(['F16', [18]]);
    expect([raw['int8.zero_points']!.dtype, raw['int8.zero_points']!.shape]).toEqual(['I8', [3]]);
    // Biases are float16 values in the model too, so F16 loses nothing.
    expect(raw['fc1.bias']!.dtype).toBe('F16');
    expect(Object.keys(raw).sort()).toEqual(['conv.bias', 'conv.weight', 'fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', 'int8.scales', 'int8.zero_points']);
    const back = decodeInt8(bytes);
    expect(back.weights).toEqual(qm.weights);
    expect(back.activations).toEqual(qm.activations);
    expect(back.float).toEqual(qm.float);
    const x = tensor(inputs(4, 2), { shape: [4, 1, 6, 6] });
    simulateQuantized(model, qm);
    const a = noGrad(() => model.forward(x)).dataSync();
    const other = new GraphModel(graph());
    simulateQuantized(other, back);
    const b = noGrad(() => other.forward(x)).dataSync();
    expect(b).toEqual(a);
    model.dispose();
    other.dispose();
  });

  it('reads int8 files of layout 1 (F32 scales beside each weight) as saved by earlier Flowgrad', () => {
    manualSeed(7);
    const model = new GraphModel(graph());
    const qm = quantizeModel(model, [tensor(inputs(16, 1), { shape: [16, 1, 6, 6] })], 'minmax');
    const old = encodeInt8Layout1(qm);
    expect(readSafetensorsHeader(old).entries.some((e) => e.name === 'fc1.weight.scale')).toBe(true);
    const back = decodeInt8(old);
    expect(back.weights).toEqual(qm.weights);
    expect(back.activations).toEqual(qm.activations);
    expect(back.float).toEqual(qm.float);
    // A damaged layout-2 file names what is wrong.
    const t = decodeSafetensors(encodeInt8(qm));
    const short = { ...t.tensors, 'int8.scales': { ...t.tensors['int8.scales']!, shape: [17], data: t.tensors['int8.scales']!.data.slice(0, 17) } };
    expect(() => decodeInt8(encodeSafetensors(short as Record<string, SafetensorsInput>, t.metadata))).toThrow(/'int8.scales' has 17 values/);
    model.dispose();
  });

  it('keeps scales float32 where float16 cannot hold them (weights beyond 8.3e6), exactly', () => {
    const data = Float32Array.of(1e7, -3e7, 0.5, 0.25);
    const w = { name: 'fc.weight', shape: [2, 2], axis: 0, ...quantizePerChannel(data, [2, 2], 0) };
    expect(w.scales[0]).toBe(Math.fround(3e7 / 127));
    const qm: QuantizedModel = { weights: [w], activations: [{ node: 'fc', scale: 0.5, zeroPoint: -3 }], float: { 'fc.bias': { shape: [2], data: Float32Array.of(0.1, 2) } } };
    const bytes = encodeInt8(qm);
    const raw = decodeSafetensors(bytes).tensors;
    expect(raw['int8.scales']!.dtype).toBe('F32');
    expect(raw['fc.bias']!.dtype).toBe('F32'); // 0.1 is not a float16 value: stored as it is
    expect(decodeInt8(bytes)).toEqual(qm);
  });

  const python = pythonWith(['safetensors', 'numpy']);
  it.skipIf(!python)(`the int8 file loads in Python's safetensors with the same int8 values and scales${python ? '' : ` (skipped: ${PYTHON_SETUP})`}`, () => {
    manualSeed(9);
    const model = new GraphModel(graph());
    const qm = quantizeModel(model, [tensor(inputs(8, 1), { shape: [8, 1, 6, 6] })], 'minmax');
    const file = join(mkdtempSync(join(tmpdir(), 'flowgrad-int8-')), 'm.int8.safetensors');
    writeFileSync(file, encodeInt8(qm));
    const script = 'import sys, json\nfrom safetensors.numpy import load_file\nt = load_file(sys.argv[1])\n'
      + 'print(json.dumps({k: [str(v.dtype), [int(x) if v.dtype.kind == "i" else float(x) for x in v.reshape(-1)]] for k, v in t.items()}))';
    const got = JSON.parse(execFileSync(python!, ['-c', script, file], { encoding: 'utf8' })) as Record<string, [string, number[]]>;
    for (const w of qm.weights) expect(got[w.name]).toEqual(['int8', [...w.q]]);
    expect(got['int8.scales']![0]).toBe('float16');
    expect(got['int8.scales']![1]).toEqual([...qm.weights.flatMap((w) => [...w.scales]), ...qm.activations.map((a) => a.scale)]);
    expect(got['int8.zero_points']).toEqual(['int8', qm.activations.map((a) => a.zeroPoint)]);
    expect(got['fc1.bias']).toEqual(['float16', [...qm.float['fc1.bias']!.data]]);
    model.dispose();
  });

  it('writes float16 weights that load back within half precision', () => {
    manualSeed(8);
    const model = new GraphModel(graph());
    const t = hostTensors(model);
    const back = decodeFloat16(encodeFloat16(t));
    for (const [name, v] of Object.entries(t)) v.data.forEach((x, i) => expect(Math.abs(back[name]!.data[i]! - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-7));
    model.dispose();
  });
});

/** The int8 file as Flowgrad wrote it before layout 2 (kept to check that such files still load). */
function encodeInt8Layout1(qm: QuantizedModel): Uint8Array {
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
  return encodeSafetensors(t, { format: 'flowgrad', producer: 'flowgrad', 'flowgrad.int8': JSON.stringify({ axes, inputs: qm.activations.map((a) => a.node) }) });
}
