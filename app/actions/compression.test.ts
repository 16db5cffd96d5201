// The Compress view's live state: a batch of worker events grows each variant's loss curve
// (steps) and epoch list, adds the measured rows in order and keeps the last log lines.
import { describe, expect, it } from 'vitest';
import { IDLE_COMPRESSION } from '../store/compressSlice.ts';
import type { CompressEvent, VariantReport } from '../../workers/api.ts';
import { foldCompressEvents } from './compression.ts';

const step = (variant: string, s: number, loss: number): CompressEvent => ({ type: 'step', runId: 'r', variant, step: s, epoch: 1, loss, metrics: {}, lr: 0.01, samplesPerSec: 1, etaSec: 1, totalSteps: 4 });
const row = (name: string) => ({ name, method: name, parameters: 1, nonZeros: 1, flops: 1, file: { format: 'float32', bytes: 4, gzipBytes: 4 }, loss: 1, delta: 0, latencyMs: 1 }) as VariantReport;

describe('foldCompressEvents', () => {
  it('builds curves per variant, rows in order and the log', () => {
    const a = foldCompressEvents(IDLE_COMPRESSION, [
      { type: 'log', runId: 'r', line: 'scoring' }, { type: 'variant', runId: 'r', report: row('baseline') },
      step('pruned', 1, 2), step('pruned', 2, 1.5),
    ]);
    const b = foldCompressEvents({ ...IDLE_COMPRESSION, ...a }, [
      { type: 'epoch', runId: 'r', variant: 'pruned', step: 2, epoch: 1, loss: 1.5, metrics: { valAccuracy: 0.5 }, lr: 0.01, samplesPerSec: 1, etaSec: 0, best: true },
      { type: 'variant', runId: 'r', report: row('pruned') },
    ]);
    expect(b.rows!.map((r) => r.name)).toEqual(['baseline', 'pruned']);
    expect(b.curves!.pruned).toEqual({ steps: [1, 2], loss: [2, 1.5], epochs: [{ step: 2, epoch: 1, valLoss: undefined, valAccuracy: 0.5 }], totalSteps: 4 });
    expect(b.active).toBe('pruned');
    expect(b.log).toEqual(['scoring']);
    expect(a.curves!.pruned!.epochs).toEqual([]); // the earlier state is not mutated
  });
});
