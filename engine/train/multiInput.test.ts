// Models with several Inputs and several Output / Loss nodes: each Input reads its slice of a
// sample (offset), the weighted losses are summed, and training lowers them; the gradients
// through the slices and the weights match finite differences; the data-fit check and the
// session (predict, train from a DatasetSpec) take such graphs too.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../templates/build.ts';
import { GraphModel } from './graphModel.ts';
import { fit, type StepReport } from './fit.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { dataFitIssues } from '../graph/dataFit.ts';
import { Rng } from '../core/rng.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { GraphJSON } from '../graph/types.ts';
import { exportWeights, predictRows } from './session.ts';

/** Two groups of two features; the class needs both: same sign of feature 0 and feature 2. */
function twoGroups(rows: number, seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * 4);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 4; j++) x[r * 4 + j] = rng.uniform(-1, 1);
    y[r] = (x[r * 4]! > 0) === (x[r * 4 + 2]! > 0) ? 1 : 0;
  }
  return { x, y, rows, features: 4 };
}

/** a = features 0–1, b = features 2–3 → Dense each → Concat → Dense(16) → Dense(2) → loss; an auxiliary head on a with weight `aux`. */
function twoInputGraph(aux = 0.3): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['a', 'Input', { shape: [2], offset: 0 }], ['da', 'Dense', { units: 8 }], ['ra', 'Tanh']);
  g.chain(null, ['b', 'Input', { shape: [2], offset: 2 }, 1], ['db', 'Dense', { units: 8 }, 1], ['rb', 'Tanh', {}, 1]);
  g.add('cat', 'Concat');
  g.connect('ra', 'cat', 'a').connect('rb', 'cat', 'b');
  g.chain('cat', ['h', 'Dense', { units: 16 }], ['rh', 'Tanh'], ['out', 'Dense', { units: 2 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  g.chain('ra', ['auxOut', 'Dense', { units: 2 }, 2], ['auxLoss', 'Loss', { loss: 'crossEntropy', weight: aux }, 2]);
  return g.build();
}

describe('several Inputs and Output / Loss nodes', () => {
  it('validates and fits data whose samples hold every slice; an Input reading past the end is flagged', () => {
    const g = twoInputGraph();
    const a = analyzeGraph(g);
    expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(dataFitIssues(g, a, { sampleShape: [4], classes: 2 })).toEqual([]);
    const short = dataFitIssues(g, a, { sampleShape: [3], classes: 2 });
    expect(short.map((i) => [i.nodeId, i.attr])).toEqual([['b', 'offset']]);
    expect(short[0]!.message).toMatch(/reads values 2 to 3 of each sample, but the dataset's samples hold 3 values/);
  });

  it('feeds each Input its slice and sums the weighted losses', () => {
    manualSeed(3);
    const model = new GraphModel(twoInputGraph(0.3));
    expect(model.inputShape).toEqual([4]);
    expect(model.heads.map((h) => [h.nodeId, h.weight])).toEqual([['loss', 1], ['auxLoss', 0.3]]);
    const d = twoGroups(8, 1);
    const x = tensor(d.x, { shape: [8, 4] });
    const y = tensor(d.y as Int32Array, { shape: [8], dtype: 'int32' });
    const total = model.lossAndPrediction(x, y).loss.item();
    // The same weights with the auxiliary weight at 0 and at 1 give the parts: L(0.3) = L(0) + 0.3 · (L(1) − L(0)).
    const withAux = (w: number) => {
      const m = new GraphModel(twoInputGraph(w));
      m.loadStateDict(model.stateDict());
      return m.lossAndPrediction(x, y).loss.item();
    };
    const main = withAux(0), both = withAux(1);
    expect(both).toBeGreaterThan(main);
    expect(total).toBeCloseTo(main + 0.3 * (both - main), 5);
  });

  it('a single Input with an offset reads its slice of wider samples', () => {
    manualSeed(1);
    const g = new GraphBuilder();
    g.chain(null, ['x', 'Input', { shape: [2], offset: 1 }], ['d', 'Dense', { units: 2 }], ['loss', 'Loss']);
    const graph = g.build();
    expect(dataFitIssues(graph, analyzeGraph(graph), { sampleShape: [4], classes: 2 })).toEqual([]);
    const model = new GraphModel(graph);
    const w = model.namedParameters().find(([k]) => k === 'd.weight')![1];
    w.assign(tensor([1, 0, 0, 1], { shape: [2, 2] }));
    model.namedParameters().find(([k]) => k === 'd.bias')![1].assign(tensor([0, 0], { shape: [2] }));
    const out = model.forward(tensor([10, 20, 30, 40], { shape: [1, 4] })).dataSync();
    expect(Array.from(out)).toEqual([20, 30]);
  });

  it('backward through the slices and the weighted sum matches finite differences', () => {
    manualSeed(5);
    const model = new GraphModel(twoInputGraph(0.7));
    const d = twoGroups(6, 2);
    const x = tensor(d.x, { shape: [6, 4] });
    const y = tensor(d.y as Int32Array, { shape: [6], dtype: 'int32' });
    model.lossAndPrediction(x, y).loss.backward();
    const eps = 1e-2;
    for (const name of ['db.weight', 'da.weight', 'auxOut.weight']) {
      const p = model.namedParameters().find(([n]) => n === name)![1];
      const g = p.grad!.dataSync();
      const w = p.dataSync() as Float32Array;
      for (const k of [0, 3]) {
        const at = (v: number) => {
          const copy = Float32Array.from(w);
          copy[k] = v;
          p.assign(tensor(copy, { shape: [...p.shape] }));
          return model.lossAndPrediction(x, y).loss.item();
        };
        const w0 = w[k]!;
        const numeric = (at(w0 + eps) - at(w0 - eps)) / (2 * eps);
        at(w0);
        expect(Math.abs(numeric - g[k]!), `${name}[${k}]`).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
      }
    }
  });

  it('trains: the loss falls and the model learns what needs both inputs', async () => {
    manualSeed(1);
    const model = new GraphModel(twoInputGraph(0.3));
    const train = twoGroups(400, 3), val = twoGroups(200, 4);
    const steps: StepReport[] = [];
    let valAccuracy = 0;
    await fit(model, train, val, { optimizer: 'adam', lr: 0.02, batchSize: 32, epochs: 25, seed: 1, validationSplit: 0 }, { onStep: (s) => steps.push(s), onEpoch: (e) => void (valAccuracy = e.valAccuracy ?? 0) });
    const mean = (xs: StepReport[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
    expect(mean(steps.slice(-20))).toBeLessThan(mean(steps.slice(0, 20)) * 0.6);
    expect(valAccuracy).toBeGreaterThan(0.85);
    // predictRows takes flat samples and returns the first head's scores.
    const out = await predictRows(model.graph, exportWeights(model), val.x.subarray(0, 8), 2);
    expect(out.length).toBe(4);
    model.dispose();
  });
});
