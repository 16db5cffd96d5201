// Quantization-aware fine-tuning: the straight-through estimator's gradient (the identity where
// the value lies inside the int8 range, zero where the clamp cuts it, checked against finite
// differences of one quantization step away from the rounding boundaries); its forward is
// exactly the int8 simulation's (activations and per-channel weights); the master weights
// train while the parameters stay on the int8 grid and pruned zeros stay zero; and on a model
// whose post-training quantization loses accuracy (an outlier unit in a hidden layer), QAT
// through the compression pipeline does better, and its QDQ ONNX matches onnxruntime-node.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../core/tensor.ts';
import { GraphModel } from '../train/graphModel.ts';
import { GraphBuilder } from '../templates/build.ts';
import { getTemplate } from '../templates/index.ts';
import { fit } from '../train/fit.ts';
import { loadData, modelWithWeights } from '../train/session.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { noGrad } from '../autograd/mode.ts';
import { Rng } from '../core/rng.ts';
import { roundHalf } from '../core/half.ts';
import { makeDigits } from '../data/digits.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { DatasetSpec, TrainConfig } from '../project/config.ts';
import { forward, maxAbsDiff, runOnnx } from '../test/onnxRun.ts';
import { calibrate, dequantizePerChannel, fakeQuant, quantizePerChannel, quantizeWeights, simulateQuantized } from './quantize.ts';
import { activationRange, checkQatEpochs, fakeQuantSTE, fakeQuantWeight, halfParams, qatFinetune, QatWeights, quantizedWeights } from './qat.ts';
import { decodeInt8 } from './quantFile.ts';
import { int8ToOnnx } from './onnx.ts';
import { encodeHostTensors, hostTensors } from './strip.ts';
import { compressModel } from './pipeline.ts';

const act = { scale: 0.05, zeroPoint: -20 };

describe('fake-quant with the straight-through estimator', () => {
  it('forward: exactly the int8 simulation; backward: identity inside the range, zero where clamped (finite differences of one step)', () => {
    const [lo, hi] = activationRange(act);
    expect(lo).toBeCloseTo(-5.4, 6);
    expect(hi).toBeCloseTo(7.35, 6);
    // Points a third of a step off the grid (far from rounding boundaries), inside and outside the range.
    const xs = Float32Array.from([-9, -6, -5.2, -1.2, -0.3, 0.1, 0.9, 3.3, 7.1, 8, 12].map((v) => Math.round(v / act.scale) * act.scale + act.scale / 3));
    const g = Float32Array.from(xs, (_, i) => 0.5 - 0.1 * i);
    // L(y) = Σ g·y + ½ Σ y²: its central difference over ±one step is exact for a quadratic.
    const loss = (x: Tensor) => {
      const y = fakeQuantSTE(x, act);
      return y.mul(tensor(g)).sum().add(y.mul(y).sum().mul(0.5));
    };
    const x = tensor(xs).requiresGrad_();
    const y = fakeQuantSTE(x, act);
    expect(Array.from(y.dataSync())).toEqual(Array.from(fakeQuant(tensor(xs), act).dataSync()));
    loss(x).backward();
    const grad = x.grad!.dataSync();
    const yv = y.dataSync();
    const L = (v: Float32Array) => noGrad(() => loss(tensor(v)).item());
    xs.forEach((v, i) => {
      const inside = v >= lo && v <= hi;
      expect(grad[i], `x = ${v}`).toBeCloseTo(inside ? g[i]! + yv[i]! : 0, 5);
      // One step each way stays inside (or outside) the range for these points.
      const up = Float32Array.from(xs), down = Float32Array.from(xs);
      up[i] = v + act.scale;
      down[i] = v - act.scale;
      if ((up[i]! <= hi && down[i]! >= lo) || !inside) expect((L(up) - L(down)) / (2 * act.scale), `x = ${v}`).toBeCloseTo(grad[i]!, 3);
    });
    // And it is not the true derivative of the rounding (zero almost everywhere): a tiny move changes nothing.
    const nudged = Float32Array.from(xs, (v) => v + act.scale / 100);
    expect(L(nudged)).toBeCloseTo(L(xs), 6);
  });

  it('per-channel weight fake-quant equals quantizePerChannel → dequantizePerChannel', () => {
    const rng = new Rng(3);
    const shape = [4, 3, 2, 2];
    const data = Float32Array.from({ length: 48 }, (_, i) => rng.normal() * (i < 12 ? 0.01 : 1));
    data.fill(0, 36); // a channel of zeros stays zeros
    for (const axis of [0, 1]) {
      const want = dequantizePerChannel({ ...quantizePerChannel(data, shape, axis), shape, axis });
      const got = noGrad(() => fakeQuantWeight(tensor(data, { shape }), axis)).dataSync();
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 1e-6));
    }
  });

  it('rejects bad epoch counts and QAT of float16', () => {
    expect(() => checkQatEpochs({ kind: 'int8', qatEpochs: 2 })).not.toThrow();
    expect(() => checkQatEpochs({ kind: 'int8', qatEpochs: 1.5 })).toThrow(/whole number/);
    expect(() => checkQatEpochs({ kind: 'int8', qatEpochs: -1 })).toThrow(/whole number/);
    expect(() => checkQatEpochs({ kind: 'float16', qatEpochs: 1 })).toThrow(/int8/);
  });
});

