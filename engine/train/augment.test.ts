import { describe, expect, it } from 'vitest';
import { fit } from './fit.ts';
import { GraphModel } from './graphModel.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';
import type { TrainConfig } from './config.ts';

describe('augmentation in the training loop', () => {
  it('transforms every training batch before its step, and never validation data', async () => {
    const d = makeBuiltin2D('circles', { samples: 100, noise: 0.1, seed: 1 });
    const train = { x: d.x.slice(0, 160), y: d.y.slice(0, 80), rows: 80, features: 2 };
    const val = { x: d.x.slice(160), y: d.y.slice(80), rows: 20, features: 2 };
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const cfg: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 2, seed: 1, validationSplit: 0 };
    const seenRows: number[] = [];
    // A visible transform: all-zero features make the loss stay near ln 2 whatever the weights.
    const r = await fit(model, train, val, cfg, { augment: (x, rows) => { seenRows.push(rows); x.fill(0); } });
    expect(seenRows.reduce((a, b) => a + b, 0)).toBe(2 * 80);
    expect(seenRows.length).toBe(2 * 5);
    expect(r.last!.loss).toBeGreaterThan(0.6);
    model.dispose();
  });
});
