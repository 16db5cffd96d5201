// Every template validates, has the announced parameter count (LeNet-5: 61,706), is laid out
// left to right, and its loss falls in a short run on small generated data.
import { describe, expect, it } from 'vitest';
import { TEMPLATES, getTemplate } from './index.ts';
import { asOwnTargets, tokenSequences, trendSequences } from './data.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { parseGraph, serializeGraph } from '../graph/format.ts';
import { GraphModel } from '../train/graphModel.ts';
import { fit, type StepReport } from '../train/fit.ts';
import { manualSeed } from '../ops/creation.ts';
import { makeBuiltin } from '../data/builtin.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';

function dataFor(id: string): ArrayDataset {
  if (id === 'transformer') return tokenSequences(96, 1);
  if (id === 'lstm') return trendSequences(96, 1);
  if (id === 'mlp') {
    const d = makeBuiltin2D('circles', { samples: 200, noise: 0.1, seed: 1 });
    return { x: d.x, y: d.y, rows: d.y.length, features: 2 };
  }
  const g = makeBuiltin('digits', { samples: 96, noise: 0.1, seed: 1 });
  const d: ArrayDataset = { x: g.x, y: g.y, rows: g.rows, features: 784, sampleShape: [1, 28, 28] };
  return id === 'autoencoder' ? asOwnTargets(d) : d;
}

describe('templates', () => {
  it('LeNet-5 has exactly 61,706 parameters, with the classic shapes', () => {
    const a = analyzeGraph(getTemplate('lenet5')!.build());
    expect(a.totalParams).toBe(61706);
    expect(a.shapes.pool1).toEqual(['N', 6, 14, 14]);
    expect(a.shapes.pool2).toEqual(['N', 16, 5, 5]);
    expect(a.shapes.flatten).toEqual(['N', 400]);
  });

  for (const t of TEMPLATES) {
    it(`${t.id}: validates, round-trips, has ${t.params} parameters, and its loss falls`, async () => {
      const g = t.build();
      const a = analyzeGraph(g);
      expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(a.totalParams).toBe(t.params);
      expect(parseGraph(serializeGraph(g))).toEqual(g);
      const xs = a.order.map((id) => g.nodes.find((n) => n.id === id)!.position.x);
      expect(xs).toEqual([...xs].sort((p, q) => p - q));
      manualSeed(1);
      const model = new GraphModel(g);
      expect(model.parameters().reduce((s, p) => s + p.size, 0)).toBe(t.params);
      const steps: StepReport[] = [];
      const cfg: TrainConfig = { optimizer: 'adam', lr: t.id === 'transformer' ? 0.003 : 0.01, batchSize: 16, epochs: t.id === 'mlp' ? 10 : 3, seed: 1, validationSplit: 0 };
      const r = await fit(model, dataFor(t.id), null, cfg, { onStep: (s) => steps.push(s) });
      expect(r.reason).toBe('completed');
      const mean = (xs: StepReport[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
      const k = Math.max(2, Math.floor(steps.length / 4));
      expect(mean(steps.slice(-k)), t.id).toBeLessThan(mean(steps.slice(0, k)) * 0.9);
      model.dispose();
    });
  }
});
