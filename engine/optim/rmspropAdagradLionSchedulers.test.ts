// RMSprop, Adagrad and Lion trajectories against their documented algorithms recomputed by
// hand on plain arrays; every scheduler's LR sequence against PyTorch's formulas; the pure
// lrCurve preview against the scheduler classes; clipping without readbacks.
import { describe, expect, it } from 'vitest';
import { optim, scope, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';
import { lrCurve } from '../train/schedule.ts';
import type { SchedulerConfig, TrainConfig } from '../project/config.ts';

const P0 = [0.5, -1.2, 2.0, 0.1];
const C = [1, 2, -1, 0.5];
const lossOf = (p: Tensor) => p.square().mul(tensor(C)).add(p.sin()).sum();
const gradOf = (p: number[]) => p.map((v, i) => 2 * C[i]! * v + Math.cos(v));

function run(make: (p: Tensor) => optim.Optimizer, steps: number): number[] {
  const p = tensor(P0, { requiresGrad: true });
  const opt = make(p);
  for (let s = 0; s < steps; s++) {
    scope(() => {
      opt.zeroGrad();
      lossOf(p).backward();
      opt.step();
    });
  }
  opt.dispose();
  return Array.from(p.dataSync());
}
const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));

function rmspropByHand(o: { lr: number; alpha: number; eps: number; wd: number; momentum: number; centered: boolean }, steps: number): number[] {
  const p = [...P0], v = p.map(() => 0), gAvg = p.map(() => 0), buf = p.map(() => 0);
  for (let s = 0; s < steps; s++) {
    const g = gradOf(p).map((x, i) => x + o.wd * p[i]!);
    for (let i = 0; i < p.length; i++) {
      v[i] = o.alpha * v[i]! + (1 - o.alpha) * g[i]! ** 2;
      let avg = v[i]!;
      if (o.centered) {
        gAvg[i] = o.alpha * gAvg[i]! + (1 - o.alpha) * g[i]!;
        avg = v[i]! - gAvg[i]! ** 2;
      }
      if (o.momentum > 0) {
        buf[i] = o.momentum * buf[i]! + g[i]! / (Math.sqrt(avg) + o.eps);
        p[i]! -= o.lr * buf[i]!;
      } else {
        p[i]! -= (o.lr * g[i]!) / (Math.sqrt(avg) + o.eps);
      }
    }
  }
  return p;
}

function adagradByHand(o: { lr: number; lrDecay: number; wd: number; init: number; eps: number }, steps: number): number[] {
  const p = [...P0], sum = p.map(() => o.init);
  for (let t = 1; t <= steps; t++) {
    const g = gradOf(p).map((x, i) => x + o.wd * p[i]!);
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    for (let i = 0; i < p.length; i++) {
      sum[i]! += g[i]! ** 2;
      p[i]! -= (clr * g[i]!) / (Math.sqrt(sum[i]!) + o.eps);
    }
  }
  return p;
}

function lionByHand(o: { lr: number; b1: number; b2: number; wd: number }, steps: number): number[] {
  const p = [...P0], m = p.map(() => 0);
  for (let s = 0; s < steps; s++) {
    const g = gradOf(p);
    for (let i = 0; i < p.length; i++) {
      p[i]! *= 1 - o.lr * o.wd;
      p[i]! -= o.lr * Math.sign(o.b1 * m[i]! + (1 - o.b1) * g[i]!);
      m[i] = o.b2 * m[i]! + (1 - o.b2) * g[i]!;
    }
  }
  return p;
}

describe('RMSprop, Adagrad, Lion follow their documented algorithms', () => {
  it('RMSprop (defaults)', () => close(run((p) => new optim.RMSprop([p], { lr: 0.01 }), 8), rmspropByHand({ lr: 0.01, alpha: 0.99, eps: 1e-8, wd: 0, momentum: 0, centered: false }, 8)));
  it('RMSprop centered + momentum + weight decay', () => {
    const o = { lr: 0.02, alpha: 0.9, eps: 1e-6, wd: 0.1, momentum: 0.8, centered: true };
    close(run((p) => new optim.RMSprop([p], { lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.wd, momentum: o.momentum, centered: true }), 8), rmspropByHand(o, 8));
  });
  it('Adagrad (defaults)', () => close(run((p) => new optim.Adagrad([p], { lr: 0.1 }), 8), adagradByHand({ lr: 0.1, lrDecay: 0, wd: 0, init: 0, eps: 1e-10 }, 8)));
  it('Adagrad with lrDecay, weight decay and initial accumulator', () => {
    const o = { lr: 0.1, lrDecay: 0.05, wd: 0.2, init: 0.5, eps: 1e-10 };
    close(run((p) => new optim.Adagrad([p], { lr: o.lr, lrDecay: o.lrDecay, weightDecay: o.wd, initialAccumulatorValue: o.init }), 8), adagradByHand(o, 8));
  });
  it('Lion (with decoupled weight decay)', () => {
    close(run((p) => new optim.Lion([p], { lr: 0.01 }), 8), lionByHand({ lr: 0.01, b1: 0.9, b2: 0.99, wd: 0 }, 8));
    close(run((p) => new optim.Lion([p], { lr: 0.03, betas: [0.8, 0.95], weightDecay: 0.5 }), 8), lionByHand({ lr: 0.03, b1: 0.8, b2: 0.95, wd: 0.5 }, 8));
  });
  it('a custom optimizer: subclass Optimizer, implement step()', () => {
    class SignSGD extends optim.Optimizer {
      step(): void {
        for (const [p, g] of this.withGrads()) scope(() => p.assign(p.sub(g.sign().mul(this.lr))));
      }
    }
    const got = run((p) => new SignSGD([p], 0.1), 3);
    const want = [...P0];
    for (let s = 0; s < 3; s++) gradOf(want).forEach((g, i) => (want[i]! -= 0.1 * Math.sign(g)));
    close(got, want);
  });
});

