// Exact resume on the CPU backend: 2 epochs, checkpoint (through JSON and safetensors bytes),
// a fresh model and optimizer, 2 more epochs == 4 uninterrupted epochs, bit for bit (weights
// and per-epoch losses) — for SGD with momentum, Adam with a cosine schedule, and with
// augmentation, shuffling and dropout on; also from a run stopped in the middle of an epoch.
import { describe, expect, it } from 'vitest';
import { fit, type FitCallbacks } from './fit.ts';
import { FitResume, type Checkpoint, type CheckpointMeta } from './checkpoint.ts';
import { GraphModel } from './graphModel.ts';
import { exportWeights, loadWeightsInto } from './session.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { defaultGraph } from '../graph/format.ts';
import { defaultAttrs } from '../graph/catalog.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';
import { Rng } from '../core/rng.ts';
import { memory } from '../core/memory.ts';
import { NO_AUGMENT } from '../project/dataTypes.ts';
import type { GraphJSON } from '../graph/types.ts';

const d = makeBuiltin2D('moons', { samples: 200, noise: 0.2, seed: 5 });
const points = splitDataset({ x: d.x, y: d.y, rows: d.y.length, features: 2 }, 0.2, 1);

/** A small image set: 1×8×8 noisy bars, two classes (horizontal / vertical). */
function bars(rows: number): ArrayDataset {
  const rng = new Rng(11);
  const x = new Float32Array(rows * 64), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 2;
    const at = rng.int(8);
    for (let i = 0; i < 64; i++) x[r * 64 + i] = (y[r] ? i % 8 === at : Math.floor(i / 8) === at) ? 1 : rng.normal() * 0.1;
  }
  return { x, y, rows, features: 64, sampleShape: [1, 8, 8] };
}
const images = (() => {
  const s = splitDataset(bars(96), 0.25, 2);
  return { train: { ...s.train, sampleShape: [1, 8, 8] }, val: s.val ? { ...s.val, sampleShape: [1, 8, 8] } : null };
})();

function chain(spec: [string, Record<string, unknown>][]): GraphJSON {
  const nodes = spec.map(([type, attrs], i) => ({ id: `n${i}`, type, attrs: { ...defaultAttrs(type), ...attrs }, position: { x: i * 100, y: 0 } })) as GraphJSON['nodes'];
  const edges = nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in' }));
  return { ...defaultGraph(), nodes, edges };
}
const withDropout = chain([['Input', { shape: [2] }], ['Dense', { units: 16 }], ['ReLU', {}], ['Dropout', { p: 0.3 }], ['Dense', { units: 2 }], ['Softmax', {}], ['Loss', { loss: 'crossEntropy' }]]);
const imageNet = chain([['Input', { shape: [1, 8, 8] }], ['Flatten', {}], ['Dense', { units: 12 }], ['ReLU', {}], ['Dropout', { p: 0.2 }], ['Dense', { units: 2 }], ['Softmax', {}], ['Loss', { loss: 'crossEntropy' }]]);

interface Case {
  graph: GraphJSON;
  data: { train: ArrayDataset; val: ArrayDataset | null };
  cfg: TrainConfig;
  extra?: FitCallbacks;
}

/** One fit run (seeded init, like the session), from a checkpoint when given; returns the losses, weights and the captured checkpoint. */
async function run(c: Case, opts: { from?: Checkpoint | null; stopAfterEpoch?: number; stopAfterSteps?: number } = {}) {
  manualSeed(c.cfg.seed);
  const model = new GraphModel(c.graph);
  if (opts.from) loadWeightsInto(model, opts.from.weights);
  const resume = new FitResume(opts.from ?? null);
  const losses: number[] = [], valLosses: number[] = [];
  let steps = 0;
  const result = await fit(model, c.data.train, c.data.val, c.cfg, {
    ...c.extra,
    resume,
    onEpoch: (r) => {
      losses.push(r.loss);
      valLosses.push(r.valLoss ?? NaN);
    },
    onStep: () => void steps++,
    ...(opts.stopAfterSteps !== undefined ? { shouldStop: () => steps >= opts.stopAfterSteps! } : {}),
    callbacks: opts.stopAfterEpoch !== undefined ? [{ onEpochEnd: (r, ctl) => void (r.epoch === opts.stopAfterEpoch && ctl.stop()) }] : [],
  });
  const weights = exportWeights(model);
  model.dispose();
  const captured = resume.captured!;
  // Through the forms a project file keeps: JSON text and fresh byte arrays.
  const checkpoint: Checkpoint = { meta: JSON.parse(JSON.stringify(captured.meta)) as CheckpointMeta, weights: weights.slice(), optimizer: captured.optimizer?.slice() ?? null };
  return { result, losses, valLosses, weights, checkpoint };
}

async function expectExactResume(c: Case) {
  const whole = await run(c);
  const first = await run(c, { stopAfterEpoch: 2 });
  expect(first.result.earlyStopped).toBe(true);
  expect(first.checkpoint.meta).toMatchObject({ epoch: 2, batchInEpoch: 0 });
  expect(first.checkpoint.meta.history.map((h) => h.epoch)).toEqual([1, 2]);
  const second = await run(c, { from: first.checkpoint });
  expect(whole.losses).toHaveLength(4);
  expect([...first.losses, ...second.losses]).toEqual(whole.losses);
  expect([...first.valLosses, ...second.valLosses]).toEqual(whole.valLosses);
  expect(Array.from(second.weights)).toEqual(Array.from(whole.weights));
  expect(second.checkpoint.meta.history.map((h) => h.loss)).toEqual(whole.losses);
  expect(second.checkpoint.meta.step).toBe(whole.checkpoint.meta.step);
  return { whole, first, second };
}

