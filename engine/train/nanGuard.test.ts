// The NaN/Inf guard (callbacks/nanGuard.ts): a gradient that stops being finite while the
// loss is still finite ends the run as diverged, naming the step and epoch, with the weights
// of the last step known to be good; a finite run is untouched by it.
import { describe, expect, it } from 'vitest';
import { fit } from './fit.ts';
import { GraphModel } from './graphModel.ts';
import { gradientSquareSum } from './callbacks/nanGuard.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { memory } from '../core/memory.ts';

const d = makeBuiltin2D('circles', { samples: 160, noise: 0.15, seed: 3 });
const all: ArrayDataset = { x: d.x, y: d.y, rows: d.y.length, features: 2 };
const { train } = splitDataset(all, 0, 1);
const cfg: TrainConfig = { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 3, seed: 1, validationSplit: 0, readEvery: 1 };
const weightsOf = (m: GraphModel) => m.parameters().map((p) => Array.from(p.dataSync()));

/** From step `from` on, adds sqrt(0·w) to the loss: 0 forward (the loss stays finite), NaN gradient (0 · ∞). */
function poisonGradientsFrom(model: GraphModel, from: { step: number }): void {
  const orig = model.lossAndPrediction.bind(model);
  let calls = 0;
  model.lossAndPrediction = (x, y) => {
    const r = orig(x, y);
    if (++calls < from.step) return r;
    const w = model.parameters()[0]!;
    return { ...r, loss: r.loss.add(w.mul(0).sqrt().sum()) };
  };
}

describe('NaN guard', () => {
  it('measures the squared gradient norm in one pass, non-finite exactly when a gradient is', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    a.mul(a).sum().add(b.mul(b).sum()).backward();
    expect(gradientSquareSum([a, b])!.dataSync()[0]).toBeCloseTo(4 + 16 + 36, 4);
    b.grad!.assign(tensor([Infinity]));
    expect(Number.isFinite(gradientSquareSum([a, b])!.dataSync()[0])).toBe(false);
  });

  it('a gradient that turns NaN while the loss is finite stops the run with the last good weights', async () => {
    const before = memory().liveTensors;
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const bad = 13; // step 3 of epoch 2 (10 steps per epoch)
    poisonGradientsFrom(model, { step: bad });
    const after = new Map<number, number[][]>();
    const losses: number[] = [];
    // Eager: the poison switches on by a JS call count, which a compiled plan would freeze.
    const result = await fit(model, train, null, { ...cfg, compiled: false }, {
      onStep: (r) => {
        losses.push(r.loss);
        after.set(r.step, weightsOf(model));
      },
    });
    expect(result.reason).toBe('diverged');
    expect(result.message).toMatch(new RegExp(`step ${bad} \\(epoch 2\\).*gradients became NaN while the loss was still finite.*weights after step ${bad - 1}`));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(Math.max(...after.keys())).toBe(bad - 1);
    const w = weightsOf(model);
    expect(w.flat().every(Number.isFinite)).toBe(true);
    expect(w).toEqual(after.get(bad - 1));
    model.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('lets a finite run complete with no message', async () => {
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const result = await fit(model, train, null, { ...cfg, readEvery: 4 });
    expect(result.reason).toBe('completed');
    expect(result.message).toBeUndefined();
    expect(weightsOf(model).flat().every(Number.isFinite)).toBe(true);
    model.dispose();
  });
});
