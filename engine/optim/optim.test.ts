// Optimizer trajectories vs PyTorch's documented update rules, recomputed here by hand on
// plain arrays, plus an MLP that must learn XOR with each optimizer.
import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, optim, scope, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

const P0 = [0.5, -1.2, 2.0, 0.1];
const C = [1, 2, -1, 0.5];
/** Loss = Σ c·p² + sin(p) so gradients change with p: ∂/∂p = 2cp + cos p. */
const lossOf = (p: Tensor) => p.square().mul(tensor(C)).add(p.sin()).sum();
const gradOf = (p: number[]) => p.map((v, i) => 2 * C[i] * v + Math.cos(v));

function run(make: (p: Tensor) => optim.Optimizer, steps: number, lrAt?: (s: number) => number): number[] {
  const p = tensor(P0, { requiresGrad: true });
  const opt = make(p);
  for (let s = 0; s < steps; s++) {
    if (lrAt) opt.lr = lrAt(s);
    scope(() => {
      opt.zeroGrad();
      lossOf(p).backward();
      opt.step();
    });
  }
  return Array.from(p.dataSync());
}

function sgdByHand(o: { lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }, steps: number): number[] {
  const p = [...P0];
  let buf: number[] | null = null;
  for (let s = 0; s < steps; s++) {
    let g = gradOf(p).map((v, i) => v + (o.weightDecay ?? 0) * p[i]);
    if (o.momentum) {
      buf = buf ? buf.map((b, i) => o.momentum! * b + (1 - (o.dampening ?? 0)) * g[i]) : [...g];
      g = o.nesterov ? g.map((v, i) => v + o.momentum! * buf![i]) : [...buf];
    }
    for (let i = 0; i < p.length; i++) p[i] -= o.lr * g[i];
  }
  return p;
}

function adamByHand(o: { lr: number; b1: number; b2: number; eps: number; wd: number; amsgrad: boolean; decoupled: boolean }, steps: number): number[] {
  const p = [...P0];
  const m = p.map(() => 0), v = p.map(() => 0), vmax = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = gradOf(p);
    for (let i = 0; i < p.length; i++) {
      let gi = g[i];
      if (o.decoupled) p[i] *= 1 - o.lr * o.wd;
      else gi += o.wd * p[i];
      m[i] = o.b1 * m[i] + (1 - o.b1) * gi;
      v[i] = o.b2 * v[i] + (1 - o.b2) * gi * gi;
      const mhat = m[i] / (1 - o.b1 ** t);
      vmax[i] = Math.max(vmax[i], v[i]);
      const vv = o.amsgrad ? vmax[i] : v[i];
      p[i] -= o.lr * mhat / (Math.sqrt(vv / (1 - o.b2 ** t)) + o.eps);
    }
  }
  return p;
}

const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));

describe('optimizers follow PyTorch exactly', () => {
  for (const o of [
    { lr: 0.05 }, { lr: 0.05, momentum: 0.9 }, { lr: 0.05, momentum: 0.9, dampening: 0.3 },
    { lr: 0.05, momentum: 0.9, nesterov: true }, { lr: 0.05, momentum: 0.5, weightDecay: 0.1 },
  ]) {
    it(`SGD ${JSON.stringify(o)}`, () => close(run((p) => new optim.SGD([p], o), 6), sgdByHand(o, 6)));
  }
  for (const [name, cfg, make] of [
    ['Adam', { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, amsgrad: false, decoupled: false }, (p: Tensor) => new optim.Adam([p], { lr: 0.1 })],
    ['Adam wd+amsgrad', { lr: 0.1, b1: 0.8, b2: 0.9, eps: 1e-6, wd: 0.1, amsgrad: true, decoupled: false },
      (p: Tensor) => new optim.Adam([p], { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.1, amsgrad: true })],
    ['AdamW', { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, amsgrad: false, decoupled: true }, (p: Tensor) => new optim.AdamW([p], { lr: 0.1 })],
  ] as const) {
    it(name, () => close(run(make, 6), adamByHand(cfg, 6)));
  }

  it('lr can be changed between steps', () => {
    const got = run((p) => new optim.SGD([p], { lr: 1 }), 2, (s) => (s === 0 ? 0.1 : 0.01));
    const p1 = gradOf(P0).map((g, i) => P0[i] - 0.1 * g);
    const p2 = gradOf(p1).map((g, i) => p1[i] - 0.01 * g);
    close(got, p2);
  });

  it('skips parameters without gradients', () => {
    const a = tensor([1], { requiresGrad: true }), b = tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    a.mul(2).sum().backward();
    opt.step();
    expect(a.item()).toBe(0);
    expect(b.item()).toBe(1);
  });
});

describe('an MLP learns XOR', () => {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
  for (const [name, make] of [
    ['SGD+momentum', (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: Tensor[]) => new optim.Adam(ps, { lr: 0.03 })],
  ] as const) {
    for (const backend of ['cpu', 'reference']) {
      it(`${name} on ${backend}`, () => {
        manualSeed(42);
        const net = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
        const moved = net.to(backend);
        const x = tensor(X, { backend }), y = tensor([0, 1, 1, 0], { dtype: 'int32', backend });
        const opt = make(moved.parameters());
        let loss = Infinity;
        for (let i = 0; i < 300; i++) {
          loss = scope(() => {
            opt.zeroGrad();
            const l = F.crossEntropy(moved.forward(x), y);
            l.backward();
            opt.step();
            return l.item();
          });
        }
        expect(loss).toBeLessThan(0.05);
        const pred = scope(() => Array.from(moved.forward(x).argmax(1).dataSync()));
        expect(pred).toEqual([0, 1, 1, 0]);
      });
    }
  }
});

describe('schedulers and clipping', () => {
  const opt = () => new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
  it('CosineAnnealing / StepLR / ExponentialLR / LinearLR follow PyTorch closed forms', () => {
    const o1 = opt(), c = new optim.lr.CosineAnnealing(o1, { tMax: 10, etaMin: 0.01 });
    for (let i = 0; i < 5; i++) c.step();
    expect(o1.lr).toBeCloseTo(0.01 + 0.09 * (1 + Math.cos(Math.PI / 2)) / 2, 10);
    const o2 = opt(), s = new optim.lr.StepLR(o2, { stepSize: 3, gamma: 0.5 });
    for (let i = 0; i < 7; i++) s.step();
    expect(o2.lr).toBeCloseTo(0.025, 10);
    const o3 = opt(), e = new optim.lr.ExponentialLR(o3, { gamma: 0.9 });
    e.step(); e.step();
    expect(e.lastLr).toBeCloseTo(0.081, 10);
    const o4 = opt();
    const w = new optim.lr.LinearLR(o4, { startFactor: 0.5, totalIters: 4 });
    expect(o4.lr).toBeCloseTo(0.05, 10);
    for (let i = 0; i < 6; i++) w.step();
    expect(o4.lr).toBeCloseTo(0.1, 10);
  });

  it('clipGradNorm scales gradients to the max norm and returns the original norm', () => {
    const a = tensor([3, 0], { requiresGrad: true }), b = tensor([4], { requiresGrad: true });
    a.mul(tensor([3, 0])).sum().add(b.mul(4).sum()).backward();
    expect(optim.clipGradNorm([a, b], 1)).toBeCloseTo(5, 5);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(0.8, 5);
    optim.clipGradValue([a, b], 0.7);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(0.7, 5);
  });
});
