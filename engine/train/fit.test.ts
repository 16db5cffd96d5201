// The training loop's features: early stopping, keep-best, callbacks, pause/resume, gradient
// accumulation, clipping, metrics and confusion matrices, schedulers stepping as lrCurve
// says, and a whole run on WebGPU (async reads only) when a device is available.
import { describe, expect, it } from 'vitest';
import { fit, type StepReport, type EpochReport } from './fit.ts';
import { evaluate, metricPlan } from './evaluate.ts';
import { GraphModel } from './graphModel.ts';
import { lrCurve } from './schedule.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';
import { memory } from '../core/memory.ts';
import { setBackend } from '../backend/registry.ts';
import { dawnBackend } from '../backend/webgpu/dawn.ts';
import type { GraphJSON } from '../graph/types.ts';

const d = makeBuiltin2D('circles', { samples: 240, noise: 0.15, seed: 3 });
const all: ArrayDataset = { x: d.x, y: d.y, rows: d.y.length, features: 2 };
const { train, val } = splitDataset(all, 0.25, 1);
const base: TrainConfig = { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 6, seed: 1, validationSplit: 0.25 };

async function run(cfg: Partial<TrainConfig>, extra: Parameters<typeof fit>[4] = {}, graph: GraphJSON = defaultGraph(), data = { train, val }) {
  manualSeed(cfg.seed ?? 1);
  const model = new GraphModel(graph);
  const steps: StepReport[] = [];
  const epochs: EpochReport[] = [];
  const result = await fit(model, data.train, data.val, { ...base, ...cfg }, { onStep: (r) => steps.push(r), onEpoch: (r) => void epochs.push(r), ...extra });
  return { model, result, steps, epochs };
}

