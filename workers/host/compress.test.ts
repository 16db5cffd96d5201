// The worker's Compress on a small trained MLP: events arrive as the training stream's (tagged
// with the variant), each variant's row is reported as it lands, and Stop cancels the run.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { runTraining } from '../../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { compressRun } from './compress.ts';
import type { CompressEvent } from '../api.ts';

const dataset = { kind: 'builtin2d' as const, name: 'circles' as const, samples: 200, noise: 0.1, seed: 4 };
const config = { ...DEFAULT_TRAIN_CONFIG, epochs: 3 };
const io = { readUpload: () => Promise.reject(new Error('none')) };

describe('worker compress', () => {
  it('prunes with fine-tuning and quantizes, reporting steps, epochs and rows', async () => {
    const trained = await runTraining({ runId: 'r', graph: defaultGraph(), dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false, io });
    const events: CompressEvent[] = [];
    const out = await compressRun(
      { runId: 'c', graph: defaultGraph(), weights: trained.weights, dataset, config, latencyRuns: 2, prune: { sparsity: 0.5, mode: 'unstructured', schedule: 'polynomial', finetuneEpochs: 2 }, quantize: { kind: 'int8', calibration: 'minmax' } },
      io, (e) => events.push(e), () => false,
    );
    expect(out.variants.map((v) => v.report.name)).toEqual(['baseline', 'pruned', 'pruned+int8']);
    expect(events.filter((e) => e.type === 'variant').map((e) => (e.type === 'variant' ? e.report.name : ''))).toEqual(['baseline', 'pruned', 'pruned+int8']);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs.every((e) => e.type === 'epoch' && e.variant === 'pruned' && e.runId === 'c')).toBe(true);
    expect(events.some((e) => e.type === 'step')).toBe(true);
    const int8 = out.variants[2]!;
    expect(int8.report.file.format).toBe('int8');
    expect(int8.file.byteLength).toBeLessThan(out.variants[0]!.file.byteLength);
  });

  it('cancels when asked to stop', async () => {
    const trained = await runTraining({ runId: 'r', graph: defaultGraph(), dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false, io });
    let steps = 0;
    const run = compressRun(
      { runId: 'c', graph: defaultGraph(), weights: trained.weights, dataset, config, latencyRuns: 2, prune: { sparsity: 0.5, mode: 'unstructured', schedule: 'oneShot', finetuneEpochs: 50 } },
      io, (e) => { if (e.type === 'step') steps++; }, () => steps >= 3,
    );
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
  });
});
