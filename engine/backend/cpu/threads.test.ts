// Threaded CPU kernels: 1, 2 and 3 threads give bit-identical matmuls, convolutions, pooling,
// gather / scatter-add, casts, fused programs and training runs (Node worker_threads), and without a thread
// host the pool stays at 1 thread.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeThreadHost } from '../../cli/nodeThreads.ts';
import { F, cast, compile, gather, getThreads, nn, optim, scatterAdd, setBackend, setThreadHost, setThreads, tensor, where, zeros } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { helpedChunks, setPoolTiming, takePoolTimes, threadedJobs } from './pool.ts';
import { backend } from '../registry.ts';
import { spatialJobs } from './threadedSpatial.ts';
import { threadedKernelJobs } from './threaded.ts';
import { seededFloats as rand } from '../../test/seeded.ts';

setBackend('cpu');
const t = (n: number[], seed: number): Tensor => tensor(rand(n.reduce((a, b) => a * b, 1), seed), { shape: n, dtype: 'float32' });

/** Everything the kernels compute in one go: big and thin products, transposes, conv forward and both gradients. */
function workload(): Float32Array[] {
  const out: Float32Array[] = [];
  for (const [m, k, n] of [[300, 260, 310], [128, 784, 256], [9, 500, 700], [700, 40, 12]]) {
    out.push(t([m, k], 1).matmul(t([k, n], 2)).dataSync() as Float32Array);
    out.push(t([k, m], 3).transpose(0, 1).matmul(t([n, k], 4).transpose(0, 1)).dataSync() as Float32Array);
  }
  const x = t([16, 3, 20, 20], 5), w = new nn.Parameter(t([8, 3, 5, 5], 6)), xi = new nn.Parameter(x);
  const y = F.conv2d(xi, w, null, { padding: 2 });
  y.mul(y).sum().backward();
  out.push(y.dataSync() as Float32Array, w.grad!.dataSync() as Float32Array, xi.grad!.dataSync() as Float32Array);
  // The per-tensor Adam kernel (the optimizers call adamMulti; this one serves its fallback and direct callers).
  const [p, g, m, v] = [t([300_000], 30), t([300_000], 31), zeros([300_000]), zeros([300_000])];
  const buf = (x: Tensor) => x._storage.buf;
  backend('cpu').run('adam', { param: buf(p), grad: buf(g), m: buf(m), v: buf(v), vMax: null, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 2, maximize: false });
  out.push(p.dataSync() as Float32Array, v.dataSync() as Float32Array);
  // An add in place, split in chunks at 2+ threads: a chunk run twice or not at all would leave elements off by one.
  const n = 300_000, acc = t([n], 32), before = acc.dataSync().slice(), shape = [n];
  backend('cpu').run('binary', { op: 'add', a: buf(acc), b: buf(tensor(new Float32Array(n).fill(1))), out: buf(acc), aShape: shape, bShape: shape, outShape: shape });
  const after = acc.dataSync();
  expect(after.every((x, i) => x === Math.fround(before[i]! + 1))).toBe(true);
  // Per-channel broadcasts (BatchNorm's [N, C, H, W] against [1, C, 1, 1]): rows in blocks of C,
  // each element exactly the float32 operation on its channel's value, at any thread count.
  const img = t([8, 12, 30, 30], 33), ch = t([1, 12, 1, 1], 34), X = img.dataSync(), Cv = ch.dataSync();
  for (const [op, f] of [['mul', (a: number, b: number) => a * b], ['sub', (a: number, b: number) => a - b]] as const) {
    const r = (op === 'mul' ? img.mul(ch) : img.sub(ch)).dataSync() as Float32Array;
    expect(r.every((v, i) => v === Math.fround(f(X[i]!, Cv[Math.floor(i / 900) % 12]!)))).toBe(true);
    out.push(r);
  }
  return out;
}

/** Row indices in [0, n) with repeats (a scatter-add then sums several values into one place, in order). */
const idx = (rows: number, cols: number, n: number, seed: number): Tensor =>
  tensor(Int32Array.from(rand(rows * cols, seed), (v) => Math.floor(Math.abs(v) * 997) % n), { shape: [rows, cols], dtype: 'int32' });

