// A model with two Inputs and two Output / Loss nodes exports to ONNX with one graph input
// per Input (`input_<id>`, its own shape) and one output per head (`output`, `output_<id>`),
// metadata saying which slice of a sample each input reads, and onnxruntime predicts what
// Flowgrad's forward predicts for both heads. The .flowgrad.zip keeps such a graph and its
// weights as they are.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../templates/build.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { manualSeed, tensor } from '../../ops/creation.ts';
import { noGrad } from '../../autograd/mode.ts';
import { hostWeights, maxAbsDiff } from '../../test/onnxRun.ts';
import { exportOnnx, META } from './export.ts';
import { onnxInfo } from './read.ts';
import { newProject, readProjectZip, writeProjectZip } from '../../project/projectFile.ts';
import { exportWeights, modelWithWeights } from '../../train/session.ts';

function twoHeads() {
  const g = new GraphBuilder();
  g.chain(null, ['a', 'Input', { shape: [3], offset: 0 }], ['da', 'Dense', { units: 4 }], ['ra', 'ReLU']);
  g.chain(null, ['b', 'Input', { shape: [2, 2], offset: 3 }, 1], ['fb', 'Flatten', {}, 1], ['db', 'Dense', { units: 4 }, 1]);
  g.add('cat', 'Concat');
  g.connect('ra', 'cat', 'a').connect('db', 'cat', 'b');
  g.chain('cat', ['out', 'Dense', { units: 3 }], ['sm', 'Softmax'], ['loss', 'Loss']);
  g.chain('db', ['reg', 'Dense', { units: 1 }, 2], ['loss2', 'Loss', { loss: 'mse', weight: 0.5 }, 2]);
  return g.build();
}

describe('multi-input, multi-output export', () => {
  it('ONNX: an input per Input, an output per head, the same predictions', async () => {
    manualSeed(2);
    const graph = twoHeads();
    const model = new GraphModel(graph);
    model.eval();
    const bytes = exportOnnx(graph, hostWeights(model), { name: 'two' });
    const info = onnxInfo(bytes);
    expect(info.inputs.map((i) => i.name)).toEqual(['input_a', 'input_b']);
    expect(info.outputs.map((o) => o.name)).toEqual(['output', 'output_loss2']);
    expect(JSON.parse(info.metadata[META.inputs]!)).toEqual([
      { name: 'input_a', node: 'a', offset: 0, shape: [3] },
      { name: 'input_b', node: 'b', offset: 3, shape: [2, 2] },
    ]);
    const n = 5;
    const flat = Float32Array.from({ length: n * 7 }, (_, i) => Math.sin(i * 0.7));
    const want = noGrad(() => {
      const x = tensor(flat, { shape: [n, 7] });
      const r = model.forward(x);
      return Float32Array.from(r.dataSync());
    });
    const a = new Float32Array(n * 3), b = new Float32Array(n * 4);
    for (let r = 0; r < n; r++) {
      a.set(flat.subarray(r * 7, r * 7 + 3), r * 3);
      b.set(flat.subarray(r * 7 + 3, r * 7 + 7), r * 4);
    }
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input_a: new ort.Tensor('float32', a, [n, 3]), input_b: new ort.Tensor('float32', b, [n, 2, 2]) });
    await session.release();
    expect(out.output!.dims).toEqual([n, 3]);
    expect(out.output_loss2!.dims).toEqual([n, 1]);
    expect(maxAbsDiff(out.output!.data as Float32Array, want)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('.flowgrad.zip: the graph and weights round-trip and predict the same', () => {
    manualSeed(4);
    const graph = twoHeads();
    const model = new GraphModel(graph);
    const weights = exportWeights(model);
    const project = { ...newProject('two'), graph };
    const back = readProjectZip(writeProjectZip({ project, weights, optimizer: null, dataset: null }));
    expect(back.project.graph).toEqual(graph);
    const again = modelWithWeights(back.project.graph, back.weights!);
    const x = tensor(Float32Array.from({ length: 14 }, (_, i) => i / 7 - 1), { shape: [2, 7] });
    expect(maxAbsDiff(noGrad(() => again.forward(x).dataSync()), noGrad(() => model.forward(x).dataSync()))).toBe(0);
    model.dispose();
    again.dispose();
  });
});