/** lr after each of `n` steps (index 0: before any step). */
function seq(make: (o: { lr: number }) => { step(): void }, n: number, base = 0.1): number[] {
  const o = { lr: base };
  const s = make(o);
  const out = [o.lr];
  for (let i = 0; i < n; i++) {
    s.step();
    out.push(o.lr);
  }
  return out;
}
const closeSeq = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v, `step ${i}`).toBeCloseTo(b[i]!, 12));
};
const range = (n: number) => Array.from({ length: n + 1 }, (_, t) => t);
const cos = (base: number, min: number, t: number, T: number) => min + ((base - min) * (1 + Math.cos((Math.PI * t) / T))) / 2;

describe('schedulers follow PyTorch formulas', () => {
  it('StepLR, MultiStepLR, ExponentialLR', () => {
    closeSeq(seq((o) => new optim.lr.StepLR(o, { stepSize: 3, gamma: 0.5 }), 10), range(10).map((t) => 0.1 * 0.5 ** Math.floor(t / 3)));
    closeSeq(seq((o) => new optim.lr.MultiStepLR(o, { milestones: [2, 5, 6], gamma: 0.1 }), 8), range(8).map((t) => 0.1 * 0.1 ** [2, 5, 6].filter((m) => m <= t).length));
    closeSeq(seq((o) => new optim.lr.ExponentialLR(o, { gamma: 0.9 }), 6), range(6).map((t) => 0.1 * 0.9 ** t));
  });
  it('CosineAnnealingLR and CosineAnnealingWarmRestarts', () => {
    closeSeq(seq((o) => new optim.lr.CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }), 10), range(10).map((t) => cos(0.1, 0.001, t, 10)));
    // T_0 = 3, T_mult = 2: periods 3, 6, 12 starting at t = 0, 3, 9.
    const warm = range(20).map((t) => (t < 3 ? cos(0.1, 0.01, t, 3) : t < 9 ? cos(0.1, 0.01, t - 3, 6) : cos(0.1, 0.01, t - 9, 12)));
    closeSeq(seq((o) => new optim.lr.CosineAnnealingWarmRestarts(o, { t0: 3, tMult: 2, etaMin: 0.01 }), 20), warm);
    closeSeq(seq((o) => new optim.lr.CosineAnnealingWarmRestarts(o, { t0: 4 }), 9), range(9).map((t) => cos(0.1, 0, t % 4, 4)));
  });
  it('LinearLR (warm-up) and LambdaLR', () => {
    closeSeq(seq((o) => new optim.lr.LinearLR(o, { startFactor: 0.25, endFactor: 1, totalIters: 4 }), 6), range(6).map((t) => 0.1 * (0.25 + 0.75 * Math.min(t, 4) / 4)));
    closeSeq(seq((o) => new optim.lr.LinearLR(o), 6), range(6).map((t) => 0.1 * (1 / 3 + (2 / 3) * Math.min(t, 5) / 5)));
    closeSeq(seq((o) => new optim.lr.LambdaLR(o, (t) => 1 / (1 + t)), 5), range(5).map((t) => 0.1 / (1 + t)));
  });
  it('OneCycleLR (cos and linear, two and three phases)', () => {
    // PyTorch: initial = max/div, min = initial/final_div; phase ends at pct·total − 1 and total − 1.
    const total = 20, max = 1, initial = max / 25, min = initial / 1e4, end1 = 0.3 * total - 1, end2 = total - 1;
    const anneal = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
    const want = range(total - 1).map((t) => (t <= end1 ? anneal(initial, max, t / end1) : anneal(max, min, (t - end1) / (end2 - end1))));
    closeSeq(seq((o) => new optim.lr.OneCycleLR(o, { maxLr: max, totalSteps: total }), total - 1), want);
    const lin = (a: number, b: number, pct: number) => (b - a) * pct + a;
    const e1 = 0.25 * 16 - 1, e2 = 2 * 0.25 * 16 - 2, e3 = 15, i0 = 0.5 / 10, m0 = i0 / 100;
    const want3 = range(15).map((t) => (t <= e1 ? lin(i0, 0.5, t / e1) : t <= e2 ? lin(0.5, i0, (t - e1) / (e2 - e1)) : lin(i0, m0, (t - e2) / (e3 - e2))));
    closeSeq(seq((o) => new optim.lr.OneCycleLR(o, { maxLr: 0.5, totalSteps: 16, pctStart: 0.25, divFactor: 10, finalDivFactor: 100, annealStrategy: 'linear', threePhase: true }), 15), want3);
  });
  it('SequentialLR: warm-up then cosine, each from the initial lr', () => {
    const got = seq((o) => new optim.lr.SequentialLR(o, [new optim.lr.LinearLR(o, { startFactor: 0.1, totalIters: 3 }), new optim.lr.CosineAnnealingLR(o, { tMax: 5 })], [3]), 9);
    closeSeq(got, range(9).map((t) => (t < 3 ? 0.1 * (0.1 + 0.9 * t / 3) : cos(0.1, 0, t - 3, 5))));
  });
  it('ReduceLROnPlateau: patience, factor, cooldown, minLr, rel threshold', () => {
    const o = { lr: 1 };
    const r = new optim.lr.ReduceLROnPlateau(o, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.2 });
    const losses = [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const lrs = losses.map((l) => (r.step(l), o.lr));
    // bad epochs: e2:1 e3:2 e4:3>2 → 0.5, cooldown 1: e5 resets; e6:1 e7:2 e8:3 → 0.25; e9 cooldown; e10:1.
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    const r2 = new optim.lr.ReduceLROnPlateau(o, { patience: 0, factor: 0.5, minLr: 0.2 });
    r2.step(5); r2.step(5);
    expect(o.lr).toBe(0.2);
    r2.step(5);
    expect(o.lr).toBe(0.2);
    const r3 = new optim.lr.ReduceLROnPlateau({ lr: 1 }, { patience: 0 });
    r3.step(1);
    r3.step(0.99995); // not better than 1·(1 − 1e-4): counts as bad
    expect(r3.lastLr).toBeCloseTo(0.1, 12);
  });
});