/**
 * The pooling, indexing and cast kernels that have thread jobs of their own (threadedSpatial.ts):
 * max pooling padded and not with its backward (gather and scatter-add at the argmax), a gather
 * and a scatter-add with repeated indices, casts from int32 and float32.
 */
function spatial(): Float32Array[] {
  const out: Float32Array[] = [];
  const x = new nn.Parameter(t([8, 12, 30, 30], 11));
  const a = F.maxPool2d(x, { kernelSize: 2 }), b = F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
  a.mul(t(a.shape, 12)).sum().add(b.mul(t(b.shape, 13)).sum()).backward();
  out.push(a.dataSync() as Float32Array, b.dataSync() as Float32Array, x.grad!.dataSync() as Float32Array);
  // Average pooling, tiling and overlapping with padding (both divisors), and its gradient.
  const v = new nn.Parameter(t([8, 12, 30, 30], 18));
  const c = F.avgPool2d(v, { kernelSize: 2 }), e = F.avgPool2d(v, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false });
  c.mul(t(c.shape, 19)).sum().add(e.mul(t(e.shape, 20)).sum()).backward();
  out.push(c.dataSync() as Float32Array, e.dataSync() as Float32Array, v.grad!.dataSync() as Float32Array);
  const i = idx(96, 700, 500, 14);
  out.push(gather(t([96, 500], 15), 1, i).dataSync() as Float32Array);
  out.push(scatterAdd(zeros([96, 500]), 1, i, t([96, 700], 16)).dataSync() as Float32Array);
  out.push(cast(i, 'float32').dataSync() as Float32Array, cast(t([300, 200], 17), 'int32').dataSync() as unknown as Float32Array);
  return out;
}

/**
 * A compiled elementwise chain, run as one fused program (fusedOps.ts's job at 2+ threads):
 * every node kind — dense inputs, a one-element input passed by value, constants, unary ops
 * with constants (clamp, leakyRelu) and a transcendental one, binary ops, where (one with its
 * comparison folded in), casts to int32 and bool — over 120k elements.
 */
// Made before any pool exists: ordinary memory, so the job takes it by value.
const SCALE = tensor([1.5]);
function fusedProgram(): Float32Array[] {
  const f = compile((a: Tensor, b: Tensor, s: Tensor) =>
    where(a.gt(b), a.clamp(-0.5, 0.5), F.leakyRelu(b, 0.1)).mul(s).add(a.mul(3).cast('int32').cast('float32')).add(b.exp().sub(1.2).cast('bool').cast('float32'))
      .add(where(a.lt(s), b, 0))); // a comparison with a scalar input, folded into its where
  const x = t([300, 400], 21), y = t([300, 400], 22), s = SCALE;
  // The first call traces (eager kernels); the next ones run the plan.
  const r = [[x, y], [y, x], [x, y]].map(([a, b]) => (f(a!, b!, s) as Tensor).dataSync() as Float32Array);
  f.dispose();
  return r;
}

/** A few SGD steps of a small CNN + MLP; returns every weight after. */
function train(): Float32Array[] {
  const conv = new nn.Conv2d(1, 6, 5, { padding: 2 }), l1 = new nn.Linear(6 * 14 * 14, 64), l2 = new nn.Linear(64, 10);
  const params = [...conv.parameters(), ...l1.parameters(), ...l2.parameters()];
  params.forEach((p, i) => p.assign(rand(p.size, 100 + i).map((v) => v * 0.1)));
  const opt = new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
  const x = t([32, 1, 28, 28], 7), y = tensor(Int32Array.from({ length: 32 }, (_, i) => i % 10), { shape: [32], dtype: 'int32' });
  for (let s = 0; s < 3; s++) {
    opt.zeroGrad();
    const h = F.maxPool2d(F.relu(conv.forward(x)), { kernelSize: 2 });
    const loss = F.crossEntropy(l2.forward(F.relu(l1.forward(h.reshape([32, -1])))), y);
    loss.backward();
    opt.step();
  }
  return params.map((p) => p.dataSync().slice() as Float32Array);
}

