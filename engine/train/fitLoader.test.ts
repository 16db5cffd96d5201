// fit trains on the data loader's stream: the same batches in the same seeded order (checked
// against a hand-written loop over DataLoader.epoch), drawn through stream() (the prefetching
// path: on a GPU batch k+1 is built while step k's readback is awaited), augmented per batch
// and differently every epoch, never on validation; runTraining (worker and CLI) passes the
// upload's augmentation to the loader.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fit, trainLoader } from './fit.ts';
import { evaluate, metricPlan } from './evaluate.ts';
import { GraphModel } from './graphModel.ts';
import { runTraining } from './session.ts';
import type { TrainConfig } from '../project/config.ts';
import type { ArrayDataset } from '../data/split.ts';
import { defaultGraph } from '../graph/format.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphJSON } from '../graph/types.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { DataLoader, type Batch } from '../data/loader.ts';
import { NO_AUGMENT, type StoredDataset } from '../project/dataTypes.ts';
import { parseUpload, decodedBytes } from '../data/detect.ts';
import { classZip } from '../data/fixtures.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { scope } from '../core/memory.ts';
import { SGD } from '../optim/sgd.ts';
import { setBackend } from '../backend/registry.ts';
import { dawnBackend } from '../backend/webgpu/dawn.ts';

