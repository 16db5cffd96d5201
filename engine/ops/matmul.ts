/**
 * Matrix multiply with PyTorch's semantics: 1-D operands are promoted and the extra dim
 * removed, leading (batch) dims broadcast. The op itself takes transpose flags so that
 * linear layers and every gradient run on the backend's transposed-operand kernels instead
 * of materialising a transpose.
 */
import { floatOf, promote } from '../core/dtype.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { broadcastShapes, broadcastStrides, sizeOf } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply, runOptional, supports, withDtype } from './op.ts';
import type { OpDef } from './op.ts';
import { sumTo } from './elementwise.ts';
import { reshape } from './shape.ts';
import { lowPrecision } from '../amp/autocast.ts';

interface MatmulAttrs { transA: boolean; transB: boolean }

function dims(a: Tensor, b: Tensor, t: MatmulAttrs) {
  const ra = a.shape.length, rb = b.shape.length;
  const m = a.shape[t.transA ? ra - 1 : ra - 2], ka = a.shape[t.transA ? ra - 2 : ra - 1];
  const kb = b.shape[t.transB ? rb - 1 : rb - 2], n = b.shape[t.transB ? rb - 2 : rb - 1];
  return { m, ka, kb, n, aBatch: a.shape.slice(0, -2), bBatch: b.shape.slice(0, -2) };
}

export const MATMUL_OP: OpDef<MatmulAttrs> = {
  name: 'matmul',
  shape([a, b], t) {
    const { m, ka, kb, n, aBatch, bBatch } = dims(a, b, t);
    if (ka !== kb) {
      throw new FlowgradError('shape', `matmul: ${fmtShape(a.shape)}${t.transA ? 'ᵀ' : ''} @ ${fmtShape(b.shape)}${t.transB ? 'ᵀ' : ''}: inner dimensions ${ka} and ${kb} differ`);
    }
    return { shape: [...broadcastShapes('matmul', aBatch, bBatch), m, n], dtype: floatOf(promote(a.dtype, b.dtype)) };
  },
  forward(be, [a, b], out, t, meta) {
    const { m, ka: k, n, aBatch, bBatch } = dims(a, b, t);
    const batchShape = meta.shape.slice(0, -2);
    const batch = sizeOf(batchShape);
    const as = broadcastStrides(aBatch, batchShape), bs = broadcastStrides(bBatch, batchShape);
    const aOffsets = new Int32Array(batch), bOffsets = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      let rem = i, ao = 0, bo = 0;
      for (let d = batchShape.length - 1; d >= 0; d--) {
        const c = rem % batchShape[d];
        rem = Math.floor(rem / batchShape[d]);
        ao += c * as[d];
        bo += c * bs[d];
      }
      aOffsets[i] = ao * m * k;
      bOffsets[i] = bo * k * n;
    }
    withDtype(be, [a, b], meta.dtype, ([ab, bb]) =>
      be.run('matmul', { a: ab, b: bb, out, batch, m, k, n, transA: t.transA, transB: t.transB, aOffsets, bOffsets }));
  },
  grad(g, [a, b], _o, t) {
    const mm = (x: Tensor, y: Tensor, transA: boolean, transB: boolean) => apply(MATMUL_OP, [x, y], { transA, transB });
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (a.requiresGrad) ga = t.transA ? (t.transB ? mm(b, g, true, true) : mm(b, g, false, true)) : mm(g, b, false, !t.transB);
    if (b.requiresGrad) gb = t.transB ? (t.transA ? mm(g, a, true, true) : mm(g, a, true, false)) : mm(a, g, !t.transA, false);
    return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
  },
};

/**
 * x [m, k] · weight [n, k]ᵀ + bias [n] as one kernel, for backends with the optional `linear`
 * kernel (the CPU's adds the bias inside the product's chunks). Forward and gradients are
 * exactly those of matmulT(x, weight, false, true).add(bias).
 */
export const LINEAR_OP: OpDef<void> = {
  name: 'linear',
  shape([x, w]) {
    if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[1]) {
      throw new FlowgradError('shape', `linear: input ${fmtShape(x.shape)} does not match weight ${fmtShape(w.shape)}`);
    }
    return { shape: [x.shape[0], w.shape[0]], dtype: x.dtype };
  },
  forward(be, [x, w, b], out) {
    runOptional(be, 'linear', { x: x._storage.buf, weight: w._storage.buf, bias: b ? b._storage.buf : null, out, m: x.shape[0], k: x.shape[1], n: w.shape[0] });
  },
  // The product's rule itself (x·Wᵀ), then the add's for the bias: the unfused path's gradients by construction.
  grad: (g, [x, w, b], out) => [...MATMUL_OP.grad!(g, [x, w], out, { transA: false, transB: true }), b?.requiresGrad ? sumTo(g, b.shape) : null],
};

/**
 * The one-kernel linear layer, or null where it does not apply: the backend lacks the kernel,
 * the operands are not all float32 (float64 too on the reference backend, for gradient
 * checks) on one backend, or the shapes are not [m, k], [n, k], [n].
 */
export function linearFused(x: Tensor, weight: Tensor, bias: Tensor): Tensor | null {
  const be = x._storage.backend, dt = x.dtype;
  if (!supports(be, 'linear') || weight._storage.backend !== be || bias._storage.backend !== be) return null;
  if (weight.dtype !== dt || bias.dtype !== dt || !(dt === 'float32' || (be.name === 'reference' && dt === 'float64'))) return null;
  if (x.shape.length !== 2 || weight.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0]) return null;
  return apply(LINEAR_OP, [x, weight, bias], undefined);
}

/** op(a) @ op(b) for operands of rank ≥ 2 (transposes of the last two dims by flag). */
export function matmulT(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new FlowgradError('shape', `matmul: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: transposed operands need rank ≥ 2`);
  }
  return apply(MATMUL_OP, [lowPrecision(a), lowPrecision(b)], { transA, transB });
}

/** torch.matmul: 1-D operands are treated as row/column vectors and the extra dim dropped. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length === 0 || b.shape.length === 0) {
    throw new FlowgradError('shape', `matmul: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}: both operands need at least 1 dimension`);
  }
  a = lowPrecision(a);
  b = lowPrecision(b);
  if (a.shape.length >= 2 && b.shape.length >= 2) return apply(MATMUL_OP, [a, b], { transA: false, transB: false });
  const a2 = a.shape.length === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.shape.length === 1 ? reshape(b, [b.shape[0], 1]) : b;
  try {
    const r = apply(MATMUL_OP, [a2, b2], { transA: false, transB: false });
    const s = [...r.shape];
    if (b.shape.length === 1) s.pop();
    if (a.shape.length === 1) s.splice(s.length - (b.shape.length === 1 ? 1 : 2), 1);
    const out = reshape(r, s);
    r.dispose();
    return out;
  } finally {
    if (a2 !== a) a2.dispose();
    if (b2 !== b) b2.dispose();
  }
}
