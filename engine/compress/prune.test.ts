// Pruning: masks stay exactly zero through fine-tuning (while the kept weights train), the
// polynomial schedule reaches its target, global and per-layer choose by magnitude, and
// channel pruning shrinks the graph into a valid smaller one that computes what the masked
// model computes (BatchNorm with real running statistics on the way).
import { describe, expect, it } from 'vitest';
import { fit } from '../train/fit.ts';
import { GraphModel } from '../train/graphModel.ts';
import { GraphBuilder } from '../templates/build.ts';
import { getTemplate } from '../templates/index.ts';
import { makeDigits } from '../data/digits.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { noGrad } from '../autograd/mode.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { TrainConfig } from '../project/config.ts';
import type { ArrayDataset } from '../data/split.ts';
import { PruneCallback, computeMasks, sparsityAt, sparsityReport } from './prune.ts';
import { channelGroups } from './channels.ts';
import { stripChannels } from './strip.ts';

const d = makeDigits(240, 0.1, 5);
const digits: ArrayDataset = { x: d.x, y: d.y, rows: 240, features: 784, sampleShape: [1, 28, 28] };
const cfg: TrainConfig = { optimizer: 'adam', lr: 0.003, batchSize: 32, epochs: 3, seed: 1, validationSplit: 0 };

