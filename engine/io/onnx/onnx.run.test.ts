// The ONNX export runs in onnxruntime-node and predicts what Flowgrad's own forward (eval
// mode) predicts, within 1e-4, at batch sizes 1 and 7: every layer kind (in the tiny graph
// Input → layer → Flatten → Dense → Loss) and every template. BatchNorm's running statistics
// are set to values far from their defaults, so a buffer that is not exported shows.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze.ts';
import type { Attrs, GraphJSON } from '../../graph/types.ts';
import { isFlowgradError } from '../../core/errors.ts';
import { manualSeed } from '../../ops/creation.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { TEMPLATES } from '../../templates/index.ts';
import { LAYER_CASES, MODEL_LAYER_TYPES, tinyGraph } from '../../test/graph/layerCases.ts';
import { forward, hostWeights, maxAbsDiff, runOnnx, sampleInputs } from '../../test/onnxRun.ts';
import { exportOnnx } from './export.ts';

const TOLERANCE = 1e-4;
const measured: string[] = [];

/** Running statistics away from 0 and 1, so exporting the defaults instead would show. */
function moveBuffers(model: GraphModel): void {
  for (const [name, b] of model.namedBuffers()) {
    const n = b.shape.reduce((a, c) => a * c, 1);
    b.assign(Float32Array.from({ length: n }, (_, i) => (name.endsWith('ar') || name.endsWith('var') ? 0.5 + ((i * 0.37) % 1.5) : Math.sin(i + 1))));
  }
}

async function check(label: string, graph: GraphJSON, ids?: number): Promise<number> {
  manualSeed(11);
  const model = new GraphModel(graph, analyzeGraph(graph));
  try {
    moveBuffers(model);
    model.eval();
    const bytes = exportOnnx(graph, hostWeights(model), { name: label });
    let worst = 0;
    for (const n of [1, 7]) {
      const shape = [n, ...model.inputShape];
      const x = sampleInputs(n, model.inputShape, ids, n);
      const want = forward(model, x, shape);
      const got = await runOnnx(bytes, x, shape);
      expect(got.dims, `${label}: output shape at batch ${n}`).toEqual(want.dims);
      const d = maxAbsDiff(got.data, want.data);
      expect(d, `${label}: max abs diff at batch ${n}`).toBeLessThanOrEqual(TOLERANCE);
      worst = Math.max(worst, d);
    }
    measured.push(`${label.padEnd(32)} ${worst.toExponential(2)}`);
    return worst;
  } finally {
    model.dispose();
  }
}

afterAll(() => {
  console.log(`ONNX export vs Flowgrad forward, max abs diff over batch 1 and 7:\n${measured.join('\n')}`);
});

describe('ONNX export of every layer kind runs in onnxruntime and matches the engine', () => {
  for (const type of MODEL_LAYER_TYPES) {
    if (type === 'CustomCode') continue;
    it(type, async () => {
      await check(`layer ${type}`, tinyGraph(type), LAYER_CASES[type].ids);
    });
  }

  it('variants: bias off, no affine, pre-norm GELU block, causal attention, sequences out, Conv1d dilation', async () => {
    const variants: [string, Parameters<typeof tinyGraph>[0], Attrs][] = [
      ['Dense without bias', 'Dense', { bias: false }],
      ['Conv2d without bias', 'Conv2d', { filters: 4, kernelSize: 3, stride: 1, padding: 1, groups: 1, bias: false }],
      ['Conv1d dilated', 'Conv1d', { filters: 2, kernelSize: 3, dilation: 2, padding: 2 }],
      ['LayerNorm without affine', 'LayerNorm', { affine: false }],
      ['GroupNorm without affine', 'GroupNorm', { groups: 2, affine: false }],
      ['BatchNorm1d without affine', 'BatchNorm1d', { affine: false }],
      ['Transformer pre-norm GELU', 'TransformerEncoderBlock', { numHeads: 2, dimFeedforward: 8, activation: 'gelu', normFirst: true }],
      ['Attention not causal', 'MultiHeadAttention', { numHeads: 1, causal: false }],
      ['LSTM last state, no bias', 'LSTM', { hiddenSize: 4, returnSequences: false, bias: false }],
      ['GRU sequences', 'GRU', { hiddenSize: 3, returnSequences: true }],
      ['PositionalEncoding sinusoidal', 'PositionalEncoding', { kind: 'sinusoidal', maxLen: 8 }],
      ['Softmax over dim 1', 'Softmax', { dim: 1 }],
    ];
    for (const [label, type, attrs] of variants) {
      const g = tinyGraph(type);
      g.nodes.find((n) => n.id === 'layer')!.attrs = { ...LAYER_CASES[type].attrs, ...attrs };
      await check(label, g, LAYER_CASES[type].ids);
    }
  });
});

describe('ONNX export of every template', () => {
  for (const t of TEMPLATES) {
    it(t.id, async () => {
      const g = t.build();
      const ids = g.nodes.find((n) => n.type === 'Embedding')?.attrs.numEmbeddings as number | undefined;
      await check(`template ${t.id}`, g, ids);
    });
  }
});

describe('ONNX export refuses what it cannot express', () => {
  it('names the Custom Code node', () => {
    const g = tinyGraph('CustomCode');
    manualSeed(1);
    const model = new GraphModel(g);
    try {
      let err: unknown;
      try {
        exportOnnx(g, hostWeights(model));
      } catch (e) {
        err = e;
      }
      expect(isFlowgradError(err)).toBe(true);
      expect(err).toMatchObject({ code: 'unsupported', nodeId: 'layer' });
      expect((err as Error).message).toMatch(/^Custom Code 'layer' cannot be exported to ONNX: its forward pass is JavaScript/);
    } finally {
      model.dispose();
    }
  });

  it('names the node whose weights are missing or do not fit', () => {
    const g = tinyGraph('Dense');
    manualSeed(1);
    const model = new GraphModel(g);
    try {
      const w = new Map(hostWeights(model));
      w.delete('layer.bias');
      expect(() => exportOnnx(g, w)).toThrow(/Dense 'layer': the weights have no 'layer.bias'/);
      w.set('layer.bias', { shape: [3], data: new Float32Array(3) });
      expect(() => exportOnnx(g, w)).toThrow(/weight 'layer.bias' is \[3\] but the graph needs \[16\]/);
    } finally {
      model.dispose();
    }
  });
});