describe('fit', () => {
  it('reports every step (read in groups) with samples/s and ETA, and epoch metrics with a confusion matrix', async () => {
    const before = memory().liveTensors;
    const { model, result, steps, epochs } = await run({ metrics: ['accuracy', 'f1', 'precision', 'recall', 'topK'], topK: 1, readEvery: 7 });
    const perEpoch = Math.ceil(train.rows / 16);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 6 * perEpoch }, (_, i) => i + 1));
    expect(steps.every((s) => s.samplesPerSec > 0 && s.etaSec >= 0 && s.totalSteps === 6 * perEpoch)).toBe(true);
    expect(steps.at(-1)!.etaSec).toBe(0);
    const e = epochs.at(-1)!;
    expect(e.metrics.accuracy).toBeGreaterThan(0.8);
    expect(e.metrics.topK).toBeCloseTo(e.metrics.accuracy!, 12);
    expect(e.valMetrics!.f1).toBeGreaterThan(0.8);
    expect(e.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(val!.rows);
    expect(result.reason).toBe('completed');
    model.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('early stopping ends the run when the monitored loss stops improving', async () => {
    const { result, epochs, model } = await run({ optimizer: 'sgd', lr: 0, epochs: 20, earlyStopping: { patience: 2, minDelta: 0 } });
    expect(result.earlyStopped).toBe(true);
    expect(epochs).toHaveLength(3);
    expect(epochs.map((e) => e.best)).toEqual([true, false, false]);
    model.dispose();
  });

  it('keepBest restores the weights of the epoch with the lowest validation loss', async () => {
    const { result, epochs, model } = await run({ optimizer: 'sgd', lr: 2.5, epochs: 8, keepBest: true, optimizerOptions: { momentum: 0.9 } });
    const bestEpoch = epochs.reduce((b, e) => (e.valLoss! < b.valLoss! ? e : b));
    expect(result.restoredEpoch).toBe(bestEpoch.epoch);
    const ev = await evaluate(model, val!, metricPlan(model, val!, base));
    expect(ev.loss).toBeCloseTo(bestEpoch.valLoss!, 5);
    model.dispose();
  });

  it('callbacks can stop the run; pause waits and resumes', async () => {
    const stopAt2 = await run({}, { callbacks: [{ onEpochEnd: (r, c) => (r.epoch === 2 ? c.stop() : undefined) }] });
    expect(stopAt2.epochs).toHaveLength(2);
    expect(stopAt2.result.earlyStopped).toBe(true);
    stopAt2.model.dispose();
    const until = Date.now() + 120;
    const seen: boolean[] = [];
    const paused = await run({ epochs: 1 }, { shouldPause: () => Date.now() < until, onPause: (p) => seen.push(p) });
    expect(seen).toEqual([true, false]);
    expect(paused.result.reason).toBe('completed');
    paused.model.dispose();
  });

  it('pace is asked after every step; stepping aside (the page needs a core) changes no result', async () => {
    const plain = await run({ epochs: 1 });
    let asked = 0;
    const paced = await run({ epochs: 1 }, { pace: () => (++asked % 3 === 0 ? 2 : 0) });
    expect(asked).toBe(plain.steps.length);
    expect(paced.steps.map((r) => r.loss)).toEqual(plain.steps.map((r) => r.loss));
    plain.model.dispose();
    paced.model.dispose();
  });

  it('gradient accumulation over 2 batches of 8 equals batches of 16 (SGD)', async () => {
    const data = { train: { ...train, rows: 64, x: train.x.subarray(0, 128), y: train.y.subarray(0, 64) }, val: null };
    const a = await run({ optimizer: 'sgd', lr: 0.1, batchSize: 16, epochs: 2, optimizerOptions: { momentum: 0 } }, {}, defaultGraph(), data);
    const b = await run({ optimizer: 'sgd', lr: 0.1, batchSize: 8, gradAccumSteps: 2, epochs: 2, optimizerOptions: { momentum: 0 } }, {}, defaultGraph(), data);
    expect(b.result.steps).toBe(a.result.steps);
    const wa = a.model.parameters().flatMap((p) => Array.from(p.dataSync()));
    const wb = b.model.parameters().flatMap((p) => Array.from(p.dataSync()));
    wa.forEach((v, i) => expect(wb[i]).toBeCloseTo(v, 5));
    a.model.dispose();
    b.model.dispose();
  });

  it('clipGradNorm bounds each update (SGD: |Δw| ≤ lr·maxNorm)', async () => {
    const one = { train: { ...train, rows: 16, x: train.x.subarray(0, 32), y: train.y.subarray(0, 16) }, val: null };
    manualSeed(1);
    const w0 = new GraphModel(defaultGraph()).parameters().flatMap((p) => Array.from(p.dataSync()));
    const { model } = await run({ optimizer: 'sgd', lr: 1, epochs: 1, clipGradNorm: 0.01, optimizerOptions: { momentum: 0 } }, {}, defaultGraph(), one);
    const w1 = model.parameters().flatMap((p) => Array.from(p.dataSync()));
    const delta = Math.sqrt(w1.reduce((s, v, i) => s + (v - w0[i]!) ** 2, 0));
    expect(delta).toBeLessThanOrEqual(0.01 + 1e-6);
    expect(delta).toBeGreaterThan(0.009);
    model.dispose();
  });

  it('schedulers step as lrCurve previews (per epoch and OneCycle per step)', async () => {
    for (const scheduler of [{ type: 'step', stepSize: 2, gamma: 0.5 }, { type: 'oneCycle', maxLr: 0.05 }, { type: 'cosine', interval: 'step' }] as const) {
      const cfg = { scheduler, epochs: 4 };
      const { steps, model } = await run(cfg);
      const curve = lrCurve({ ...base, ...cfg }, Math.ceil(train.rows / 16));
      expect(steps.map((s) => s.lr)).toEqual(curve);
      model.dispose();
    }
  });

  it('regression: MAE and R² per epoch', async () => {
    const rows = 200;
    const x = Float32Array.from({ length: rows }, (_, i) => -2 + (4 * i) / rows);
    const y = Float32Array.from(x, (v) => 0.5 * v * v);
    const reg = splitDataset({ x, y, rows, features: 1 }, 0.2, 1);
    const g = defaultGraph();
    g.nodes.find((n) => n.type === 'Input')!.attrs.shape = [1];
    g.nodes.find((n) => n.id === 'dense3')!.attrs.units = 1;
    g.nodes = g.nodes.filter((n) => n.type !== 'Softmax');
    g.edges = g.edges.filter((e) => e.target !== 'softmax').map((e) => (e.source === 'softmax' ? { ...e, source: 'dense3' } : e));
    g.nodes.find((n) => n.type === 'Loss')!.attrs.loss = 'huber';
    const { epochs, model } = await run({ epochs: 30, lr: 0.02 }, {}, g, reg);
    const e = epochs.at(-1)!;
    expect(e.metrics.mae).toBeLessThan(0.15);
    expect(e.valMetrics!.r2).toBeGreaterThan(0.9);
    expect(e.confusion).toBeUndefined();
    model.dispose();
  });
});

const gpu = await dawnBackend();
describe.skipIf(!gpu)('fit on webgpu', () => {
  it('trains the default graph with async reads only (dataSync throws there)', async () => {
    setBackend('webgpu');
    try {
      const { result, epochs, model } = await run({ epochs: 4, keepBest: true, clipGradNorm: 5, scheduler: { type: 'cosine' } });
      expect(result.reason).toBe('completed');
      expect(epochs.at(-1)!.valMetrics!.accuracy).toBeGreaterThan(0.75);
      model.dispose();
    } finally {
      setBackend('cpu');
    }
  });
});