function smallCnn(bn = false) {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }], ['conv1', 'Conv2d', { filters: 6, kernelSize: 5, padding: 2 }],
    ...(bn ? [['bn1', 'BatchNorm2d'] as [string, string]] : []), ['relu1', 'ReLU'], ['pool1', 'MaxPool2d', { kernelSize: 4 }],
    ['conv2', 'Conv2d', { filters: 8, kernelSize: 3 }], ['tanh2', 'Tanh'], ['pool2', 'AvgPool2d', { kernelSize: 2 }], ['flatten', 'Flatten'],
    ['fc1', 'Dense', { units: 16 }], ['relu3', 'ReLU'], ['fc2', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

const params = (m: GraphModel) => new Map(m.namedParameters().map(([n, p]) => [n, Float32Array.from(p.dataSync())]));

describe('unstructured pruning', () => {
  it('keeps pruned weights at exactly zero through fine-tuning while the others train, reaching the target', async () => {
    manualSeed(1);
    const model = new GraphModel(getTemplate('lenet5')!.build());
    const cb = new PruneCallback({ mode: 'unstructured', sparsity: 0.8, schedule: 'polynomial' }, 3, 8);
    const seen: Map<string, Float32Array>[] = [];
    // Snapshot after every epoch's masks are in force: each later epoch's zeros include these.
    const before = params(model);
    await fit(model, digits, null, cfg, { callbacks: [cb, { onEpochEnd: () => void seen.push(params(model)) }] });
    const after = params(model);
    const masks = cb.last!.masks;
    expect([...masks.keys()].sort()).toEqual(['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight', 'fc3.weight']);
    let kept = 0, moved = 0;
    for (const [name, m] of masks) {
      const w = after.get(name)!;
      for (let i = 0; i < m.length; i++) {
        if (m[i] === 0) expect(Math.abs(w[i]!), `${name}[${i}]`).toBe(0);
        else {
          kept++;
          if (w[i] !== before.get(name)![i]) moved++;
        }
      }
    }
    expect(moved / kept).toBeGreaterThan(0.9); // the kept weights were trained
    // Each epoch's zeros stay zero in every later epoch (the masks only grow).
    for (let e = 1; e < seen.length; e++) for (const name of masks.keys()) seen[e - 1]!.get(name)!.forEach((v, i) => v === 0 && expect(Math.abs(seen[e]!.get(name)![i]!)).toBe(0));
    for (const r of sparsityReport(model)) expect(r.sparsity).toBeGreaterThanOrEqual(0.79);
    model.dispose();
  }, 60_000);

  it('raises the sparsity in small steps over the ramp (not once per epoch), reaching the target at its end', async () => {
    manualSeed(3);
    const model = new GraphModel(smallCnn());
    // 240 rows in batches of 32: 8 steps per epoch; 4 epochs ramp over the first 2 (16 steps, RAMP_UPDATES of them).
    const cb = new PruneCallback({ mode: 'unstructured', sparsity: 0.8, schedule: 'polynomial' }, 4, 8);
    let size = 0;
    const zerosOf = (m: GraphModel) => {
      const w = Float32Array.from(new Map(m.namedParameters()).get('fc1.weight')!.dataSync());
      size = w.length;
      return w.filter((v) => v === 0).length / w.length;
    };
    const perStep: number[] = [];
    await fit(model, digits, null, { ...cfg, epochs: 4 }, { callbacks: [cb, { onOptimizerStep: (ctx) => void perStep.push(zerosOf(ctx.model)) }] });
    expect(perStep.length).toBe(32);
    expect(perStep.every((v, i) => i === 0 || v >= perStep[i - 1]!)).toBe(true);
    // Within the first epoch the sparsity already took several distinct values below the target.
    expect(new Set(perStep.slice(0, 8)).size).toBeGreaterThanOrEqual(4);
    // The first step prunes 14%, not the 70% a once-per-epoch update applied from the first step.
    expect(perStep[0]!).toBeLessThan(0.2);
    // Each step's value is the schedule's at that step (per-layer rounding down), held at the target from step 16.
    perStep.slice(0, 16).forEach((v, i) => expect(v).toBeCloseTo(Math.floor(sparsityAt({ sparsity: 0.8, schedule: 'polynomial' }, (i + 1) / 8, 4) * size) / size, 6));
    perStep.slice(15).forEach((v) => expect(v).toBeCloseTo(0.8, 2));
    model.dispose();
  }, 60_000);

  it('schedules sparsity polynomially (TF-MOT) or all at once', () => {
    const poly = [1, 2, 3, 4].map((e) => sparsityAt({ sparsity: 0.8, schedule: 'polynomial' }, e, 4));
    // Ramps over the first half of the epochs, then holds the target for the rest to recover.
    expect(poly[0]).toBeCloseTo(0.8 * (1 - 0.5 ** 3), 12);
    expect(poly.slice(1)).toEqual([0.8, 0.8, 0.8]);
    const six = [1, 2, 3, 4, 5, 6].map((e) => sparsityAt({ sparsity: 0.5, schedule: 'polynomial' }, e, 6));
    expect(six.slice(0, 3).every((s, i) => i === 0 || s > six[i - 1]!)).toBe(true);
    expect(six.slice(2)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(sparsityAt({ sparsity: 0.8, schedule: 'oneShot' }, 1, 4)).toBe(0.8);
    // One fine-tuning epoch: its first half ramps, its second recovers at the target.
    expect(sparsityAt({ sparsity: 0.8, schedule: 'polynomial' }, 0.25, 1)).toBeCloseTo(0.7, 12);
    expect(sparsityAt({ sparsity: 0.8, schedule: 'polynomial' }, 0.5, 1)).toBe(0.8);
  });

  it('prunes the smallest magnitudes per layer, or across layers with one global threshold', () => {
    manualSeed(2);
    const model = new GraphModel(smallCnn());
    const perLayer = computeMasks(model, { mode: 'unstructured' }, 0.5);
    const global = computeMasks(model, { mode: 'global' }, 0.5);
    const w = params(model);
    let total = 0, zeros = 0;
    for (const [name, m] of global.masks) {
      total += m.length;
      zeros += m.filter((v) => v === 0).length;
      const pm = perLayer.masks.get(name)!;
      expect(pm.filter((v) => v === 0).length).toBe(Math.floor(0.5 * pm.length));
      // Every pruned weight is no larger than every kept one within the layer.
      const wl = w.get(name)!;
      const maxPruned = Math.max(...wl.filter((_, i) => pm[i] === 0).map(Math.abs));
      const minKept = Math.min(...wl.filter((_, i) => pm[i] === 1).map(Math.abs));
      expect(maxPruned).toBeLessThanOrEqual(minKept);
    }
    expect(zeros).toBe(Math.floor(0.5 * total));
    // Global: one threshold for all layers (the layers' sparsities differ).
    const ratios = [...global.masks.values()].map((m) => m.filter((v) => v === 0).length / m.length);
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeGreaterThan(0.05);
    model.dispose();
  });
});

describe('channel pruning', () => {
  it('finds the layers whose channels can go (not the classifier, not a residual branch)', () => {
    const lenet = getTemplate('lenet5')!.build();
    expect(channelGroups(lenet, analyzeGraph(lenet)).map((g) => [g.producer, g.consumers.map((c) => `${c.node}/${c.block}`).join()])).toEqual([
      ['conv1', 'conv2/1'], ['conv2', 'fc1/25'], ['fc1', 'fc2/1'], ['fc2', 'fc3/1'],
    ]);
    const resnet = getTemplate('resnet')!.build();
    // stem feeds the Add (a barrier); convB's BatchNorm feeds it too; only convA is free.
    expect(channelGroups(resnet, analyzeGraph(resnet)).map((g) => g.producer)).toEqual(['convA']);
  });

  it('removes zeroed channels: a valid smaller graph with the same outputs as the masked model', () => {
    manualSeed(3);
    const model = new GraphModel(smallCnn(true));
    // Real running statistics, so BatchNorm of a zeroed channel would not be zero unless its affine is masked too.
    for (const [name, b] of model.namedBuffers()) if (name === 'bn1.runningMean') b.assign(Float32Array.from({ length: 6 }, (_, i) => 0.1 * (i + 1)));
    model.eval();
    const cb = new PruneCallback({ mode: 'channels', sparsity: 0.5, schedule: 'oneShot' }, 0);
    cb.update(model);
    const keep = cb.last!.keep;
    expect([...keep].map(([k, v]) => [k, v.length])).toEqual([['conv1', 3], ['conv2', 4], ['fc1', 8]]);
    const x = tensor(digits.x.subarray(0, 8 * 784), { shape: [8, 1, 28, 28] });
    const masked = noGrad(() => model.forward(x)).dataSync();
    const stripped = stripChannels(model, keep);
    const a = analyzeGraph(stripped.graph);
    expect(a.ok).toBe(true);
    expect(a.shapes.conv1).toEqual(['N', 3, 28, 28]);
    expect(a.shapes.fc1).toEqual(['N', 8]);
    expect(stripped.tensors['fc1.weight']!.shape).toEqual([8, 4 * 2 * 2]);
    expect(stripped.tensors['bn1.runningVar']!.shape).toEqual([3]);
    const small = new GraphModel(stripped.graph);
    small.loadStateDict(Object.fromEntries(Object.entries(stripped.tensors).map(([k, t]) => [k, t.data])));
    small.eval();
    const out = noGrad(() => small.forward(x)).dataSync();
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(masked[i]!, 5);
    expect(a.totalParams).toBeLessThan(model.analysis.totalParams / 2);
    cb.dispose();
    x.dispose();
    model.dispose();
    small.dispose();
  });
});
