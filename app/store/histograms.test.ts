// Folding epoch events into the histogram history: latest per run, replaced epochs, other
// runs ignored, and thinning past MAX_KEPT_EPOCHS that keeps the first and newest epochs.
import { describe, expect, it } from 'vitest';
import { foldHistograms, latestHistograms, MAX_KEPT_EPOCHS } from './histograms.ts';
import type { EpochEvent, EpochHistograms, TrainEvent } from '../../workers/api.ts';

const hist = (v: number): EpochHistograms => ({ bins: 4, omitted: 0, ms: 1, params: [{ name: 'dense1.weight', shape: [1], weights: { count: 1, nonFinite: 0, min: v, max: v, mean: v, std: 0, lo: v - 0.5, hi: v + 0.5, counts: Uint32Array.from([0, 0, 1, 0]) }, grads: null }] });
const epoch = (runId: string, e: number, withHist = true): EpochEvent => ({
  type: 'epoch', runId, step: e * 10, epoch: e, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 0, best: false, ...(withHist ? { histograms: hist(e) } : {}),
});

describe('foldHistograms', () => {
  it('keeps every epoch of the run, oldest first; the latest is the last', () => {
    const a = foldHistograms(null, 'r', [epoch('r', 1), { type: 'step', runId: 'r', step: 11, epoch: 2, loss: 1, metrics: {}, lr: 0.1, samplesPerSec: 1, etaSec: 0, totalSteps: 20 }, epoch('r', 2)]);
    expect(a!.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(latestHistograms(a)!.h.params[0]!.weights.mean).toBe(2);
    expect(latestHistograms(null)).toBeNull();
  });

  it('returns the same object for events without histograms, ignores other runs, drops a previous run', () => {
    const a = foldHistograms(null, 'r', [epoch('r', 1)]);
    expect(foldHistograms(a, 'r', [epoch('r', 2, false)])).toBe(a);
    expect(foldHistograms(a, 'r', [epoch('other', 2)])).toBe(a);
    expect(foldHistograms(a, 'next', [])).toBeNull();
    expect(foldHistograms(null, 'r', [])).toBeNull();
  });

  it('a repeated epoch (a continued run) replaces what came after it', () => {
    const a = foldHistograms(null, 'r', [epoch('r', 1), epoch('r', 2), epoch('r', 3), epoch('r', 2)]);
    expect(a!.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('thins older epochs past the cap, keeping the first and the newest', () => {
    const events: TrainEvent[] = Array.from({ length: 3 * MAX_KEPT_EPOCHS }, (_, i) => epoch('r', i + 1));
    const a = foldHistograms(null, 'r', events)!;
    expect(a.epochs.length).toBeLessThanOrEqual(MAX_KEPT_EPOCHS);
    expect(a.epochs.length).toBeGreaterThan(MAX_KEPT_EPOCHS / 2);
    expect(a.epochs[0]!.epoch).toBe(1);
    expect(a.epochs.at(-1)!.epoch).toBe(3 * MAX_KEPT_EPOCHS);
    const gaps = a.epochs.slice(1).map((e, i) => e.epoch - a.epochs[i]!.epoch);
    expect(gaps.every((g) => g >= 1)).toBe(true);
  });
});
