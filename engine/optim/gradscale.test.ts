// step({ gradScale }) on every optimizer and the CPU and reference backends: the multiplier
// scales the gradient exactly as scaling it by hand would, a skip leaves parameters and state
// untouched, and Adam's bias corrections count only the steps taken (skipped so far).
import { describe, expect, it } from 'vitest';
import { optim, scope, setBackend, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

const P0 = [0.5, -1.2, 2.0, 0.1, 0.7];
const P1 = [0.3, -0.4, 0.9];
const lossOf = (ps: Tensor[]) => ps[0]!.square().mul(tensor([1, 2, -1, 0.5, 3])).sum().add(ps[1]!.sin().sum());

const makers: Record<string, (ps: Tensor[]) => optim.Optimizer> = {
  sgd: (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }),
  sgdNesterov: (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
  // eps: 1 so that adaptive methods are not invariant to the gradient's scale (a multiplier
  // that were ignored would show).
  adam: (ps) => new optim.Adam(ps, { lr: 0.05, weightDecay: 0.01, eps: 1 }),
  adamw: (ps) => new optim.AdamW(ps, { lr: 0.05, amsgrad: true, eps: 1 }),
  rmsprop: (ps) => new optim.RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true, eps: 1 }),
  adagrad: (ps) => new optim.Adagrad(ps, { lr: 0.1, eps: 1 }),
  lion: (ps) => new optim.Lion(ps, { lr: 0.01, weightDecay: 0.1 }),
};

/** Runs `steps` (each: scale for the step, or null) and returns the parameters. */
function run(name: string, steps: ({ scale: number[]; gradMul?: number } | null)[]): number[][] {
  const ps = [tensor(P0, { requiresGrad: true }), tensor(P1, { requiresGrad: true })];
  const opt = makers[name]!(ps);
  for (const s of steps) {
    scope(() => {
      opt.zeroGrad();
      lossOf(ps).mul(s?.gradMul ?? 1).backward();
      opt.step(s ? { gradScale: tensor(s.scale) } : {});
    });
  }
  const out = ps.map((p) => Array.from(p.dataSync()));
  opt.dispose();
  return out;
}

const close = (a: number[][], b: number[][]) => a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 5)));

for (const be of ['cpu', 'reference'] as const) {
  describe(`gradScale on ${be}`, () => {
    for (const name of Object.keys(makers)) {
      it(`${name}: the multiplier undoes a scaled loss`, () => {
        setBackend(be);
        try {
          const plain = run(name, [null, null, null]);
          const scaled = run(name, [{ scale: [1 / 8, 0, 0], gradMul: 8 }, { scale: [1 / 8, 0, 0], gradMul: 8 }, { scale: [1 / 8, 0, 0], gradMul: 8 }]);
          close(scaled, plain);
          expect(plain[0]).not.toEqual(P0);
        } finally {
          setBackend('cpu');
        }
      });

      it(`${name}: a skipped step changes nothing, and the next steps go on as if it never happened`, () => {
        setBackend(be);
        try {
          const plain = run(name, [null, null]);
          // Step 1 skipped (e.g. an inf under loss scaling): its gradient is garbage on purpose.
          const skipped = run(name, [{ scale: [1, 1, 0], gradMul: 1e30 }, { scale: [1, 0, 1] }, { scale: [1, 0, 1] }]);
          close(skipped, plain);
          expect(run(name, [{ scale: [1, 1, 0] }])).toEqual([P0, P1].map((r) => Array.from(Float32Array.from(r))));
        } finally {
          setBackend('cpu');
        }
      });
    }
  });
}
