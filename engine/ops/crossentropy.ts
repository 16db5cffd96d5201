/**
 * Fused cross-entropy for integer class targets: one kernel for log-softmax + pick (the
 * per-sample loss) and one for its gradient g·(softmax − onehot), on backends with the
 * optional `crossEntropy` kernels. The gradient op's own gradient is written with ops
 * (softmax Jacobian-vector product, gather), so double backward still works. Logits are
 * viewed [outer, C, inner] around the class dim; targets are [outer, inner].
 */
import { FlowgradError } from '../core/errors.ts';
import { sizeOf } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply, runOptional, supports } from './op.ts';
import type { OpDef } from './op.ts';
import { gather } from './indexing.ts';
import { hostCheck } from '../compile/trace.ts';

interface CeAttrs { dim: number }

function around(x: Tensor, dim: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(x.shape.slice(0, dim)), n: x.shape[dim], inner: sizeOf(x.shape.slice(dim + 1)) };
}

export const CROSS_ENTROPY_OP: OpDef<CeAttrs> = {
  name: 'crossEntropy',
  shape: ([x], a) => ({ shape: x.shape.filter((_, i) => i !== a.dim), dtype: x.dtype }),
  forward: (be, [x, t], out, a) => runOptional(be, 'crossEntropy', { logits: x._storage.buf, target: t._storage.buf, out, ...around(x, a.dim) }),
  grad: (g, [x, t], _o, a) => [apply(CROSS_ENTROPY_GRAD_OP, [x, t, g], a), null],
};

/** g·(softmax(x) − onehot(t)) along dim; inputs [logits, target, g]. */
export const CROSS_ENTROPY_GRAD_OP: OpDef<CeAttrs> = {
  name: 'crossEntropyGrad',
  shape: ([x]) => ({ shape: [...x.shape], dtype: x.dtype }),
  forward: (be, [x, t, g], out, a) =>
    runOptional(be, 'crossEntropyGrad', { logits: x._storage.buf, target: t._storage.buf, grad: g._storage.buf, out, ...around(x, a.dim) }),
  grad: (gg, [x, t, g], _o, a) => {
    const p = x.softmax(a.dim);
    let gx: Tensor | null = null, gg2: Tensor | null = null;
    if (x.requiresGrad) {
      const u = gg.mul(g.unsqueeze(a.dim));
      gx = p.mul(u.sub(p.mul(u).sum(a.dim, true)));
    }
    if (g.requiresGrad) gg2 = gg.mul(p).sum(a.dim).sub(gather(gg, a.dim, t.unsqueeze(a.dim)).squeeze(a.dim));
    return [gx, null, gg2];
  },
};

/**
 * Per-sample −log softmax(x)[t] along `dim` through the fused kernels, or null where the
 * backend lacks them or the dtypes do not fit (the caller then composes log-softmax + gather).
 */
export function crossEntropyFused(x: Tensor, t: Tensor, dim: number): Tensor | null {
  const be = x._storage.backend;
  if (!supports(be, 'crossEntropy') || t._storage.backend !== be || t.dtype !== 'int32') return null;
  if (!(x.dtype === 'float32' || x.dtype === 'float64')) return null;
  if (be.canReadSync) {
    const v = hostCheck(() => be.readSync(t._storage.buf)), n = x.shape[dim];
    for (let i = 0; i < v.length; i++) {
      if (v[i] < 0 || v[i] >= n) throw new FlowgradError('bad-argument', `crossEntropy: target ${v[i]} out of range [0, ${n})`);
    }
  }
  return apply(CROSS_ENTROPY_OP, [x, t], { dim });
}