function smallCnn() {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }], ['conv', 'Conv2d', { filters: 4, kernelSize: 5, stride: 2 }], ['relu1', 'ReLU'], ['flatten', 'Flatten'],
    ['fc1', 'Dense', { units: 16 }], ['relu2', 'ReLU'], ['fc2', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

describe('quantization-aware fine-tuning', () => {
  it('the model computes as its int8 simulation; masters train, parameters stay on the int8 grid, zeros stay zero', async () => {
    manualSeed(4);
    const d = makeDigits(128, 0.1, 3);
    const data: ArrayDataset = { x: d.x, y: d.y, rows: 128, features: 784, sampleShape: [1, 28, 28] };
    const model = new GraphModel(smallCnn());
    const x = tensor(d.x.slice(0, 32 * 784), { shape: [32, 1, 28, 28] });
    const acts = calibrate(model, [x], 'minmax');
    // Prune some fc1 weights: they must stay zero.
    const fc1 = new Map(model.namedParameters()).get('fc1.weight')!;
    fc1.assign(Float32Array.from(fc1.dataSync(), (v, i) => (i % 3 === 0 ? 0 : v)));
    const before = new Map(quantizedWeights(model).map(([n, t]) => [n, Float32Array.from(t.dataSync())]));

    // QAT's forward = the int8 simulation's, on the same weights and ranges.
    const sim = modelWithWeights(model.graph, encodeHostTensors(hostTensors(model)));
    simulateQuantized(sim, { ...quantizeWeights(sim), activations: acts });
    const want = noGrad(() => sim.forward(x)).dataSync();
    const byNode = new Map(acts.map((a) => [a.node, a]));
    model.inputHook = (node, inputs) => (byNode.has(node.id) ? [fakeQuantSTE(inputs[0]!, byNode.get(node.id)!), ...inputs.slice(1)] : inputs);
    const w = new QatWeights(model);
    model.eval();
    const got = noGrad(() => model.forward(x)).dataSync();
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
    model.inputHook = null;
    w.restore();
    w.dispose();
    sim.dispose();

    // Fine-tune, checking after every step that each parameter is its fake-quantized self (on the grid).
    const onGrid: number[] = [];
    // (The biases: on the float16 grid the int8 file stores them on.)
    const probe = { onOptimizerStep: () => void onGrid.push(Math.max(
      ...quantizedWeights(model).map(([, t, axis]) => maxAbsDiff(t.dataSync(), noGrad(() => fakeQuantWeight(t, axis)).dataSync())),
      ...halfParams(model).map(([, t]) => maxAbsDiff(t.dataSync(), Float32Array.from(t.dataSync(), roundHalf))),
    )) };
    const cfg: TrainConfig = { optimizer: 'adam', lr: 0.003, batchSize: 32, epochs: 2, seed: 1, validationSplit: 0 };
    await qatFinetune(model, acts, { train: data, val: null, augment: null }, cfg, 2, { callbacks: [probe] });
    expect(onGrid.length).toBe(8);
    for (const e of onGrid) expect(e).toBeLessThan(1e-6);
    expect(model.inputHook).toBeNull();
    for (const [name, t] of quantizedWeights(model)) {
      const after = t.dataSync(), b = before.get(name)!;
      let moved = 0;
      after.forEach((v, i) => {
        if (b[i] === 0) expect(Math.abs(v)).toBe(0);
        else if (v !== b[i]) moved++;
      });
      // The restored masters are float: not on the grid, and trained.
      expect(moved / after.length, name).toBeGreaterThan(0.5);
    }
    model.dispose();
  }, 60_000);

  it('beats post-training quantization where PTQ loses accuracy (an outlier unit), and its QDQ ONNX matches onnxruntime-node', async () => {
    // The MLP on spirals, trained in float; then one hidden unit of dense1 is scaled ×64 and its
    // outgoing weights ÷64 — the same function (ReLU is positively homogeneous), but dense2's
    // per-tensor input range is now set by that unit, so the other 31 get few int8 levels.
    const dataset: DatasetSpec = { kind: 'builtin2d', name: 'spirals', samples: 600, noise: 0.2, seed: 7 };
    const config: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 30, seed: 1, validationSplit: 0.2 };
    const data = await loadData(dataset, config);
    manualSeed(3);
    const graph = getTemplate('mlp')!.build();
    const model = new GraphModel(graph);
    await fit(model, data.train, data.val, config);
    const plainWeights = encodeHostTensors(hostTensors(model));
    const own = new Map(model.namedParameters());
    const w1 = own.get('dense1.weight')!, b1 = own.get('dense1.bias')!, w2 = own.get('dense2.weight')!;
    const K = 64;
    w1.assign(Float32Array.from(w1.dataSync(), (v, i) => (i < 2 ? v * K : v)));
    b1.assign(Float32Array.from(b1.dataSync(), (v, i) => (i === 0 ? v * K : v)));
    w2.assign(Float32Array.from(w2.dataSync(), (v, i) => (i % 32 === 0 ? v / K : v)));
    const weights = encodeHostTensors(hostTensors(model));
    model.dispose();

    const job = { graph, weights, dataset, config, latencyRuns: 1 };
    const ptq = await compressModel({ ...job, quantize: { kind: 'int8', calibration: 'minmax' } });
    const qat = await compressModel({ ...job, quantize: { kind: 'int8', calibration: 'minmax', qatEpochs: 3 } });
    const [base, ptqV] = ptq.map((v) => v.report.accuracy!);
    const qatV = qat[1]!.report.accuracy!;
    console.log(`outlier MLP (spirals, 120 validation rows): float ${(base! * 100).toFixed(2)}%, int8 PTQ ${(ptqV! * 100).toFixed(2)}%, int8 QAT (3 epochs) ${(qatV * 100).toFixed(2)}%`);
    expect(ptqV!).toBeLessThan(base! - 0.05); // the case is real: PTQ loses accuracy here
    expect(qatV).toBeGreaterThan(ptqV! + 0.03);
    expect(qat[1]!.report.method).toMatch(/quantization-aware fine-tuning \(3 epochs/);

    // QDQ ONNX of a QAT variant runs in onnxruntime-node as the engine simulates it, within one
    // output step, on calibration rows (training rows, as qdq.run.test.ts) and validation rows,
    // for the MLP before the outlier was made. Logged, not asserted: with the outlier, dense2's
    // input step is ~0.9, so a float-order difference that flips one rounding moves an output
    // several steps — for PTQ (the same file format) as much as for QAT.
    const steps = async (v: (typeof qat)[number], rows: ArrayDataset) => {
      const sim = modelWithWeights(v.graph, v.weights);
      try {
        simulateQuantized(sim, decodeInt8(v.file));
        const x = rows.x.slice(0, 64 * 2);
        const want = forward(sim, x, [64, 2]);
        const got = await runOnnx(int8ToOnnx(v.graph, v.file), x, [64, 2]);
        let lo = 0, hi = 0;
        for (const t of want.data) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
        return maxAbsDiff(got.data, want.data) / ((hi - lo) / 255);
      } finally {
        sim.dispose();
      }
    };
    const plain = await compressModel({ ...job, weights: plainWeights, quantize: { kind: 'int8', calibration: 'minmax', qatEpochs: 1 } });
    const d = await steps(plain[1]!, data.train), dVal = await steps(plain[1]!, data.val!);
    console.log(`QDQ ONNX vs the engine, in output steps: QAT of the plain MLP ${d.toExponential(1)} (64 calibration rows), ${dVal.toExponential(1)} (64 validation rows); with the outlier (calibration rows): PTQ ${(await steps(ptq[1]!, data.train)).toFixed(2)}, QAT ${(await steps(qat[1]!, data.train)).toFixed(2)}`);
    expect(d).toBeLessThanOrEqual(1);
    expect(dVal).toBeLessThanOrEqual(1);
  }, 120_000);
});


