/**
 * The multi-tensor optimizer kernels (adamMulti, sgdMulti) as the per-tensor kernels they
 * stand for. Backends without a faster form (CPU, reference, and WebGPU when the tensors are
 * not in arenas) run these one by one, so every backend has the same semantics. Also the
 * host-memory forms of sumSquares and ampUpdate (CPU and reference), in float64.
 */
import type { TypedArray } from '../core/dtype.ts';
import type { BackendBuffer, KernelArgs, OptionalKernelArgs } from './types.ts';

export function splitAdam(a: OptionalKernelArgs['adamMulti']): KernelArgs['adam'][] {
  const { params, grads, m, v, vMax, steps, ...common } = a;
  return params.map((param, i) => ({ ...common, param, grad: grads[i]!, m: m[i]!, v: v[i]!, vMax: vMax ? vMax[i]! : null, step: steps[i]! }));
}

export function splitSgd(a: OptionalKernelArgs['sgdMulti']): KernelArgs['sgd'][] {
  const { params, grads, bufs, first, ...common } = a;
  return params.map((param, i) => ({ ...common, param, grad: grads[i]!, buf: bufs ? bufs[i]! : null, first: first[i]! }));
}

/** sumSquares and ampUpdate over host buffers; `d` gives a buffer's values (float32 views of float16 ones). */
export function hostLossScaling(d: (b: BackendBuffer) => ArrayLike<number> & { [i: number]: number }) {
  return {
    sumSquares(a: OptionalKernelArgs['sumSquares']): void {
      const m = a.scale ? 1 / d(a.scale)[0]! : 1;
      let acc = 0;
      for (const x of a.xs) {
        const v = d(x);
        for (let i = 0; i < x.size; i++) { const y = v[i]! * m; acc += y * y; }
      }
      (d(a.out) as TypedArray)[0] = acc;
    },
    ampUpdate(a: OptionalKernelArgs['ampUpdate']): void {
      const sc = d(a.scale), ct = d(a.counts), n2 = d(a.norm2)[0]!;
      const [s, good, skipped] = [sc[0]!, ct[0]!, ct[1]!];
      const found = !Number.isFinite(n2);
      const coef = a.maxNorm > 0 && !found ? Math.min(1, a.maxNorm / (Math.sqrt(n2) + 1e-6)) : 1;
      const gs = d(a.gradScale);
      gs[0] = coef / s; gs[1] = found ? 1 : 0; gs[2] = skipped;
      if (found) { sc[0] = s * a.backoffFactor; ct[0] = 0; ct[1] = skipped + 1; return; }
      const g = good + 1, grow = g >= a.growthInterval;
      sc[0] = grow ? s * a.growthFactor : s; ct[0] = grow ? 0 : g;
    },
  };
}
