// Catalog completeness: every layer has a doc, a shape rule and a builder, its compiled
// parameters are exactly the ones the catalog announces, and it trains for one step inside a
// tiny graph (Input → [layer] → Flatten → Dense(2) → Loss).
import { describe, expect, it } from 'vitest';
import { LAYERS, getLayer } from '../../graph/catalog.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { LAYER_CASES, MODEL_LAYER_TYPES, tinyGraph } from '../../test/graph/layerCases.ts';
import { GraphModel } from '../graphModel.ts';
import { builderFor } from './index.ts';
import { manualSeed, tensor } from '../../ops/creation.ts';
import { scope, memory } from '../../core/memory.ts';
import { Adam } from '../../optim/adam.ts';

describe('catalog completeness', () => {
  it('every layer has a doc, a label, typed attributes, a shape rule and a builder', () => {
    expect(LAYERS.length).toBeGreaterThanOrEqual(40);
    for (const l of LAYERS) {
      expect(l.doc.length, l.type).toBeGreaterThan(20);
      expect(typeof l.inferShape, l.type).toBe('function');
      for (const a of [...l.attrs, ...(l.richAttrs ?? [])]) expect(a.doc.length, `${l.type}.${a.name}`).toBeGreaterThan(10);
      if (l.type !== 'Input' && l.type !== 'Loss') expect(builderFor(l.type), l.type).toBeTypeOf('function');
    }
  });

  for (const type of MODEL_LAYER_TYPES) {
    const l = getLayer(type)!;
    it(`${l.type}: compiles with the announced parameters and trains one step`, () => {
      manualSeed(3);
      const before = memory().liveTensors;
      const c = LAYER_CASES[type];
      const g = tinyGraph(type);
      const a = analyzeGraph(g);
      expect(a.issues.filter((i) => i.severity === 'error'), l.type).toEqual([]);
      const model = new GraphModel(g, a);
      try {
        const declared = l.params({ inputs: (l.inputs.map(() => a.shapes.in!)), attrs: { ...Object.fromEntries([...l.attrs, ...(l.richAttrs ?? [])].map((s) => [s.name, s.default])), ...(c.attrs ?? {}) } });
        const got = model.namedParameters().filter(([n]) => n.startsWith('layer.')).map(([n, p]) => `${n.slice(6)}:${p.shape.join('x')}`).sort();
        if (l.type !== 'CustomCode') expect(got).toEqual(declared.map((p) => `${p.name}:${p.shape.join('x')}`).sort());
        else expect(got).toEqual(['scale:1']);
        const n = 6;
        const size = c.input.reduce((x, y) => x * y, 1);
        const xs = Float32Array.from({ length: n * size }, (_, i) => (c.ids ? i % c.ids : Math.sin(i * 1.7)));
        const opt = new Adam(model.parameters(), { lr: 0.01 });
        const weights0 = model.parameters().map((p) => Array.from(p.dataSync()));
        model.train();
        const loss = scope(() => {
          const x = tensor(xs, { shape: [n, ...c.input] });
          const y = tensor(Int32Array.from({ length: n }, (_, i) => i % 2), { shape: [n], dtype: 'int32' });
          opt.zeroGrad();
          const out = model.lossAndPrediction(x, y);
          out.loss.backward();
          opt.step();
          return out.loss.item();
        });
        expect(Number.isFinite(loss), l.type).toBe(true);
        const changed = model.parameters().map((p, i) => Array.from(p.dataSync()).some((v, j) => v !== weights0[i]![j]));
        expect(changed.every(Boolean), `${l.type}: every parameter got a gradient`).toBe(true);
        opt.dispose();
      } finally {
        model.dispose();
      }
      expect(memory().liveTensors, `${l.type}: no leaked tensors`).toBe(before);
    });
  }
});
