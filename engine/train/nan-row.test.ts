// One NaN in one training row must stop the run, not corrupt it. Before NaN propagated through
// ReLU, the NaN row's hidden units became 0: the loss stayed finite while ∂W1 = xᵀ·δ carried
// NaN into the first layer, and every later step trained on silently broken weights. Now the
// bad batch's loss is NaN, fit stops with 'diverged', and the weights it leaves are finite
// ones the run had before the bad step.
import { describe, expect, it } from 'vitest';
import { fit } from './fit.ts';
import { GraphModel } from './graphModel.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';
import { memory } from '../core/memory.ts';

const snapshot = (m: GraphModel): number[] => m.parameters().flatMap((p) => Array.from(p.dataSync()));

describe('a NaN in one training row (default graph: Dense → ReLU → Dense → ReLU → Dense)', () => {
  it('stops the run as diverged and keeps finite weights from before the bad step', async () => {
    const d = makeBuiltin2D('circles', { samples: 240, noise: 0.15, seed: 3 });
    const x = Float32Array.from(d.x);
    x[2 * 150] = NaN; // row 150, first feature
    const train: ArrayDataset = { x, y: d.y, rows: d.y.length, features: 2 };
    const cfg: TrainConfig = { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 3, seed: 1, validationSplit: 0, readEvery: 1 };
    manualSeed(1);
    const before = memory().liveTensors;
    const model = new GraphModel(defaultGraph());
    // With readEvery 1, step s is reported before step s + 1 runs: the weights after step s.
    const after = new Map<number, number[]>([[0, snapshot(model)]]);
    const losses: number[] = [];
    const result = await fit(model, train, null, cfg, {
      onStep: (r) => {
        losses.push(r.loss);
        after.set(r.step, snapshot(model));
      },
    });

    expect(result.reason).toBe('diverged');
    // The bad step is the first unreported one; it comes within the first epoch (15 steps).
    const bad = losses.length + 1;
    expect(bad).toBeLessThanOrEqual(15);
    expect(losses.every(Number.isFinite)).toBe(true);
    const w = snapshot(model);
    expect(w.every(Number.isFinite)).toBe(true);
    // The guard trusts a snapshot once the next step's loss is finite, so it restores the
    // weights after step bad − 1 (bad − 2 when that one was not yet confirmed).
    const match = [bad - 1, bad - 2].filter((s) => s >= 0 && after.get(s)!.every((v, i) => v === w[i]));
    expect(match.length).toBeGreaterThan(0);
    model.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('the same data without the NaN completes (the stop is the NaN, not the setup)', async () => {
    const d = makeBuiltin2D('circles', { samples: 240, noise: 0.15, seed: 3 });
    const train: ArrayDataset = { x: d.x, y: d.y, rows: d.y.length, features: 2 };
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const result = await fit(model, train, null, { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 1, seed: 1, validationSplit: 0, readEvery: 1 });
    expect(result.reason).toBe('completed');
    expect(snapshot(model).every(Number.isFinite)).toBe(true);
    model.dispose();
  });
});