const d = makeBuiltin2D('circles', { samples: 100, noise: 0.1, seed: 1 });
const train: ArrayDataset = { x: d.x.slice(0, 160), y: d.y.slice(0, 80), rows: 80, features: 2 };
const val: ArrayDataset = { x: d.x.slice(160), y: d.y.slice(80), rows: 20, features: 2 };
const cfg: TrainConfig = { optimizer: 'sgd', lr: 0.1, batchSize: 16, epochs: 3, seed: 4, validationSplit: 0, optimizerOptions: { momentum: 0 } };
const weights = (m: GraphModel) => m.parameters().flatMap((p) => Array.from(p.dataSync()));
const copy = (b: Batch) => ({ index: b.index, x: Array.from(b.x), y: Array.from(b.y) });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fit draws its training batches from the data loader', () => {
  it('trains on exactly the loader\'s batches, in its seeded order, epoch after epoch', async () => {
    const stream = vi.spyOn(DataLoader.prototype, 'stream');
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const seen: { epoch: number; b: ReturnType<typeof copy> }[] = [];
    await fit(model, train, null, cfg, { onBatch: (b, epoch) => seen.push({ epoch, b: copy(b) }) });
    // Through stream() (the prefetching path), once per epoch, epochs counted from 0.
    expect(stream.mock.calls.map((c) => c[0])).toEqual([0, 1, 2]);

    // The same batches as the loader for this seed and epoch; every epoch in a new order.
    const loader = new DataLoader(train, { batchSize: 16, seed: cfg.seed });
    const expected = [0, 1, 2].flatMap((e) => [...loader.epoch(e)].map((b) => ({ epoch: e + 1, b: copy(b) })));
    expect(seen).toEqual(expected);
    expect(Array.from(loader.order(0))).not.toEqual(Array.from(loader.order(1)));

    // A plain loop over those batches gives the same weights: fit trained on them, nothing else.
    manualSeed(1);
    const ref = new GraphModel(defaultGraph());
    ref.train();
    const opt = new SGD(ref.parameters(), { lr: cfg.lr, momentum: 0 });
    for (let e = 0; e < cfg.epochs; e++) {
      for (const b of loader.epoch(e)) {
        scope(() => {
          opt.zeroGrad();
          ref.lossAndPrediction(tensor(b.x, { shape: b.xShape }), tensor(b.y, { shape: b.yShape, dtype: 'int32' })).loss.backward();
          opt.step();
        });
      }
    }
    expect(weights(model)).toEqual(weights(ref));
    opt.dispose();
    model.dispose();
    ref.dispose();
  });

  it('augments every training batch, differently each epoch, and never the validation rows', async () => {
    const augment = { config: { ...NO_AUGMENT, noise: 0.4, brightness: 0.2 }, stats: null };
    manualSeed(1);
    const model = new GraphModel(defaultGraph());
    const seen: { epoch: number; b: Batch }[] = [];
    const r = await fit(model, train, val, { ...cfg, optimizer: 'adam', lr: 0.01 }, { augment, onBatch: (b, epoch) => seen.push({ epoch, b }) });

    // What fit trained on is the augmenting loader's stream for that epoch...
    const loader = trainLoader(train, cfg, augment);
    for (let e = 0; e < cfg.epochs; e++) {
      const mine = seen.filter((s) => s.epoch === e + 1).map((s) => copy(s.b));
      const streamed: ReturnType<typeof copy>[] = [];
      for await (const b of loader.stream(e)) streamed.push(copy(b));
      expect(mine).toEqual(streamed);
    }
    // ...which is the plain rows changed, batch by batch, and differently in the next epoch.
    const plain = new DataLoader(train, { batchSize: 16, seed: cfg.seed });
    const rowsOf = (e: number) => {
      const out = new Map<number, number[]>();
      const order = plain.order(e);
      seen.filter((s) => s.epoch === e + 1).forEach((s) => {
        for (let i = 0; i < s.b.rows; i++) out.set(order[s.b.index * 16 + i]!, Array.from(s.b.x.subarray(2 * i, 2 * i + 2)));
      });
      return out;
    };
    const e1 = rowsOf(0), e2 = rowsOf(1);
    expect(e1.size).toBe(train.rows);
    let changed = 0, differs = 0;
    for (let r0 = 0; r0 < train.rows; r0++) {
      const orig = [train.x[2 * r0]!, train.x[2 * r0 + 1]!];
      if (e1.get(r0)!.some((v, k) => Math.abs(v - orig[k]!) > 1e-6)) changed++;
      if (e1.get(r0)!.some((v, k) => v !== e2.get(r0)![k])) differs++;
    }
    expect(changed).toBe(train.rows);
    expect(differs).toBe(train.rows);
    expect(seen.reduce((n, s) => n + s.b.rows, 0)).toBe(cfg.epochs * train.rows);

    // Validation was scored on the clean rows: the same loss as evaluating them now.
    const clean = await evaluate(model, val, metricPlan(model, val, cfg));
    expect(r.last!.valLoss).toBeCloseTo(clean.loss, 6);
    model.dispose();
  });

  it('runTraining (the worker\'s and the CLI\'s path) hands the upload\'s augmentation and statistics to the loader', async () => {
    const bytes = classZip(6, 3, 8);
    const parsed = await parseUpload([{ name: 'shapes.zip', bytes }]);
    const stored: StoredDataset = { id: 'u1', name: 'shapes.zip', format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: '', data: parsed.data, notes: [] };
    const chain: [string, string, Attrs][] = [['input', 'Input', { shape: [3, 8, 8] }], ['flat', 'Flatten', {}], ['fc', 'Dense', { units: 3 }], ['loss', 'Loss', { loss: 'crossEntropy' }]];
    const graph: GraphJSON = {
      format: GRAPH_FORMAT, version: GRAPH_VERSION,
      nodes: chain.map(([id, type, attrs], i) => ({ id, type, attrs, position: { x: i * 100, y: 0 } })),
      edges: chain.slice(1).map(([id], i) => ({ id: `e${i}`, source: chain[i]![0], sourcePort: 'out', target: id, targetPort: 'in' })),
    };
    const aug = { ...NO_AUGMENT, flip: true, cropPadding: 1 };
    const stream = vi.spyOn(DataLoader.prototype, 'stream');
    const out = await runTraining({
      runId: 'aug', graph, boundaryResolution: 0,
      dataset: { kind: 'upload', id: 'u1', name: 'shapes.zip', prep: { imageSize: 8, augment: aug, valFraction: 0.2, testFraction: 0 } },
      config: { optimizer: 'adam', lr: 0.01, batchSize: 4, epochs: 2, seed: 1, validationSplit: 0 },
    }, { onEvent: () => {}, shouldStop: () => false, io: { readUpload: async () => stored } });
    expect(out.reason).toBe('completed');
    expect(stream).toHaveBeenCalledTimes(2);
    const used = stream.mock.contexts[0] as unknown as { opts: { augment: unknown; stats: { mode: string } | null }; sampleShape: number[] };
    expect(used.opts.augment).toEqual(aug);
    expect(used.opts.stats?.mode).toBe('standardize');
    expect(used.sampleShape).toEqual([3, 8, 8]);
  });
});

const gpu = await dawnBackend();
describe.skipIf(!gpu)('prefetch on webgpu', () => {
  it('builds batch k+1 while step k\'s loss readback is awaited', async () => {
    type Build = (this: DataLoader, order: Int32Array, b: number, rng: unknown) => Batch;
    const proto = DataLoader.prototype as unknown as { build: Build };
    const original = proto.build;
    const events: string[] = [];
    vi.spyOn(proto, 'build').mockImplementation(function (this: DataLoader, order, b, rng) {
      events.push(`build ${b}`);
      return original.call(this, order, b, rng);
    });
    setBackend('webgpu');
    try {
      manualSeed(1);
      const model = new GraphModel(defaultGraph());
      // readEvery 1: every step ends awaiting its loss from the GPU.
      await fit(model, train, null, { ...cfg, epochs: 1, readEvery: 1 }, { onStep: (s) => events.push(`read ${s.step - 1}`) });
      model.dispose();
    } finally {
      setBackend('cpu');
    }
    const n = Math.ceil(train.rows / cfg.batchSize);
    for (let k = 0; k + 1 < n; k++) expect(events.indexOf(`build ${k + 1}`)).toBeLessThan(events.indexOf(`read ${k}`));
  });
});