describe('exact resume (CPU backend)', () => {
  it('SGD with momentum and a step schedule: 2 + save + load + 2 epochs == 4 epochs, bit for bit', async () => {
    const before = memory().liveTensors;
    const { whole, first } = await expectExactResume({
      graph: defaultGraph(), data: points,
      cfg: { optimizer: 'sgd', lr: 0.1, batchSize: 16, epochs: 4, seed: 3, validationSplit: 0.2, optimizerOptions: { momentum: 0.9, nesterov: true }, scheduler: { type: 'step', stepSize: 1, gamma: 0.7 } },
    });
    expect(first.checkpoint.meta.optimizer!.kind).toBe('sgd');
    // The resume really matters: starting epoch 3 with fresh momentum gives other weights.
    const noMomentum: Checkpoint = { ...first.checkpoint, meta: { ...first.checkpoint.meta, optimizer: null }, optimizer: null };
    const fresh = await run({ graph: defaultGraph(), data: points, cfg: { optimizer: 'sgd', lr: 0.1, batchSize: 16, epochs: 4, seed: 3, validationSplit: 0.2, optimizerOptions: { momentum: 0.9, nesterov: true }, scheduler: { type: 'step', stepSize: 1, gamma: 0.7 } } }, { from: noMomentum });
    expect(Array.from(fresh.weights)).not.toEqual(Array.from(whole.weights));
    expect(memory().liveTensors).toBe(before);
  });

  it('Adam with a per-step cosine schedule and dropout', async () => {
    const { first } = await expectExactResume({
      graph: withDropout, data: points,
      cfg: { optimizer: 'adam', lr: 0.02, batchSize: 12, epochs: 4, seed: 9, validationSplit: 0.2, scheduler: { type: 'cosine', interval: 'step' } },
    });
    expect(first.checkpoint.meta.scheduler).toMatchObject({ kind: 'closedForm', t: first.checkpoint.meta.step });
    expect(Object.values(first.checkpoint.meta.optimizer!.paramSteps)).toEqual([28, 28, 28, 28]);
  });

  it('AdamW, RMSprop (centered, momentum), Adagrad and Lion resume exactly too', async () => {
    for (const [optimizer, optimizerOptions] of [['adamw', { amsgrad: true }], ['rmsprop', { centered: true, momentum: 0.5 }], ['adagrad', { lrDecay: 0.01, initialAccumulatorValue: 0.1 }], ['lion', {}]] as const) {
      await expectExactResume({
        graph: defaultGraph(), data: points,
        cfg: { optimizer, lr: optimizer === 'lion' ? 0.002 : 0.01, batchSize: 32, epochs: 4, seed: 4, validationSplit: 0.2, optimizerOptions, scheduler: { type: 'reduceOnPlateau', factor: 0.5, patience: 0 } },
      });
    }
  });

  it('with augmentation, shuffling and dropout on image batches', async () => {
    await expectExactResume({
      graph: imageNet, data: images,
      cfg: { optimizer: 'adam', lr: 0.01, batchSize: 8, epochs: 4, seed: 2, validationSplit: 0.25, scheduler: { type: 'cosine' } },
      extra: { augment: { config: { ...NO_AUGMENT, flip: true, cropPadding: 1, noise: 0.05, brightness: 0.1 }, stats: null } },
    });
  });

  it('a run stopped in the middle of an epoch continues from the next batch', async () => {
    const c: Case = {
      graph: withDropout, data: points,
      cfg: { optimizer: 'sgd', lr: 0.05, batchSize: 16, epochs: 3, seed: 6, validationSplit: 0.2, optimizerOptions: { momentum: 0.8 }, readEvery: 1 },
    };
    const whole = await run(c);
    const first = await run(c, { stopAfterSteps: 15 });
    expect(first.result.reason).toBe('stopped');
    expect(first.checkpoint.meta).toMatchObject({ epoch: 1, batchInEpoch: 5, step: 15 }); // 10 batches per epoch
    const second = await run(c, { from: first.checkpoint });
    expect(Array.from(second.weights)).toEqual(Array.from(whole.weights));
    expect(second.losses.at(-1)).toBe(whole.losses.at(-1));
  });

  it('a checkpoint for another optimizer or model is refused or set aside with a note', async () => {
    const c: Case = { graph: defaultGraph(), data: points, cfg: { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 1, seed: 1, validationSplit: 0.2 } };
    const first = await run(c);
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const resume = new FitResume(first.checkpoint);
    await fit(model, points.train, points.val, { ...c.cfg, optimizer: 'sgd', epochs: 2 }, { resume });
    expect(resume.notes.join()).toMatch(/optimizer changed \(adam → sgd\)/);
    model.dispose();
    const wider = chain([['Input', { shape: [2] }], ['Dense', { units: 8 }], ['ReLU', {}], ['Dense', { units: 16 }], ['ReLU', {}], ['Dense', { units: 2 }], ['Softmax', {}], ['Loss', { loss: 'crossEntropy' }]]);
    const other = new GraphModel(wider);
    await expect(fit(other, points.train, points.val, { ...c.cfg, epochs: 2 }, { resume: new FitResume(first.checkpoint) })).rejects.toThrow(/saved training state cannot be used/);
    other.dispose();
  });
});
