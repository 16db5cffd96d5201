// Catalog completeness: every layer has a doc, a shape rule and a builder, its compiled
// parameters are exactly the ones the catalog announces, and it trains for one step inside a
// tiny graph (Input → [layer] → Flatten → Dense(2) → Loss).
import { describe, expect, it } from 'vitest';
import { LAYERS, getLayer } from '../../graph/catalog.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import type { Attrs, GraphJSON, GraphNode } from '../../graph/types.ts';
import { GraphModel } from '../graphModel.ts';
import { BUILDERS } from './index.ts';
import { manualSeed, tensor } from '../../ops/creation.ts';
import { scope, memory } from '../../core/memory.ts';
import { Adam } from '../../optim/adam.ts';

/** Input sample shape and attributes for each layer's tiny test graph. */
const CASES: Record<string, { input: number[]; attrs?: Attrs; ids?: number }> = {
  Dense: { input: [4] }, Add: { input: [4] }, Multiply: { input: [4] }, Concat: { input: [4] },
  Flatten: { input: [2, 3] }, Reshape: { input: [6], attrs: { shape: [2, -1] } }, Permute: { input: [2, 3], attrs: { dims: [2, 1] } },
  Upsample: { input: [1, 3, 3] },
  Conv1d: { input: [2, 8], attrs: { filters: 3, kernelSize: 3, padding: 1 } },
  Conv2d: { input: [2, 6, 6], attrs: { filters: 4, kernelSize: 3, stride: 2, groups: 2 } },
  DepthwiseConv2d: { input: [2, 6, 6], attrs: { depthMultiplier: 2 } },
  ConvTranspose2d: { input: [2, 3, 3], attrs: { filters: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 } },
  MaxPool1d: { input: [2, 8] }, AvgPool1d: { input: [2, 8], attrs: { kernelSize: 3, stride: 2, padding: 1 } },
  MaxPool2d: { input: [2, 6, 6], attrs: { kernelSize: 3, stride: 2, padding: 1 } }, AvgPool2d: { input: [2, 6, 6] },
  GlobalAvgPool: { input: [2, 6, 6] }, AdaptiveAvgPool: { input: [2, 6, 6], attrs: { outputSize: [2, 3] } },
  BatchNorm1d: { input: [4] }, BatchNorm2d: { input: [2, 4, 4] }, LayerNorm: { input: [3, 4] }, GroupNorm: { input: [4, 3], attrs: { groups: 2 } },
  Embedding: { input: [5], attrs: { numEmbeddings: 10, embeddingDim: 4 }, ids: 10 },
  PositionalEncoding: { input: [5, 4], attrs: { kind: 'learned', maxLen: 8 } },
  MultiHeadAttention: { input: [5, 4], attrs: { numHeads: 2, causal: true } },
  TransformerEncoderBlock: { input: [5, 4], attrs: { numHeads: 2, dimFeedforward: 8, dropout: 0.1 } },
  LSTM: { input: [5, 3], attrs: { hiddenSize: 4, returnSequences: true } }, GRU: { input: [5, 3], attrs: { hiddenSize: 4 } },
  CustomCode: { input: [4] },
};
const DEFAULT_CASE = { input: [4] };

function tinyGraph(type: string): GraphJSON {
  const c = CASES[type] ?? DEFAULT_CASE;
  const spec = getLayer(type)!;
  const nodes: GraphNode[] = [
    { id: 'in', type: 'Input', attrs: { shape: c.input }, position: { x: 0, y: 0 } },
    { id: 'layer', type, attrs: c.attrs ?? {}, position: { x: 200, y: 0 } },
    { id: 'flat', type: 'Flatten', attrs: {}, position: { x: 400, y: 0 } },
    { id: 'head', type: 'Dense', attrs: { units: 2 }, position: { x: 600, y: 0 } },
    { id: 'loss', type: 'Loss', attrs: { loss: 'crossEntropy' }, position: { x: 800, y: 0 } },
  ];
  const edge = (s: string, t: string, port = 'in') => ({ id: `${s}-${t}-${port}`, source: s, sourcePort: 'out', target: t, targetPort: port });
  const edges = [
    ...spec.inputs.map((p) => edge('in', 'layer', p.name)),
    edge('layer', 'flat'), edge('flat', 'head'), edge('head', 'loss'),
  ];
  return { format: 'flowgrad.graph', version: 1, nodes, edges };
}

const TRAINABLE = LAYERS.filter((l) => l.type !== 'Input' && l.type !== 'Loss');

describe('catalog completeness', () => {
  it('every layer has a doc, a label, typed attributes, a shape rule and a builder', () => {
    expect(LAYERS.length).toBeGreaterThanOrEqual(40);
    for (const l of LAYERS) {
      expect(l.doc.length, l.type).toBeGreaterThan(20);
      expect(typeof l.inferShape, l.type).toBe('function');
      for (const a of [...l.attrs, ...(l.richAttrs ?? [])]) expect(a.doc.length, `${l.type}.${a.name}`).toBeGreaterThan(10);
      if (l.type !== 'Input' && l.type !== 'Loss') expect(BUILDERS[l.type], l.type).toBeTypeOf('function');
    }
  });

  for (const l of TRAINABLE) {
    it(`${l.type}: compiles with the announced parameters and trains one step`, () => {
      manualSeed(3);
      const before = memory().liveTensors;
      const g = tinyGraph(l.type);
      const a = analyzeGraph(g);
      expect(a.issues.filter((i) => i.severity === 'error'), l.type).toEqual([]);
      const model = new GraphModel(g, a);
      try {
        const declared = l.params({ inputs: (l.inputs.map(() => a.shapes.in!)), attrs: { ...Object.fromEntries([...l.attrs, ...(l.richAttrs ?? [])].map((s) => [s.name, s.default])), ...(CASES[l.type]?.attrs ?? {}) } });
        const got = model.namedParameters().filter(([n]) => n.startsWith('layer.')).map(([n, p]) => `${n.slice(6)}:${p.shape.join('x')}`).sort();
        if (l.type !== 'CustomCode') expect(got).toEqual(declared.map((p) => `${p.name}:${p.shape.join('x')}`).sort());
        else expect(got).toEqual(['scale:1']);
        const n = 6, c = CASES[l.type] ?? DEFAULT_CASE;
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
