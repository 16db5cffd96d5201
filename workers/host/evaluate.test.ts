// The worker's Evaluate on a built-in dataset (no test split: the validation split is scored)
// returns the report and the inputs of exactly the worst samples it lists.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { runTraining } from '../../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { evaluateRun } from './evaluate.ts';

describe('worker evaluate', () => {
  it('scores the validation split of built-in data and returns the worst samples\' inputs', async () => {
    const dataset = { kind: 'builtin2d' as const, name: 'circles' as const, samples: 200, noise: 0.3, seed: 4 };
    const config = { ...DEFAULT_TRAIN_CONFIG, epochs: 3 };
    const io = { readUpload: () => Promise.reject(new Error('none')) };
    const out = await runTraining({ runId: 'r', graph: defaultGraph(), dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false, io });
    const r = await evaluateRun({ graph: defaultGraph(), weights: out.weights, dataset, config, worst: 5 }, io);
    expect(r.split).toBe('validation');
    expect(r.report.rows).toBe(Math.round(200 * config.validationSplit));
    expect(r.sampleShape).toEqual([2]);
    expect(r.worstInputs).toHaveLength(r.report.worst!.length);
    expect(r.report.worst!.length).toBeLessThanOrEqual(5);
    for (const w of r.worstInputs) expect(w).toHaveLength(2);
  });
});
