// Compiled training: fit runs static steps through a compiled plan and gives the weights the
// eager run gives (under mixed precision too, through loss-scale changes mid-run); steps that
// are not static (Dropout draws random numbers, Custom Code, a replaced loss, compiled: false)
// train eagerly with the reason in the result.
import { describe, expect, it } from 'vitest';
import { fit } from './fit.ts';
import { GraphModel } from './graphModel.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { defaultAttrs } from '../graph/catalog.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphJSON } from '../graph/types.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { memory, scope } from '../core/memory.ts';
import { GradScaler } from '../amp/scaler.ts';
import { Adam } from '../optim/adam.ts';
import { TrainStep } from './trainStep.ts';

const d = makeBuiltin2D('circles', { samples: 200, noise: 0.15, seed: 3 });
const all: ArrayDataset = { x: d.x, y: d.y, rows: d.y.length, features: 2 };
const { train, val } = splitDataset(all, 0.25, 1);
const base: TrainConfig = { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 3, seed: 1, validationSplit: 0.25 };

function chain(layers: [string, Attrs][]): GraphJSON {
  const all: [string, string, Attrs][] = [['input', 'Input', { shape: [2] }], ...layers.map(([t, a], i) => [`n${i}`, t, a] as [string, string, Attrs]), ['loss', 'Loss', { loss: 'crossEntropy' }]];
  const nodes = all.map(([id, type, attrs], i) => ({ id, type, attrs: { ...defaultAttrs(type), ...attrs }, position: { x: i * 100, y: 0 } }));
  const edges = nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in' }));
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}

const mlp = chain([['Dense', { units: 16 }], ['BatchNorm1d', {}], ['ReLU', {}], ['Dense', { units: 16 }], ['Tanh', {}], ['Dense', { units: 2 }]]);
const withDropout = chain([['Dense', { units: 16 }], ['ReLU', {}], ['Dropout', { p: 0.3 }], ['Dense', { units: 2 }]]);

async function trainWeights(graph: GraphJSON, cfg: Partial<TrainConfig>) {
  manualSeed(7);
  const model = new GraphModel(graph);
  const result = await fit(model, train, val, { ...base, ...cfg });
  const weights = Object.fromEntries([...model.namedParameters(), ...model.namedBuffers()].map(([n, t]) => [n, Array.from(t.dataSync())]));
  model.dispose();
  return { result, weights };
}

function maxDiff(a: Record<string, number[]>, b: Record<string, number[]>): number {
  let m = 0;
  for (const k of Object.keys(a)) a[k]!.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k]![i]!))));
  return m;
}

