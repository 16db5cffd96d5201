// ONNX in: every template whose operators the catalog covers comes back as an equivalent
// Flowgrad graph (export → import → the engine predicts what the original did), and the
// round trip export → import → export predicts the same in onnxruntime; a file with an
// operator Flowgrad has no layer for is refused naming the ONNX node and operator.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze.ts';
import { manualSeed } from '../../ops/creation.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { modelWithWeights } from '../../train/session.ts';
import { getTemplate } from '../../templates/index.ts';
import { tinyGraph } from '../../test/graph/layerCases.ts';
import { forward, hostWeights, maxAbsDiff, runOnnx, sampleInputs } from '../../test/onnxRun.ts';
import { exportOnnx, weightsFromSafetensors } from './export.ts';
import { importOnnx } from './import.ts';

function exported(graph: ReturnType<typeof tinyGraph>): { bytes: Uint8Array; model: GraphModel } {
  manualSeed(5);
  const model = new GraphModel(graph, analyzeGraph(graph));
  for (const [name, b] of model.namedBuffers()) b.assign(Float32Array.from({ length: b.shape[0]! }, (_, i) => (/var/i.test(name) ? 0.7 + 0.1 * i : 0.05 * i)));
  model.eval();
  return { bytes: exportOnnx(graph, hostWeights(model)), model };
}

describe('ONNX import', () => {
  for (const id of ['mlp', 'lenet5', 'resnet', 'autoencoder']) {
    it(`template ${id}: export → import predicts the same in the engine; export again predicts the same in onnxruntime`, async () => {
      const { bytes, model } = exported(getTemplate(id)!.build());
      const back = importOnnx(bytes, `${id}.onnx`);
      const a = analyzeGraph(back.graph);
      expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
      const imported = modelWithWeights(back.graph, back.weights);
      try {
        expect(imported.namedParameters().length).toBe(model.namedParameters().length);
        const again = exportOnnx(back.graph, weightsFromSafetensors(back.weights));
        for (const n of [1, 7]) {
          const shape = [n, ...model.inputShape];
          const x = sampleInputs(n, model.inputShape, undefined, n);
          const want = forward(model, x, shape);
          expect(maxAbsDiff(forward(imported, x, shape).data, want.data), `${id}: imported model in the engine`).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff((await runOnnx(again, x, shape)).data, want.data), `${id}: re-exported in onnxruntime`).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        imported.dispose();
        model.dispose();
      }
    });
  }

  it('a Dense on a 3-D input (MatMul + Add) becomes a Dense with its bias', () => {
    const g = tinyGraph('Dense');
    g.nodes[0]!.attrs.shape = [3, 4];
    const { bytes, model } = exported(g);
    const back = importOnnx(bytes);
    expect(back.graph.nodes.filter((n) => n.type === 'Dense').map((n) => n.attrs.bias)).toEqual([true, true]);
    const imported = modelWithWeights(back.graph, back.weights);
    const x = sampleInputs(2, [3, 4]);
    expect(maxAbsDiff(forward(imported, x, [2, 3, 4]).data, forward(model, x, [2, 3, 4]).data)).toBeLessThanOrEqual(1e-6);
    imported.dispose();
    model.dispose();
  });

  // Sequence layers: the exporter reorders LSTM/GRU gate blocks with Split/Concat/Unsqueeze of
  // the weights (folded back to constants on import) and wraps the layer in Transpose/Squeeze.
  const sequenceCases: [string, () => ReturnType<typeof tinyGraph>][] = [
    ['LSTM template (last state)', () => getTemplate('lstm')!.build()],
    ['LSTM returning sequences', () => tinyGraph('LSTM')],
    ['GRU', () => tinyGraph('GRU')],
    ['GRU without biases, returning sequences', () => withAttrs(tinyGraph('GRU'), { bias: false, returnSequences: true })],
    ['Embedding', () => tinyGraph('Embedding')],
    ['learned positions', () => tinyGraph('PositionalEncoding')],
  ];
  for (const [label, build] of sequenceCases) {
    it(`${label}: export → import gives the same layer types and predictions, in the engine and in onnxruntime`, async () => {
      const graph = build();
      const { bytes, model } = exported(graph);
      const back = importOnnx(bytes, 'seq.onnx');
      expect(analyzeGraph(back.graph).issues.filter((i) => i.severity === 'error')).toEqual([]);
      const kinds = (g: typeof graph) => g.nodes.map((n) => n.type).filter((t) => ['LSTM', 'GRU', 'Embedding', 'PositionalEncoding'].includes(t));
      expect(kinds(back.graph)).toEqual(kinds(graph));
      const imported = modelWithWeights(back.graph, back.weights);
      try {
        const ids = graph.nodes.some((n) => n.type === 'Embedding') ? 10 : undefined;
        const again = exportOnnx(back.graph, weightsFromSafetensors(back.weights));
        for (const n of [1, 4]) {
          const shape = [n, ...model.inputShape];
          const x = sampleInputs(n, model.inputShape, ids, n);
          const want = forward(model, x, shape);
          expect(maxAbsDiff(forward(imported, x, shape).data, want.data), `${label}: imported model in the engine`).toBeLessThanOrEqual(1e-6);
          expect(maxAbsDiff((await runOnnx(again, x, shape)).data, want.data), `${label}: re-exported in onnxruntime`).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        imported.dispose();
        model.dispose();
      }
    });
  }

  it('names the ONNX node and operator it cannot import, and refuses what is not ONNX', () => {
    const { bytes, model } = exported(getTemplate('transformer')!.build());
    model.dispose();
    expect(() => importOnnx(bytes, 'transformer.onnx')).toThrow(/ONNX node '.*' \((Split|MatMul|Erf|Where)\): /);
    expect(() => importOnnx(new Uint8Array([1, 2, 3, 4, 5]), 'junk.onnx')).toThrow(/junk\.onnx is not an ONNX model/);
  });
});

function withAttrs(g: ReturnType<typeof tinyGraph>, attrs: Record<string, unknown>): ReturnType<typeof tinyGraph> {
  const n = g.nodes.find((x) => x.type === 'GRU' || x.type === 'LSTM')!;
  Object.assign(n.attrs, attrs);
  return g;
}
