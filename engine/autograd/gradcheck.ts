/**
 * Numerical gradient checking (torch.autograd.gradcheck): compares backward() against
 * central finite differences of a random projection of the output. Meant for float64
 * tensors on the reference backend; the op test suite checks every op with it.
 */
import { scope } from '../core/memory.ts';
import { Rng } from '../core/rng.ts';
import type { Tensor } from '../core/tensor.ts';
import { fromValues } from '../ops/creation.ts';
import { grad } from './backward.ts';

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic - numeric| / (atol + rtol·|numeric|) over all checked elements (≤ 1 passes). */
  worst: number;
  /** Description of the worst element. */
  where: string;
}

export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: { eps?: number; atol?: number; rtol?: number; seed?: number } = {},
): GradcheckResult {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const diff = inputs.filter((x) => x.requiresGrad);
  return scope(() => {
    const y0 = fn(...inputs);
    const rng = new Rng(opts.seed ?? 1);
    const w = new Float64Array(y0.size).map(() => rng.uniform(0.5, 1.5));
    const proj = fromValues(w, y0.shape, y0.dtype, { backend: y0._storage.backend });
    const objective = (): number => scope(() => {
      const y = fn(...inputs);
      const d = y.dataSync();
      let s = 0;
      for (let i = 0; i < d.length; i++) s += d[i] * w[i];
      return s;
    });
    const analytic = diff.length ? grad(y0, diff, { gradOutput: proj }).map((g) => g.dataSync()) : [];
    let worst = 0, where = '';
    diff.forEach((x, k) => {
      const vals = Float64Array.from(x.dataSync());
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        vals[i] = v + eps; x.assign(vals);
        const up = objective();
        vals[i] = v - eps; x.assign(vals);
        const down = objective();
        vals[i] = v; x.assign(vals);
        const num = (up - down) / (2 * eps);
        const err = Math.abs(analytic[k][i] - num) / (atol + rtol * Math.abs(num));
        if (err > worst || Number.isNaN(err)) {
          worst = Number.isNaN(err) ? Infinity : err;
          where = `input ${k} element ${i}: analytic ${analytic[k][i]} numeric ${num}`;
        }
      }
    });
    return { ok: worst <= 1, worst, where };
  });
}