describe('lrCurve (the app preview) agrees with the schedulers the loop steps', () => {
  const base: TrainConfig = { optimizer: 'sgd', lr: 0.1, batchSize: 8, epochs: 6, seed: 1, validationSplit: 0 };
  const per = (cfg: SchedulerConfig) => lrCurve({ ...base, scheduler: cfg }, 4);
  it('per-epoch schedulers hold the rate within an epoch', () => {
    const c = per({ type: 'step', stepSize: 2, gamma: 0.5 });
    expect(c).toHaveLength(24);
    closeSeq(c, range(23).map((i) => 0.1 * 0.5 ** Math.floor(Math.floor(i / 4) / 2)));
    closeSeq(per({ type: 'cosine' }), range(23).map((i) => cos(0.1, 0, Math.floor(i / 4), 6)));
    closeSeq(per({ type: 'none' }), range(23).map(() => 0.1));
    closeSeq(per({ type: 'reduceOnPlateau' }), range(23).map(() => 0.1));
  });
  it('per-step schedulers and OneCycle change every step, exactly as the class', () => {
    closeSeq(per({ type: 'cosine', interval: 'step' }), range(23).map((i) => cos(0.1, 0, i, 24)));
    const one = seq((o) => new optim.lr.OneCycleLR(o, { maxLr: 1, totalSteps: 24 }), 23);
    closeSeq(per({ type: 'oneCycle', maxLr: 1 }), one);
    const warm = per({ type: 'sequential', schedulers: [{ type: 'linear', startFactor: 0.5, totalIters: 2 }, { type: 'exponential', gamma: 0.5 }], milestones: [2] });
    closeSeq(warm, range(23).map((i) => { const e = Math.floor(i / 4); return e < 2 ? 0.1 * (0.5 + 0.5 * e / 2) : 0.1 * 0.5 ** (e - 2); }));
  });
});

describe('clipping', () => {
  it('clipGradNormTensor clips on the device and returns the norm as a tensor', async () => {
    const a = tensor([3, 0], { requiresGrad: true }), b = tensor([4], { requiresGrad: true });
    a.mul(tensor([3, 0])).sum().add(b.mul(4).sum()).backward();
    const n = optim.clipGradNormTensor([a, b], 1)!;
    expect((await n.data())[0]).toBeCloseTo(5, 5);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(0.6, 5);
    n.dispose();
    expect(await optim.clipGradNormAsync([a, b], 10)).toBeCloseTo(1, 5);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(0.8, 5); // below the max: unchanged
  });
});
