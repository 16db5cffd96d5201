// Weight and gradient histograms: the binning against hand-computed values (edges, constant
// tensors, NaN/Inf counted but not binned), the size budget, one readback per epoch, that the
// epoch callback still sees the last step's gradients, and a real run through the session.
import { describe, expect, it, vi } from 'vitest';
import { histogramOf, histogramBudget, parameterHistograms, histogramBytes, MIN_BINS, type EpochHistograms } from './histograms.ts';
import { fit } from './fit.ts';
import { GraphModel } from './graphModel.ts';
import { batchTensors } from './evaluate.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import { runTraining, exportWeights, loadWeightsInto } from './session.ts';
import type { SessionEvent } from './session.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';
import { scope, memory } from '../core/memory.ts';
import { backend, setBackend } from '../backend/registry.ts';
import { dawnBackend } from '../backend/webgpu/dawn.ts';

const counts = (h: { counts: Uint32Array }) => Array.from(h.counts);

describe('histogramOf', () => {
  it('splits [min, max] into equal bins; the last bin includes max', () => {
    const h = histogramOf([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(counts(h)).toEqual([2, 2, 2, 2, 3]);
    expect([h.lo, h.hi, h.min, h.max, h.count, h.nonFinite]).toEqual([0, 10, 0, 10, 11, 0]);
    expect(h.mean).toBe(5);
    expect(h.std).toBeCloseTo(Math.sqrt(10), 12); // population: Σ(i − 5)² / 11 = 110 / 11
  });

  it('puts a value on an interior edge into the upper bin', () => {
    expect(counts(histogramOf([0, 0.5, 1], 2))).toEqual([1, 2]);
    expect(counts(histogramOf([-1, -0.5, 0.25, 1], 4))).toEqual([1, 1, 1, 1]);
  });

  it('centres a constant tensor in a ±0.5 span: one bar in the middle, std 0', () => {
    const h = histogramOf([3, 3, 3], 4);
    expect([h.lo, h.hi]).toEqual([2.5, 3.5]);
    expect(counts(h)).toEqual([0, 0, 3, 0]);
    expect([h.min, h.max, h.mean, h.std]).toEqual([3, 3, 3, 0]);
    expect(counts(histogramOf(new Float32Array(5), 3))).toEqual([0, 5, 0]); // zero-initialised biases
  });

  it('counts NaN and ±Infinity without binning them or letting them into the statistics', () => {
    const h = histogramOf([1, NaN, Infinity, -Infinity, 2], 2);
    expect(counts(h)).toEqual([1, 1]);
    expect([h.count, h.nonFinite, h.min, h.max, h.mean, h.std]).toEqual([2, 3, 1, 2, 1.5, 0.5]);
    const none = histogramOf([NaN, Infinity], 3);
    expect(counts(none)).toEqual([0, 0, 0]);
    expect([none.count, none.nonFinite, none.lo, none.hi]).toEqual([0, 2, 0, 0]);
    expect(none.mean).toBeNaN();
  });

  it('stays finite for values near ±float32 max, and bins a sub-range of an array', () => {
    const big = histogramOf(new Float32Array([-3e38, 3e38]), 2);
    expect(counts(big)).toEqual([1, 1]);
    const part = histogramOf([100, 0, 1, 2, 3, -100], 3, 1, 5);
    expect(counts(part)).toEqual([1, 1, 2]);
    expect([part.min, part.max, part.count]).toEqual([0, 3, 4]);
  });
});

describe('histogramBudget', () => {
  it('keeps the asked bins while they fit, then coarsens to MIN_BINS, then leaves parameters out', () => {
    // A parameter costs 80 + 2 × (4 × bins + 112) bytes: 544 at 30 bins, 368 at 8.
    expect(histogramBudget(10, 30, 131_072)).toEqual({ bins: 30, keep: 10 });
    expect(histogramBudget(240, 30, 131_072)).toEqual({ bins: 30, keep: 240 });
    expect(histogramBudget(300, 30, 131_072)).toEqual({ bins: 16, keep: 300 });
    expect(histogramBudget(1000, 30, 131_072)).toEqual({ bins: MIN_BINS, keep: 356 });
    expect(histogramBudget(3, 5, 131_072)).toEqual({ bins: 5, keep: 3 });
  });
});

const d = makeBuiltin2D('circles', { samples: 240, noise: 0.15, seed: 3 });
const all: ArrayDataset = { x: d.x, y: d.y, rows: d.y.length, features: 2 };
const { train, val } = splitDataset(all, 0.25, 1);

/** Weights and gradients of every parameter, read synchronously (CPU). */
function hostParams(model: GraphModel): { name: string; w: Float32Array; g: Float32Array | null }[] {
  return model.namedParameters().map(([name, p]) => ({ name, w: Float32Array.from(p.dataSync()), g: p.grad ? Float32Array.from(p.grad.dataSync()) : null }));
}

describe('parameterHistograms', () => {
  it('bins every parameter\'s weights and gradient from one readback, named <nodeId>.<param>', async () => {
    manualSeed(4);
    const model = new GraphModel(defaultGraph());
    scope(() => {
      const b = batchTensors(train, Int32Array.from({ length: train.rows }, (_, i) => i), 0, train.rows);
      model.lossAndPrediction(b.x, b.y).loss.backward();
    });
    const before = memory().liveTensors;
    const read = vi.spyOn(backend(), 'read');
    const h = await parameterHistograms(model, { bins: 12 });
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRestore();
    expect(memory().liveTensors).toBe(before);
    expect(h.params.map((p) => p.name)).toEqual(['dense1.weight', 'dense1.bias', 'dense2.weight', 'dense2.bias', 'dense3.weight', 'dense3.bias']);
    expect(h.bins).toBe(12);
    expect(h.omitted).toBe(0);
    for (const [i, p] of hostParams(model).entries()) {
      expect(h.params[i]!.weights).toEqual(histogramOf(p.w, 12));
      expect(h.params[i]!.grads).toEqual(histogramOf(p.g!, 12));
    }
    expect(h.params.map((p) => counts(p.weights).reduce((a, b) => a + b, 0))).toEqual([32, 16, 256, 16, 32, 2]);
    model.zeroGrad();
    model.dispose();
  });

  it('a parameter without a gradient has grads null; a tight budget coarsens and leaves out the last parameters', async () => {
    manualSeed(4);
    const model = new GraphModel(defaultGraph());
    const h = await parameterHistograms(model, { bins: 30, maxEventBytes: 4 * 368 });
    expect(h.bins).toBe(MIN_BINS);
    expect(h.params.map((p) => p.name)).toEqual(['dense1.weight', 'dense1.bias', 'dense2.weight', 'dense2.bias']);
    expect(h.omitted).toBe(2);
    expect(h.params.every((p) => p.grads === null && p.weights.counts.length === MIN_BINS)).toBe(true);
    expect(histogramBytes(h)).toBe(4 * (80 + 4 * MIN_BINS + 112)); // no gradients: one histogram each
    model.dispose();
  });
});

describe('gradients at the epoch end', () => {
  it('are still on the parameters when the epoch callback runs, and are the last step\'s (full batch: the gradient at the previous epoch\'s weights)', async () => {
    manualSeed(2);
    const model = new GraphModel(defaultGraph());
    const ref = new GraphModel(defaultGraph());
    const everyRow = Int32Array.from({ length: train.rows }, (_, i) => i);
    // One step per epoch over the whole training set, so the step's gradient does not depend on the shuffle.
    let prevWeights = exportWeights(model);
    const checked: number[] = [];
    await fit(model, train, val, { optimizer: 'sgd', lr: 0.3, optimizerOptions: { momentum: 0 }, batchSize: train.rows, epochs: 3, seed: 1, validationSplit: 0.25 }, {
      onEpoch: async (r) => {
        const got = hostParams(model);
        expect(got.every((p) => p.g !== null)).toBe(true);
        loadWeightsInto(ref, prevWeights);
        ref.zeroGrad();
        scope(() => {
          const b = batchTensors(train, everyRow, 0, train.rows);
          ref.lossAndPrediction(b.x, b.y).loss.backward();
        });
        const want = hostParams(ref);
        for (const [i, p] of got.entries()) {
          const w = want[i]!.g!;
          const scale = Math.max(...w.map(Math.abs));
          expect(scale).toBeGreaterThan(0);
          for (let k = 0; k < w.length; k++) expect(Math.abs(p.g![k]! - w[k]!)).toBeLessThan(1e-4 * scale + 1e-7);
        }
        // The histograms taken here see the same gradients.
        const h = await parameterHistograms(model);
        expect(h.params[0]!.grads).toEqual(histogramOf(got[0]!.g!, 30));
        checked.push(r.epoch);
        prevWeights = exportWeights(model);
      },
    });
    expect(checked).toEqual([1, 2, 3]);
    model.zeroGrad();
    ref.zeroGrad();
    model.dispose();
    ref.dispose();
  });
});

async function sessionHistograms(mixedPrecision = false): Promise<{ h: EpochHistograms[]; events: SessionEvent[] }> {
  const events: SessionEvent[] = [];
  await runTraining({
    runId: 'h', graph: defaultGraph(), boundaryResolution: 0, histogramBins: 30,
    dataset: { kind: 'builtin2d', name: 'circles', samples: 200, noise: 0.15, seed: 5 },
    config: { optimizer: 'adam', lr: 0.02, batchSize: 32, epochs: 3, seed: 1, validationSplit: 0.2, mixedPrecision },
  }, { onEvent: (e) => events.push(e), shouldStop: () => false });
  const h = events.flatMap((e) => (e.type === 'epoch' && e.histograms ? [e.histograms] : []));
  return { h, events };
}

describe('histograms in a training session', () => {
  it('each epoch event carries them: gradients non-zero, weights moving between epochs, a small event', async () => {
    const { h, events } = await sessionHistograms();
    expect(h).toHaveLength(3);
    for (const e of h) {
      expect(e.params).toHaveLength(6);
      for (const p of e.params) {
        expect(p.grads!.count).toBe(p.weights.count);
        expect(p.grads!.std).toBeGreaterThan(0);
        expect(Math.max(Math.abs(p.grads!.min), Math.abs(p.grads!.max))).toBeGreaterThan(0);
        expect(p.weights.nonFinite + p.grads!.nonFinite).toBe(0);
      }
      expect(histogramBytes(e)).toBe(6 * 544);
    }
    const w = (e: EpochHistograms, i: number) => [e.params[i]!.weights.mean, e.params[i]!.weights.std, e.params[i]!.weights.min, e.params[i]!.weights.max];
    for (let i = 0; i < 6; i++) expect(w(h[2]!, i)).not.toEqual(w(h[0]!, i));
    expect(counts(h[2]!.params[1]!.weights)).not.toEqual(counts(h[0]!.params[1]!.weights));
    // No histograms unless the job asks for them (the CLI does not).
    const noHist: SessionEvent[] = [];
    await runTraining({ runId: 'n', graph: defaultGraph(), boundaryResolution: 0, dataset: { kind: 'builtin2d', name: 'circles', samples: 100, noise: 0.1, seed: 1 }, config: { optimizer: 'adam', lr: 0.02, batchSize: 32, epochs: 1, seed: 1, validationSplit: 0 } }, { onEvent: (e) => noHist.push(e), shouldStop: () => false });
    expect(noHist.some((e) => e.type === 'epoch' && e.histograms)).toBe(false);
    expect(events.some((e) => e.type === 'epoch')).toBe(true);
  });
});

describe('histograms under mixed precision', () => {
  it('show the true gradients, not the loss-scaled ones (S = 65536)', async () => {
    const plain = (await sessionHistograms(false)).h[0]!, mixed = (await sessionHistograms(true)).h[0]!;
    plain.params.forEach((p, i) => {
      const ratio = mixed.params[i]!.grads!.std / p.grads!.std;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    });
  });
});

const gpu = await dawnBackend();
describe.skipIf(!gpu)('histograms on webgpu', () => {
  it('match the CPU\'s from one readback per epoch', async () => {
    const cpu = await sessionHistograms();
    setBackend('webgpu');
    try {
      const read = vi.spyOn(backend(), 'read');
      manualSeed(4);
      const model = new GraphModel(defaultGraph());
      const reads = read.mock.calls.length;
      const h = await parameterHistograms(model);
      expect(read.mock.calls.length - reads).toBe(1);
      read.mockRestore();
      expect(h.params).toHaveLength(6);
      expect(h.params[0]!.weights.count).toBe(2 * 16);
      model.dispose();
      const g = await sessionHistograms();
      expect(g.h).toHaveLength(3);
      // Same seed, same data: the first epoch's weight statistics agree to float32 rounding.
      for (let i = 0; i < 6; i++) expect(g.h[0]!.params[i]!.weights.mean).toBeCloseTo(cpu.h[0]!.params[i]!.weights.mean, 4);
      expect(g.h[0]!.params[0]!.grads!.std).toBeGreaterThan(0);
    } finally {
      setBackend('cpu');
    }
  });
});
