// Every template validates, has the announced parameter count (LeNet-5: 61,706), is laid out
// left to right, fits the built-in dataset it opens on, and its loss falls in a short run on a
// small sample of that data; the sequence, text and autoencoder templates reach the metric
// their description states with the settings they open with.
import { describe, expect, it } from 'vitest';
import { TEMPLATES, getTemplate } from './index.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { parseGraph, serializeGraph } from '../graph/format.ts';
import { GraphModel } from '../train/graphModel.ts';
import { fit, type StepReport } from '../train/fit.ts';
import { manualSeed } from '../ops/creation.ts';
import { makeBuiltin } from '../data/builtin.ts';
import type { ArrayDataset } from '../data/split.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../project/config.ts';
import { builtinSignature } from '../data/builtin.ts';
import { withDataFit } from '../graph/dataFit.ts';
import { loadData } from '../train/session.ts';
import type { Template } from './index.ts';

/** A small sample of the template's own dataset. */
function dataFor(t: Template): ArrayDataset {
  if (t.dataset.kind === 'upload') throw new Error(`${t.id}: a template opens on built-in data`);
  const g = makeBuiltin(t.dataset.name, { samples: t.id === 'mlp' ? 200 : 96, noise: t.dataset.noise, seed: 1 });
  return { x: g.x, y: g.y, rows: g.rows, features: g.sampleShape.reduce((a, b) => a * b, 1), sampleShape: g.sampleShape };
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
      expect(withDataFit(g, a, builtinSignature(t.dataset.name)!).issues.filter((i) => i.severity === 'error')).toEqual([]);
      const xs = a.order.map((id) => g.nodes.find((n) => n.id === id)!.position.x);
      expect(xs).toEqual([...xs].sort((p, q) => p - q));
      manualSeed(1);
      const model = new GraphModel(g);
      expect(model.parameters().reduce((s, p) => s + p.size, 0)).toBe(t.params);
      const steps: StepReport[] = [];
      const cfg: TrainConfig = { optimizer: 'adam', lr: t.id === 'transformer' ? 0.003 : 0.01, batchSize: 16, epochs: t.id === 'mlp' ? 10 : 3, seed: 1, validationSplit: 0 };
      const r = await fit(model, dataFor(t), null, cfg, { onStep: (s) => steps.push(s) });
      expect(r.reason).toBe('completed');
      const mean = (xs: StepReport[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
      const k = Math.max(2, Math.floor(steps.length / 4));
      expect(mean(steps.slice(-k)), t.id).toBeLessThan(mean(steps.slice(0, k)) * 0.9);
      model.dispose();
    });
  }

  // What the descriptions promise, with the settings and data each template opens with.
  const promised: [string, (m: Record<string, number | undefined>) => void][] = [
    ['transformer', (m) => expect(m.valAccuracy).toBeGreaterThanOrEqual(0.9)],
    ['lstm', (m) => expect(m.valAccuracy).toBeGreaterThanOrEqual(0.95)],
    ['autoencoder', (m) => expect(m.valLoss).toBeLessThan(0.04)],
  ];
  for (const [id, check] of promised) {
    it(`${id}: reaches the metric its description states`, async () => {
      const t = getTemplate(id)!;
      const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...t.training };
      const d = await loadData(t.dataset, cfg);
      manualSeed(cfg.seed);
      const model = new GraphModel(t.build());
      let last: Record<string, number | undefined> = {};
      await fit(model, d.train, d.val, cfg, { onEpoch: (e) => void (last = { valLoss: e.valLoss, valAccuracy: e.valAccuracy }) });
      check(last);
      model.dispose();
    }, 120_000);
  }
});
