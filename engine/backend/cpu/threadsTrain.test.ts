// Threaded training with tensors in the shared memory: an MLP and LeNet-5 trained with Adam
// (and an MLP with SGD + momentum, and LeNet-5 through a compiled plan) give bit-identical
// weights on plain ArrayBuffers without SharedArrayBuffer (the fallback), at 2 threads, and at
// 1 thread on shared storage; the elementwise, reduction, optimizer and fused kernels really
// ran split across threads.
import { afterAll, describe, expect, it } from 'vitest';
import { nodeThreadHost } from '../../cli/nodeThreads.ts';
import { F, compile, nn, optim, setBackend, setThreadHost, setThreads, tensor } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { arenaBytes } from './arena.ts';
import { helpedChunks } from './pool.ts';
import { threadedKernelJobs } from './threaded.ts';
import { seededFloats as rand } from '../../test/seeded.ts';

setBackend('cpu');
const f32 = (shape: number[], seed: number): Tensor => tensor(rand(shape.reduce((a, b) => a * b, 1), seed), { shape, dtype: 'float32' });
const labels = (n: number): Tensor => tensor(Int32Array.from({ length: n }, (_, i) => (i * 7) % 10), { shape: [n], dtype: 'int32' });

function init(params: nn.Parameter[], seed: number): void {
  params.forEach((p, i) => p.assign(rand(p.size, seed + i).map((v) => v * 0.08)));
}

/** Steps of `model` on one batch (eager, or through a compiled plan with its fused kernels); every weight after. */
function run(params: nn.Parameter[], forward: () => Tensor, opt: optim.Optimizer, steps: number, compiled = false): Float32Array[] {
  // The plan captures the batch; its one argument only keys the trace.
  const step = compiled ? compile((_key: Tensor) => forward(), { params }) : null, key = tensor([0]);
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    if (step) step(key);
    else forward().backward();
    opt.step();
  }
  step?.dispose();
  key.dispose();
  return params.map((p) => p.dataSync().slice() as Float32Array);
}

function mlp(adam: boolean): Float32Array[] {
  const l1 = new nn.Linear(784, 256), l2 = new nn.Linear(256, 256), l3 = new nn.Linear(256, 10);
  const params = [...l1.parameters(), ...l2.parameters(), ...l3.parameters()];
  init(params, 10);
  const x = f32([128, 784], 1), y = labels(128);
  const opt = adam ? new optim.Adam(params, { lr: 1e-3 }) : new optim.SGD(params, { lr: 0.05, momentum: 0.9 });
  // tanh and sigmoid (transcendental rows) besides relu, leakyRelu (its backward is a where)
  // and a mean over rows, so every kernel kind runs.
  const forward = (): Tensor => {
    const h = F.relu(l1.forward(x)).add(F.sigmoid(l1.forward(x)).mul(0.1));
    const logits = l3.forward(F.tanh(l2.forward(F.leakyRelu(h, 0.1))));
    return F.crossEntropy(logits, y).add(h.mean(1).square().mean().mul(1e-3));
  };
  return run(params, forward, opt, 3);
}

function lenet(compiled: boolean): Float32Array[] {
  const c1 = new nn.Conv2d(1, 6, 5, { padding: 2 }), c2 = new nn.Conv2d(6, 16, 5);
  const f1 = new nn.Linear(400, 120), f2 = new nn.Linear(120, 84), f3 = new nn.Linear(84, 10);
  const params = [c1, c2, f1, f2, f3].flatMap((m) => m.parameters());
  init(params, 50);
  const x = f32([64, 1, 28, 28], 2), y = labels(64);
  const forward = (): Tensor => {
    // leakyRelu first: its backward (gt, mul, where) is a fused program in the compiled plan.
    let h = F.maxPool2d(F.leakyRelu(c1.forward(x), 0.05), { kernelSize: 2 });
    h = F.maxPool2d(F.relu(c2.forward(h)), { kernelSize: 2 });
    h = F.relu(f2.forward(F.relu(f1.forward(h.flatten(1)))));
    return F.crossEntropy(f3.forward(h), y);
  };
  return run(params, forward, new optim.Adam(params, { lr: 1e-3 }), 3, compiled);
}

const all = (): Float32Array[][] => [mlp(true), mlp(false), lenet(false), lenet(true)];

describe('threaded training on shared tensor storage', () => {
  afterAll(async () => {
    await setThreads(1);
    setThreadHost(null);
  });

  it('gives identical weights without SharedArrayBuffer, at 2 threads and at 1 thread on shared storage', async () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const SAB = g.SharedArrayBuffer;
    setThreadHost(nodeThreadHost);
    // Fallback: no SharedArrayBuffer, so no pool and plain ArrayBuffers.
    delete g.SharedArrayBuffer;
    let plain: Float32Array[][];
    try {
      expect(await setThreads(2)).toBe(1);
      plain = all();
    } finally {
      g.SharedArrayBuffer = SAB;
    }
    expect(arenaBytes()).toBe(0);

    expect(await setThreads(2)).toBe(2);
    const before = { ...threadedKernelJobs }, helped = helpedChunks();
    const two = all();
    // Tensors lived in the shared memory and every threaded kernel kind was split.
    expect(arenaBytes()).toBeGreaterThan(1 << 20);
    for (const k of ['unary', 'binary', 'where', 'reduce', 'adamMulti', 'sgd', 'fused'] as const) expect(threadedKernelJobs[k], k).toBeGreaterThan(before[k]);
    expect(helpedChunks()).toBeGreaterThan(helped);

    expect(await setThreads(1)).toBe(1);
    const one = all();
    // First differing element per weight (−1: bit-identical); a diff of whole arrays would be huge.
    const firstDiff = (a: Float32Array, b: Float32Array): number => a.findIndex((v, i) => !Object.is(v, b[i]));
    for (let m = 0; m < plain.length; m++) {
      for (let i = 0; i < plain[m].length; i++) {
        expect(firstDiff(two[m][i], plain[m][i]), `model ${m} weight ${i} at 2 threads`).toBe(-1);
        expect(firstDiff(one[m][i], plain[m][i]), `model ${m} weight ${i} at 1 thread`).toBe(-1);
      }
    }
    // Training moved the weights (the comparison is not between untouched initial values).
    expect(plain[0][0]).not.toEqual(rand(plain[0][0].length, 10).map((v) => v * 0.08));
  }, 240_000);
});
