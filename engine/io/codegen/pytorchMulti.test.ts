// The PyTorch export of a model with two Inputs and two Output / Loss nodes, checked with real
// PyTorch (pytorchCheck.py): forward() takes one argument per Input (named after the node),
// split_inputs() cuts them from data.npz's rows at each Input's offset, every head's
// prediction equals Flowgrad's forward for that head, the loss train.py trains on is the
// weighted sum Flowgrad trains on, and train.py runs and lowers it. A token tagger ([N, 12, 3]
// scores, one label per word) exports the same way: train.py's per-token cross-entropy is
// Flowgrad's and it learns. Skips (with the setup command) only where no Python with torch is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pythonWith } from '../../test/python.ts';
import { GraphBuilder } from '../../templates/build.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { exportWeights, modelWithWeights, predictRows } from '../../train/session.ts';
import { Rng } from '../../core/rng.ts';
import { manualSeed, tensor } from '../../ops/creation.ts';
import { noGrad } from '../../autograd/mode.ts';
import { splitDataset, type ArrayDataset } from '../../data/split.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../project/config.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { encodeNpy } from './npz.ts';
import { modelFile, pytorchProjectFiles } from './pytorchProject.ts';
import { toTypeScript } from './typescript.ts';
import { loadData } from '../../train/session.ts';
import { TAGGING_LENGTH, TAGGING_VOCAB } from '../../data/tagging.ts';

/** The token tagger of docs/data.md: ids [12] → Embedding → LSTM (every step) → Dense 3 → per-token cross-entropy. */
function tagger(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [TAGGING_LENGTH] }], ['embed', 'Embedding', { numEmbeddings: TAGGING_VOCAB.length, embeddingDim: 16 }],
    ['lstm', 'LSTM', { hiddenSize: 32, returnSequences: true }], ['tags', 'Dense', { units: 3 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

const py = pythonWith(['torch', 'safetensors', 'numpy']);
const DIR = resolve(`.pytorch-multi-tmp-${process.pid}`);
const CHECK = resolve('engine/io/codegen/pytorchCheck.py');
const FEATURES = 7;

/** a = values 0–2, b = values 3–6 as 2×2 → Concat → 3 classes (Softmax folded into cross-entropy); an mse head on b with weight 0.5. */
function twoInputsTwoLosses(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['a', 'Input', { shape: [3], offset: 0 }], ['da', 'Dense', { units: 8 }], ['ra', 'Tanh']);
  g.chain(null, ['b', 'Input', { shape: [2, 2], offset: 3 }, 1], ['fb', 'Flatten', {}, 1], ['db', 'Dense', { units: 8 }, 1], ['rb', 'Tanh', {}, 1]);
  g.add('cat', 'Concat');
  g.connect('ra', 'cat', 'a').connect('rb', 'cat', 'b');
  g.chain('cat', ['out', 'Dense', { units: 3 }], ['sm', 'Softmax'], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  g.chain('rb', ['reg', 'Dense', { units: 1 }, 2], ['loss2', 'Loss', { loss: 'mse', weight: 0.5 }, 2]);
  return g.build();
}

/** The same graph with `head`'s Output / Loss placed first, so Flowgrad's forward predicts that head. */
function headFirst(graph: GraphJSON, head: string): GraphJSON {
  const first = graph.nodes.find((n) => n.id === head)!;
  return { ...graph, nodes: [first, ...graph.nodes.filter((n) => n !== first)] };
}

/** Rows of 7 values; the class needs both slices: sign of value 0 and of value 4. */
function rowsOf(rows: number, seed: number): ArrayDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * FEATURES).map(() => rng.uniform(-1, 1));
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = (x[r * FEATURES]! > 0 ? 1 : 0) + (x[r * FEATURES + 4]! > 0 ? 1 : 0);
  return { x, y, rows, features: FEATURES };
}