describe('threaded CPU kernels', () => {
  afterAll(async () => {
    await setThreads(1);
    setThreadHost(null);
  });

  it('stay at one thread without a thread host', async () => {
    setThreadHost(null);
    const jobs = threadedJobs();
    expect(await setThreads(2)).toBe(1);
    expect(getThreads()).toBe(1);
    workload();
    expect(threadedJobs()).toBe(jobs);
  });

  it('stay at one thread, with the same results, in a page that is not cross-origin isolated', async () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    const before = workload();
    g.crossOriginIsolated = false;
    try {
      setThreadHost(nodeThreadHost);
      const jobs = threadedJobs();
      expect(await setThreads(2)).toBe(1);
      const after = workload();
      expect(threadedJobs()).toBe(jobs);
      after.forEach((a, i) => expect(a).toEqual(before[i]));
    } finally {
      delete g.crossOriginIsolated;
    }
  });

  it('time split jobs for the profiler when asked: each call once, on the pool thread or the caller', async () => {
    setThreadHost(nodeThreadHost);
    expect(await setThreads(2)).toBe(2);
    const product = () => t([300, 260], 1).matmul(t([260, 310], 2)).dataSync();
    expect(takePoolTimes()).toBeNull();
    setPoolTiming(true);
    try {
      takePoolTimes();
      const jobs = threadedJobs();
      product();
      const times = takePoolTimes()!;
      expect(times.jobs).toBe(threadedJobs() - jobs);
      expect(times.jobs).toBeGreaterThan(0);
      expect(times.callerCalls + times.helperCalls).toBe(times.calls);
      expect(times.callerCalls).toBeGreaterThan(0);
      expect(times.callerMs).toBeGreaterThan(0);
      expect(Math.min(times.helperMs, times.recordMs, times.joinMs)).toBeGreaterThanOrEqual(0);
      expect(takePoolTimes()!.calls).toBe(0);
    } finally {
      setPoolTiming(false);
    }
    // Off again: the threads stop counting.
    product();
    setPoolTiming(true);
    expect(takePoolTimes()).toMatchObject({ jobs: 0, calls: 0, callerCalls: 0, helperCalls: 0 });
    setPoolTiming(false);
  });

  it('give bit-identical kernels and training at 1, 2 and 3 threads', async () => {
    setThreadHost(nodeThreadHost);
    expect(await setThreads(1)).toBe(1);
    const k1 = [...workload(), ...spatial(), ...fusedProgram()], w1 = train();
    expect(await setThreads(2)).toBe(2);
    const jobs = threadedJobs(), sj = { ...spatialJobs }, kj = { ...threadedKernelJobs };
    const k2 = [...workload(), ...spatial(), ...fusedProgram()], w2 = train();
    expect(threadedKernelJobs.fused).toBeGreaterThanOrEqual(kj.fused + 2);
    expect(threadedKernelJobs.adam).toBeGreaterThan(kj.adam);
    expect(threadedJobs()).toBeGreaterThan(jobs + 10);
    // Each kernel with a job of its own really was split (pooling, indexing, cast, the convolution's copies).
    for (const k of Object.keys(sj) as (keyof typeof sj)[]) expect(spatialJobs[k], k).toBeGreaterThan(sj[k]);
    // The pool thread really ran chunks (the caller alone would give the same numbers).
    expect(helpedChunks()).toBeGreaterThan(0);
    expect(await setThreads(3)).toBe(3);
    const k3 = [...workload(), ...spatial(), ...fusedProgram()];
    for (let i = 0; i < k1.length; i++) {
      expect(k2[i]).toEqual(k1[i]);
      expect(k3[i]).toEqual(k1[i]);
    }
    for (let i = 0; i < w1.length; i++) expect(w2[i]).toEqual(w1[i]);
  }, 120_000);
});
