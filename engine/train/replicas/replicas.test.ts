// Data-parallel replicas (Node worker_threads): 1 vs 2 (and 3, uneven shards) replicas on the
// same global batches give the one-worker weights to 1e-6 (MLP and LeNet-5, Adam, several
// steps); without SharedArrayBuffer or a replica host the run falls back to one worker with
// identical weights; graphs replicas cannot reproduce (Dropout, BatchNorm) are refused with why.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeReplicaHost } from '../../cli/nodeReplicas.ts';
import { setBackend } from '../../backend/registry.ts';
import { manualSeed } from '../../ops/creation.ts';
import { getTemplate } from '../../templates/index.ts';
import { GraphBuilder } from '../../templates/build.ts';
import { makeBuiltin2D } from '../../data/builtin2d.ts';
import type { ArrayDataset } from '../../project/dataTypes.ts';
import type { TrainConfig } from '../../project/config.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { GraphModel } from '../graphModel.ts';
import { fit } from '../fit.ts';
import { setReplicaHost } from './host.ts';
import { setReplicaWaitLimit, type ReplicaOutcome } from './group.ts';
import { parallelPlan } from './plan.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { defaultGraph } from '../../graph/format.ts';
import { seededFloats } from '../../test/seeded.ts';

setBackend('cpu');

const rand = (n: number, seed: number) => seededFloats(n, seed, 0, 1);

const spirals = makeBuiltin2D('spirals', { samples: 100, noise: 0.2, seed: 7 });
const points: ArrayDataset = { x: spirals.x, y: spirals.y, rows: spirals.y.length, features: 2 };
const images: ArrayDataset = { x: rand(40 * 784, 5), y: Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 10), rows: 40, features: 784, sampleShape: [1, 28, 28] };
const adam: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 2, seed: 3, validationSplit: 0 };