describe('compiled training', () => {
  it('trains a static graph through the plan, to the weights (and BatchNorm statistics) of the eager run', async () => {
    const before = memory().liveTensors;
    const compiled = await trainWeights(mlp, {});
    const eager = await trainWeights(mlp, { compiled: false });
    expect(compiled.result.eagerReason).toBeUndefined();
    expect(compiled.result.execution).toBe('compiled');
    expect(eager.result.execution).toBe('eager');
    expect(eager.result.eagerReason).toMatch(/turned off/);
    expect(Object.keys(compiled.weights).length).toBeGreaterThan(6);
    expect(maxDiff(compiled.weights, eager.weights)).toBeLessThan(1e-5);
    expect(compiled.result.last!.valLoss).toBeCloseTo(eager.result.last!.valLoss!, 5);
    expect(memory().liveTensors).toBe(before);
  });

  it('gradient accumulation with a short last group and clipping: same weights as eager', async () => {
    const cfg: Partial<TrainConfig> = { gradAccumSteps: 3, batchSize: 7, clipGradNorm: 0.5 };
    const compiled = await trainWeights(mlp, cfg);
    const eager = await trainWeights(mlp, { ...cfg, compiled: false });
    expect(compiled.result.execution).toBe('compiled');
    expect(maxDiff(compiled.weights, eager.weights)).toBeLessThan(1e-5);
  });

  it('mixed precision (loss scaling inside the plan, the scale updated on the device): same weights as eager', async () => {
    const compiled = await trainWeights(mlp, { mixedPrecision: true });
    const eager = await trainWeights(mlp, { mixedPrecision: true, compiled: false });
    expect(compiled.result.execution).toBe('compiled');
    expect(maxDiff(compiled.weights, eager.weights)).toBeLessThan(1e-3);
  });

  it('mixed precision through loss-scale changes mid-run (overflow halves the scale, the growth interval doubles it): compiled = eager, same scale trajectory', async () => {
    // A start scale far too large for float16 gradients: the first steps overflow and are skipped
    // (scale halved each time); every 3 good steps the scale doubles, until it overflows again.
    const graph = chain([['Dense', { units: 16 }], ['ReLU', {}], ['Dense', { units: 16 }], ['Tanh', {}], ['Dense', { units: 2 }]]);
    const run = async (compiled: boolean) => {
      manualSeed(7);
      const model = new GraphModel(graph);
      model.train();
      const opt = new Adam(model.parameters(), { lr: 0.02 });
      const scaler = new GradScaler({ initScale: 2 ** 22, growthInterval: 3 });
      const step = new TrainStep(model, { compiled }, null, scaler);
      const trajectory: { scale: number; skipped: number }[] = [];
      for (let i = 0; i < 24; i++) {
        const from = (i * 16) % (train.rows - 16);
        scope(() => {
          opt.zeroGrad();
          step.run(tensor(train.x.slice(from * 2, (from + 16) * 2), { shape: [16, 2] }), tensor((train.y as Int32Array).slice(from, from + 16), { shape: [16], dtype: 'int32' }), 1);
          scaler.step(opt);
        });
        const r = await scaler.read();
        trajectory.push({ scale: r.scale, skipped: r.skippedSteps });
      }
      const weights = Object.fromEntries(model.namedParameters().map(([n, t]) => [n, Array.from(t.dataSync())]));
      const wasCompiled = step.compiled;
      step.dispose();
      scaler.dispose();
      opt.dispose();
      model.dispose();
      return { trajectory, weights, wasCompiled };
    };
    const compiled = await run(true);
    const eager = await run(false);
    console.log(`loss-scale trajectory (compiled): ${compiled.trajectory.map((t) => Math.log2(t.scale)).join(' ')} (log2), skipped ${compiled.trajectory.at(-1)!.skipped}; max |weight diff| compiled vs eager ${maxDiff(compiled.weights, eager.weights)}`);
    expect(compiled.wasCompiled).toBe(true);
    expect(compiled.trajectory).toEqual(eager.trajectory);
    const scales = compiled.trajectory.map((t) => t.scale);
    const halvings = scales.filter((s, i) => s === (i ? scales[i - 1]! : 2 ** 22) / 2).length;
    const doublings = scales.filter((s, i) => i > 0 && s === scales[i - 1]! * 2).length;
    // Overflows both at the start and after a growth (mid-run), and growth after good steps.
    expect(halvings).toBeGreaterThanOrEqual(2);
    expect(doublings).toBeGreaterThanOrEqual(1);
    const firstGrowth = scales.findIndex((s, i) => i > 0 && s === scales[i - 1]! * 2);
    expect(scales.slice(firstGrowth + 1).some((s, i) => s === scales[firstGrowth + i]! / 2), 'an overflow after the scale grew').toBe(true);
    expect(compiled.trajectory.at(-1)!.skipped).toBeLessThan(24);
    expect(maxDiff(compiled.weights, eager.weights)).toBeLessThan(1e-6);
  });

  it('Dropout makes the step not static: the run goes eager after the first step and matches an eager run exactly', async () => {
    const auto = await trainWeights(withDropout, {});
    const eager = await trainWeights(withDropout, { compiled: false });
    expect(auto.result.execution).toBe('eager');
    expect(auto.result.eagerReason).toMatch(/random numbers/);
    expect(maxDiff(auto.weights, eager.weights)).toBe(0);
  });

  it('Custom Code trains eagerly and says why', async () => {
    const graph = chain([['Dense', { units: 8 }], ['CustomCode', { code: 'return x.relu();' }], ['Dense', { units: 2 }]]);
    const { result } = await trainWeights(graph, { epochs: 1 });
    expect(result.execution).toBe('eager');
    expect(result.eagerReason).toMatch(/Custom Code/);
  });
});
