import { beforeEach, describe, expect, it } from 'vitest';
import { DIVERGED_MESSAGE, foldEvents } from './training.ts';
import { resetSeries, series } from '../store/series.ts';

const empty = { metrics: null, boundary: null, engineErrors: {}, runMessage: null };

describe('folding training events', () => {
  beforeEach(() => resetSeries());

  it('appends steps to the series and keeps the latest metrics', () => {
    const p = foldEvents(empty, [
      { type: 'step', runId: 'r', step: 1, epoch: 0, loss: 0.7, metrics: { accuracy: 0.5 }, lr: 0.01, samplesPerSec: 1000, etaSec: 1, totalSteps: 2 },
      { type: 'step', runId: 'r', step: 2, epoch: 0, loss: 0.6, metrics: {}, lr: 0.01, samplesPerSec: 1000, etaSec: 1, totalSteps: 2 },
    ]);
    expect(series.step).toEqual([1, 2]);
    expect(series.loss).toEqual([0.7, 0.6]);
    expect(series.accuracy).toEqual([50, null]);
    expect(p.metrics).toMatchObject({ step: 2, loss: 0.6, accuracy: 0.5 });
  });

  it('takes the boundary from epoch events', () => {
    const boundary = { resolution: 2, classes: 2, extent: [-6, 6, -6, 6] as [number, number, number, number], probs: new Float32Array(8) };
    const p = foldEvents(empty, [{ type: 'epoch', runId: 'r', step: 10, epoch: 1, loss: 0.3, metrics: { accuracy: 0.9, valAccuracy: 0.8 }, lr: 0.01, samplesPerSec: 1, etaSec: 0, best: true, boundary }]);
    expect(p.boundary).toBe(boundary);
    expect(p.metrics).toMatchObject({ epoch: 1, valAccuracy: 0.8 });
  });

  it('explains divergence instead of showing NaN', () => {
    const p = foldEvents(empty, [
      { type: 'step', runId: 'r', step: 3, epoch: 0, loss: NaN, metrics: {}, lr: 1, samplesPerSec: 1, etaSec: 0, totalSteps: 3 },
      { type: 'done', runId: 'r', step: 3, epoch: 0, reason: 'diverged', loss: NaN, metrics: {} },
    ]);
    expect(series.loss).toEqual([null]);
    expect(p.runMessage).toEqual({ kind: 'warn', text: DIVERGED_MESSAGE });
  });

  it('pins engine errors on their node', () => {
    const p = foldEvents(empty, [{ type: 'error', runId: 'r', code: 'graph', message: 'Dense: bad', nodeId: 'dense1' }]);
    expect(p.engineErrors).toEqual({ dense1: 'Dense: bad' });
    expect(p.runMessage).toEqual({ kind: 'error', text: 'Dense: bad' });
  });

  it('says "1 epoch", not "1 epochs"', () => {
    const done = (epoch: number) => foldEvents(empty, [{ type: 'done', runId: 'r', step: 9, epoch, reason: 'completed', loss: 0.25, metrics: {} }]).runMessage?.text;
    expect(done(1)).toBe('Finished 1 epoch: loss 0.2500.');
    expect(done(3)).toBe('Finished 3 epochs: loss 0.2500.');
  });
});