/** Trains from the seed's initial weights; every weight after, and what the run said about replicas. */
async function train(graph: GraphJSON, data: ArrayDataset, cfg: TrainConfig, replicas?: number) {
  manualSeed(cfg.seed);
  const model = new GraphModel(graph);
  let told: ReplicaOutcome | null = null;
  const r = await fit(model, data, null, cfg, { ...(replicas ? { replicas, onReplicas: (o) => (told = o) } : {}) });
  const weights = model.parameters().map((p) => p.dataSync().slice() as Float32Array);
  model.dispose();
  return { weights, steps: r.steps, told: told as ReplicaOutcome | null };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.map((w) => w.length)).toEqual(b.map((w) => w.length));
  let m = 0;
  a.forEach((w, i) => w.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

describe('data-parallel replicas', () => {
  afterAll(() => setReplicaHost(null));

  it('reproduce the one-worker MLP at 2 and 3 replicas (uneven shards, a short last batch)', async () => {
    setReplicaHost(nodeReplicaHost);
    const graph = getTemplate('mlp')!.build();
    const one = await train(graph, points, adam);
    const two = await train(graph, points, adam, 2);
    expect(two.told).toEqual({ replicas: 2, reason: null });
    expect(two.steps).toBe(one.steps);
    expect(maxDiff(one.weights, two.weights)).toBeLessThanOrEqual(1e-6);
    const three = await train(graph, points, { ...adam, batchSize: 25, gradAccumSteps: 2 }, 3);
    const oneAccum = await train(graph, points, { ...adam, batchSize: 25, gradAccumSteps: 2 });
    expect(three.told).toEqual({ replicas: 3, reason: null });
    expect(maxDiff(oneAccum.weights, three.weights)).toBeLessThanOrEqual(1e-6);
    // The runs did move the weights: equal weights are not equal because nothing trained.
    expect(maxDiff(one.weights, oneAccum.weights)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('reproduce the one-worker LeNet-5 at 2 replicas', async () => {
    setReplicaHost(nodeReplicaHost);
    const graph = getTemplate('lenet5')!.build();
    const cfg = { ...adam, batchSize: 16, lr: 0.003 };
    const one = await train(graph, images, cfg);
    const two = await train(graph, images, cfg, 2);
    expect(two.told).toEqual({ replicas: 2, reason: null });
    expect(one.steps).toBe(6);
    expect(maxDiff(one.weights, two.weights)).toBeLessThanOrEqual(1e-6);
  }, 120_000);

  it('fall back to one worker, with the same weights, without SharedArrayBuffer or a replica host', async () => {
    const graph = getTemplate('mlp')!.build();
    const one = await train(graph, points, adam);
    setReplicaHost(nodeReplicaHost);
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const sab = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    let noShared;
    try {
      noShared = await train(graph, points, adam, 2);
    } finally {
      g.SharedArrayBuffer = sab;
    }
    expect(noShared.told).toEqual({ replicas: 1, reason: expect.stringMatching(/cannot share memory/) });
    expect(maxDiff(one.weights, noShared.weights)).toBe(0);
    setReplicaHost(null);
    const noHost = await train(graph, points, adam, 2);
    expect(noHost.told).toEqual({ replicas: 1, reason: expect.stringMatching(/cannot start replica workers/) });
    expect(maxDiff(one.weights, noHost.weights)).toBe(0);
  }, 60_000);

  it('stop with a clear error, not a hang, when a replica worker dies after it started', async () => {
    setReplicaWaitLimit(300);
    // A real replica worker, terminated as soon as it reports ready: it never counts a shard done.
    setReplicaHost({ spawn: async (init) => { const h = await nodeReplicaHost.spawn(init); h.terminate(); return h; } });
    try {
      await expect(train(getTemplate('mlp')!.build(), points, adam, 2)).rejects.toThrow(/1 of 1 replica workers did not finish their shard within \d+ s/);
    } finally {
      setReplicaWaitLimit(30_000);
      setReplicaHost(null);
    }
  }, 60_000);

  it('refuse graphs with Dropout or BatchNorm, saying why', async () => {
    setReplicaHost(nodeReplicaHost);
    const resnet = getTemplate('resnet')!.build();
    const bn = await train(resnet, { ...images, rows: 8, x: images.x.subarray(0, 8 * 784), y: images.y.subarray(0, 8) }, { ...adam, epochs: 1, batchSize: 8 }, 2);
    expect(bn.told).toEqual({ replicas: 1, reason: expect.stringMatching(/BatchNorm/) });
    const g = new GraphBuilder();
    g.chain(null, ['input', 'Input', { shape: [2] }], ['dense1', 'Dense', { units: 16 }], ['drop', 'Dropout', { p: 0.5 }], ['dense2', 'Dense', { units: 2 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
    const drop = await train(g.build(), points, { ...adam, epochs: 1 }, 2);
    expect(drop.told).toEqual({ replicas: 1, reason: expect.stringMatching(/Dropout/) });
  }, 60_000);

  it('are planned by the Threads mode: Auto keeps kernel threads where they split the work, replicas for recurrences, refused graphs get kernel threads with the reason', () => {
    const plan = (mode: 'auto' | 'kernel' | 'replicas', graph: GraphJSON, batchSize: number, workers = 2) => parallelPlan(mode, workers, graph, analyzeGraph(graph), { batchSize });
    const lenet = getTemplate('lenet5')!.build(), resnet = getTemplate('resnet')!.build();
    expect(plan('auto', lenet, 64)).toMatchObject({ threads: 2, replicas: 1, why: expect.stringMatching(/^Auto: kernel threads/) });
    expect(plan('replicas', lenet, 64)).toMatchObject({ threads: 1, replicas: 2 });
    expect(plan('kernel', lenet, 64)).toMatchObject({ threads: 2, replicas: 1 });
    expect(plan('replicas', lenet, 64, 1)).toMatchObject({ threads: 1, replicas: 1 });
    expect(plan('replicas', resnet, 64)).toMatchObject({ threads: 2, replicas: 1, why: expect.stringMatching(/BatchNorm/) });
    // A model of small layers the pool leaves on one thread, with work enough per weight: replicas.
    const g = new GraphBuilder();
    g.chain(null, ['input', 'Input', { shape: [8, 8] }], ['c', 'Conv1d', { filters: 8, kernelSize: 3, padding: 1 }], ['r', 'ReLU'], ['f', 'Flatten'], ['d', 'Dense', { units: 2 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
    expect(plan('auto', g.build(), 64)).toMatchObject({ threads: 1, replicas: 2, why: expect.stringMatching(/^Auto: replicas/) });
    // A recurrent layer runs one small product a step, which the pool leaves on one thread,
    // however many FLOPs its steps add up to: replicas (the LSTM template through fit in Node: 2 replicas
    // 5088 samples/s, 2 kernel threads 3428, docs/ARCHITECTURE.md). With steps big enough to
    // split (256 units, batch 256: 67M multiply-adds a step), kernel threads again.
    const lstm = getTemplate('lstm')!.build();
    expect(plan('auto', lstm, 64)).toMatchObject({ threads: 1, replicas: 2, why: expect.stringMatching(/^Auto: replicas/) });
    const wide = { ...lstm, nodes: lstm.nodes.map((n) => (n.type === 'LSTM' ? { ...n, attrs: { ...n.attrs, hiddenSize: 256 } } : n)) };
    expect(plan('auto', wide, 256)).toMatchObject({ threads: 2, replicas: 1, why: expect.stringMatching(/^Auto: kernel threads/) });
    // A model too small for either (the starter classifier): one thread.
    expect(plan('auto', defaultGraph(), 32)).toMatchObject({ threads: 1, replicas: 1, why: expect.stringMatching(/^Auto: one thread/) });
    expect(plan('kernel', defaultGraph(), 32)).toMatchObject({ threads: 2, replicas: 1 });
  });
});
