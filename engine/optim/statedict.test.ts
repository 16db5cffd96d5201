// Optimizer and scheduler state dicts: a fresh optimizer loaded with another's state (as
// tensors, or as host arrays read from a checkpoint) takes the very same next steps; bad state
// is refused before anything changes.
import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/creation.ts';
import type { Tensor } from '../core/tensor.ts';
import { SGD, Adam, AdamW, RMSprop, Adagrad, Lion, type Optimizer } from './index.ts';
import { CosineAnnealing, ReduceLROnPlateau, OneCycleLR } from './lr.ts';

const makers: [string, (ps: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.3 })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.2 })],
  ['Lion', (ps) => new Lion(ps, { lr: 0.01, weightDecay: 0.1 })],
];

const params = () => [tensor([0.5, -1, 2, 0.25], { shape: [2, 2] }).requiresGrad_(), tensor([1, -2, 3], { shape: [3] }).requiresGrad_()];
const setGrads = (ps: Tensor[], k: number) => ps.forEach((p, i) => { p.grad = tensor(Array.from({ length: p.size }, (_, j) => Math.sin(k + i * 7 + j)), { shape: [...p.shape] }); });

describe('Optimizer.loadStateDict', () => {
  for (const [name, make] of makers) {
    it(`${name}: continues exactly from saved state (tensors and host arrays)`, async () => {
      const a = params(), optA = make(a);
      for (let k = 0; k < 3; k++) { setGrads(a, k); optA.step(); }
      const sd = optA.stateDict();
      const host = { ...sd, state: await Promise.all(sd.state.map(async (s) => Object.fromEntries(await Promise.all(Object.entries(s).map(async ([n, t]) => [n, Float32Array.from(await t.data())] as const))))) };
      const b = params(), optB = make(b);
      b.forEach((p, i) => p.assign(a[i]!.dataSync()));
      optB.loadStateDict(host);
      expect(optB.stepCount).toBe(3);
      for (let k = 3; k < 6; k++) { setGrads(a, k); setGrads(b, k); optA.step(); optB.step(); }
      b.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from(a[i]!.dataSync())));
      optA.dispose();
      optB.dispose();
    });
  }

  it('refuses state of another optimizer or another shape, and changes nothing then', () => {
    const ps = params(), opt = new Adam(ps, { lr: 0.1 });
    setGrads(ps, 1);
    opt.step();
    expect(() => opt.loadStateDict({ step: 1, lr: 0.1, state: [{ momentumBuffer: new Float32Array(4) }, {}] })).toThrow(/unknown state 'momentumBuffer'/);
    expect(() => opt.loadStateDict({ step: 1, lr: 0.1, state: [{ expAvg: new Float32Array(3) }, {}] })).toThrow(/has 3 values, the parameter 4/);
    expect(() => opt.loadStateDict({ step: 1, lr: 0.1, state: [{}] })).toThrow(/state for 1 parameters/);
    expect(opt.stateDict().paramSteps).toEqual([1, 1]);
    opt.dispose();
  });
});

describe('scheduler state dicts', () => {
  it('closed-form schedulers continue from their step', () => {
    const a = { lr: 0.1 }, b = { lr: 0.1 };
    const sa = new OneCycleLR(a, { maxLr: 1, totalSteps: 20 }), sb = new OneCycleLR(b, { maxLr: 1, totalSteps: 20 });
    for (let i = 0; i < 7; i++) sa.step();
    sb.loadStateDict(sa.stateDict());
    expect(b.lr).toBe(a.lr);
    sa.step();
    sb.step();
    expect(b.lr).toBe(a.lr);
    expect(() => new CosineAnnealing({ lr: 1 }, { tMax: 3 }).loadStateDict({ t: -1 })).toThrow(/invalid step/);
  });

  it('ReduceLROnPlateau keeps its best value, counters and the reduced rate', () => {
    const a = { lr: 1 }, b = { lr: 1 };
    const ra = new ReduceLROnPlateau(a, { patience: 1, factor: 0.5 }), rb = new ReduceLROnPlateau(b, { patience: 1, factor: 0.5 });
    for (const m of [1, 0.9, 0.95, 0.96, 0.97]) ra.step(m);
    rb.loadStateDict(JSON.parse(JSON.stringify(ra.stateDict())) as ReturnType<typeof ra.stateDict>);
    expect(b.lr).toBe(a.lr);
    for (const m of [0.98, 0.99, 0.5]) { ra.step(m); rb.step(m); }
    expect(b.lr).toBe(a.lr);
    expect(rb.best).toBe(ra.best);
  });
});