function runPython(args: string[], timeout = 120_000): Record<string, unknown> {
  const out = execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe.skipIf(!py)('PyTorch export of several Inputs and Output / Loss nodes, with real PyTorch', () => {
  const graph = twoInputsTwoLosses();
  let checked: Record<string, unknown> = {};
  let flowgradLoss = 0;
  let taggerLoss = 0;

  beforeAll(async () => {
    manualSeed(11);
    const model = new GraphModel(graph);
    const weights = exportWeights(model);
    model.dispose();
    // Predictions of both heads on fresh rows, as Flowgrad's forward gives them.
    const rows = 9;
    const x = rowsOf(rows, 3).x;
    const expected = [
      ...(await predictRows(graph, weights, x, rows)),
      ...(await predictRows(headFirst(graph, 'loss2'), weights, x, rows)),
    ];
    const predict = join(DIR, 'heads');
    mkdirSync(predict, { recursive: true });
    writeFileSync(join(predict, 'model.py'), modelFile(graph, 'two').code);
    writeFileSync(join(predict, 'weights.safetensors'), weights);
    writeFileSync(join(predict, 'x.npy'), encodeNpy({ data: x, shape: [rows, FEATURES] }));
    writeFileSync(join(predict, 'expected.npy'), encodeNpy({ data: Float32Array.from(expected), shape: [expected.length] }));

    // A whole project: data.npz holds the flat rows; train.py cuts each Input's slice.
    const training = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 3, validationSplit: 0.25 } as TrainConfig;
    const split = splitDataset(rowsOf(128, 5), training.validationSplit, training.seed);
    const files = pytorchProjectFiles({ name: 'two', graph, training, weights, data: { ...split, classNames: null, sampleShape: [FEATURES] } });
    const project = join(DIR, 'project');
    mkdirSync(project, { recursive: true });
    for (const [k, v] of Object.entries(files)) writeFileSync(join(project, k), v);
    // Flowgrad's weighted loss over the same training rows, eval mode.
    const m = modelWithWeights(graph, weights);
    m.eval();
    flowgradLoss = noGrad(() => m.lossAndPrediction(tensor(split.train.x, { shape: [split.train.rows, FEATURES] }), tensor(split.train.y as Int32Array, { shape: [split.train.rows], dtype: 'int32' })).loss.item());
    m.dispose();
    // The tagger on the generated tagging set (labels [rows × 12]).
    const tagGraph = tagger();
    const tagTraining = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 3, validationSplit: 0.25 } as TrainConfig;
    const tagData = await loadData({ kind: 'builtin', name: 'tagging', samples: 96, noise: 0.5, seed: 7 }, tagTraining);
    const tagModel = new GraphModel(tagGraph);
    const tagWeights = exportWeights(tagModel);
    tagModel.eval();
    taggerLoss = noGrad(() => tagModel.lossAndPrediction(tensor(tagData.train.x, { shape: [tagData.train.rows, TAGGING_LENGTH] }), tensor(tagData.train.y as Int32Array, { shape: [tagData.train.rows, TAGGING_LENGTH], dtype: 'int32' })).loss.item());
    tagModel.dispose();
    const tagDir = join(DIR, 'tagger');
    mkdirSync(tagDir, { recursive: true });
    const tagFiles = pytorchProjectFiles({ name: 'tagger', graph: tagGraph, training: tagTraining, weights: tagWeights, data: { train: tagData.train, val: tagData.val, classNames: tagData.classNames, sampleShape: tagData.sampleShape } });
    for (const [k, v] of Object.entries(tagFiles)) writeFileSync(join(tagDir, k), v);
    checked = runPython([py!, CHECK, `heads:${predict}`, `loss:${project}`, `train:${project}`, `loss:${tagDir}`, `train:${tagDir}`], 240_000);
  }, 300_000);
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('forward takes every Input by its node\'s name and returns every head; the PyTorch-only note is gone', () => {
    const code = modelFile(graph, 'two').code;
    expect(code).toContain('def forward(self, a, b):');
    expect(code).toContain('return out_, reg');
    expect(code).toContain('INPUTS = (("a", 0, (3,)), ("b", 3, (2, 2)))');
    expect(code).not.toContain('covers only the first');
    const train = new TextDecoder().decode(pytorchProjectFiles({ name: 'two', graph, weights: null, data: null })['train.py']);
    expect(train).toContain("(nn.CrossEntropyLoss(), 1, targets_class_or_probabilities),  # Output / Loss 'loss'");
    expect(train).toContain("(nn.MSELoss(), 0.5, targets_values),  # Output / Loss 'loss2'");
    // The TypeScript view still covers the first of each, and says so.
    expect(toTypeScript(graph)).toContain('this TypeScript code covers only the first of each');
  });

  it('every head\'s prediction equals Flowgrad\'s forward for that head (≤ 1e-5)', () => {
    console.log(`PyTorch vs Flowgrad, two heads, max |diff|: ${JSON.stringify(checked.heads)}`);
    expect(checked.heads, JSON.stringify(checked.heads)).toBeLessThanOrEqual(1e-5);
  });

  it('train.py trains on the weighted sum Flowgrad trains on, and lowers it', () => {
    const start = checked['loss:project'];
    console.log(`weighted loss at the same weights: PyTorch ${JSON.stringify(start)}, Flowgrad ${flowgradLoss}; train.py epochs: ${JSON.stringify(checked.project)}`);
    expect(typeof start, JSON.stringify(start)).toBe('number');
    expect(Math.abs((start as number) - flowgradLoss)).toBeLessThanOrEqual(1e-5 * Math.max(1, flowgradLoss));
    const losses = checked.project as number[];
    expect(Array.isArray(losses), JSON.stringify(checked.project)).toBe(true);
    expect(losses[losses.length - 1]!, `losses ${losses}`).toBeLessThan(losses[0]!);
    // What PyTorch trained opens in Flowgrad again.
    modelWithWeights(graph, new Uint8Array(readFileSync(join(DIR, 'project', 'one.safetensors')))).dispose();
  });

  it('a token tagger ([N, 12, 3] scores, one label per word): train.py\'s per-token cross-entropy is Flowgrad\'s, and it learns', () => {
    const start = checked['loss:tagger'];
    console.log(`tagger loss at the same weights: PyTorch ${JSON.stringify(start)}, Flowgrad ${taggerLoss}; train.py epochs: ${JSON.stringify(checked.tagger)}`);
    expect(typeof start, JSON.stringify(start)).toBe('number');
    expect(Math.abs((start as number) - taggerLoss)).toBeLessThanOrEqual(1e-5 * Math.max(1, taggerLoss));
    const losses = checked.tagger as number[];
    expect(Array.isArray(losses), JSON.stringify(checked.tagger)).toBe(true);
    expect(losses[losses.length - 1]!, `losses ${losses}`).toBeLessThan(losses[0]!);
    const train = new TextDecoder().decode(pytorchProjectFiles({ name: 't', graph: tagger(), weights: null, data: null })['train.py']);
    expect(train).toContain('return pred.reshape(-1, pred.shape[-1]), y.long().reshape(-1)  # one label per token');
    expect(toTypeScript(tagger())).toContain('a label per token ([N, tokens, classes] scores): this TypeScript training loop scores one label per sample');
  });
});
