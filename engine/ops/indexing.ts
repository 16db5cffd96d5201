/**
 * Integer indexing: gather / scatterAdd along a dim (PyTorch semantics) and indexSelect /
 * indexAdd of whole slices. Each pair is the other's gradient. Indices must be int32 and are
 * range-checked on backends that can read synchronously, except those an op computed itself
 * in range (gatherInRange: max pooling's argmax), which would cost a read-back per step.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { normDim, sizeOf } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import type { DType } from '../core/dtype.ts';
import { apply } from './op.ts';
import type { OpDef } from './op.ts';
import { cast } from './elementwise.ts';
import { hostCheck } from '../compile/trace.ts';

function checkIndex(op: string, idx: Tensor, n: number): void {
  if (idx.dtype !== 'int32') throw new FlowgradError('dtype', `${op}: index must be int32 (got ${idx.dtype})`);
  const be = idx._storage.backend;
  if (!be.canReadSync) return;
  const v = hostCheck(() => be.readSync(idx._storage.buf));
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] >= n) throw new FlowgradError('bad-argument', `${op}: index ${v[i]} out of range [0, ${n})`);
  }
}

/** The indices are checked once, by gather() (gatherInRange's are in range by construction); the gradient never reads them back. */
export const GATHER_OP: OpDef<{ dim: number }> = {
  name: 'gather',
  shape([x, idx], a) {
    if (idx.shape.length !== x.shape.length || idx.shape.some((d, i) => i !== a.dim && d > x.shape[i])) {
      throw new FlowgradError('shape', `gather: index ${fmtShape(idx.shape)} does not fit input ${fmtShape(x.shape)} along dim ${a.dim}`);
    }
    return { shape: [...idx.shape], dtype: x.dtype };
  },
  forward: (be, [x, idx], out, a) =>
    be.run('gather', { x: x._storage.buf, idx: idx._storage.buf, out, xShape: x.shape, idxShape: idx.shape, dim: a.dim }),
  grad: (g, [x, idx], _o, a) => [intoZeros(SCATTER_ZEROS_OP, x.shape, x.dtype, a.dim, idx, g), null],
};

export function gather(x: Tensor, dim: number, idx: Tensor): Tensor {
  const d = normDim('gather', dim, x.shape.length);
  checkIndex('gather', idx, x.shape[d] ?? 1);
  return apply(GATHER_OP, [x, idx], { dim: d });
}

/** gather with indices that an op computed in range itself: no read-back to check them, here or in the gradient. */
export function gatherInRange(x: Tensor, dim: number, idx: Tensor): Tensor {
  return apply(GATHER_OP, [x, idx], { dim: normDim('gather', dim, x.shape.length) });
}

/** out = base with src added at idx along dim (base[..idx[i]..] += src[i]). */
export const SCATTER_ADD_OP: OpDef<{ dim: number }> = {
  name: 'scatterAdd',
  shape([base, idx, src], a) {
    if (idx.shape.length !== src.shape.length || idx.shape.some((d, i) => d !== src.shape[i]) || idx.shape.length !== base.shape.length) {
      throw new FlowgradError('shape', `scatterAdd: index ${fmtShape(idx.shape)} and source ${fmtShape(src.shape)} must match and have the rank of ${fmtShape(base.shape)} (dim ${a.dim})`);
    }
    return { shape: [...base.shape], dtype: base.dtype };
  },
  forward(be, [base, idx, src], out, a) {
    be.run('cast', { x: base._storage.buf, out });
    be.run('scatterAdd', { src: src._storage.buf, idx: idx._storage.buf, out, outShape: base.shape, idxShape: idx.shape, dim: a.dim });
  },
  grad: (g, [base, idx, src], _o, a) => [base.requiresGrad ? g : null, null, src.requiresGrad ? gather(g, a.dim, idx) : null],
};

export function scatterAdd(base: Tensor, dim: number, idx: Tensor, src: Tensor): Tensor {
  return scatterAddAt(base, dim, idx, src, true);
}

function scatterAddAt(base: Tensor, dim: number, idx: Tensor, src: Tensor, check: boolean): Tensor {
  const d = normDim('scatterAdd', dim, base.shape.length);
  if (check) checkIndex('scatterAdd', idx, base.shape[d] ?? 1);
  const s = src.dtype === base.dtype ? src : cast(src, base.dtype);
  try {
    return apply(SCATTER_ADD_OP, [base, idx, s], { dim: d });
  } finally {
    if (s !== src) s.dispose();
  }
}

/**
 * zeros(shape) with src added at idx along dim: gather's gradient (max pooling's backward) in
 * one zero fill and one scatter — scatterAdd onto zerosLike(x) would fill a tensor, then copy it.
 */
export const SCATTER_ZEROS_OP: OpDef<{ dim: number; shape: readonly number[] }> = {
  name: 'scatterToZeros',
  shape([idx, src], a) {
    if (idx.shape.length !== src.shape.length || idx.shape.some((d, i) => d !== src.shape[i]) || idx.shape.length !== a.shape.length) {
      throw new FlowgradError('shape', `scatterToZeros: index ${fmtShape(idx.shape)} and source ${fmtShape(src.shape)} must match and have the rank of ${fmtShape(a.shape)} (dim ${a.dim})`);
    }
    return { shape: [...a.shape], dtype: src.dtype };
  },
  forward(be, [idx, src], out, a) {
    be.run('scatterAdd', { src: src._storage.buf, idx: idx._storage.buf, out, outShape: a.shape, idxShape: idx.shape, dim: a.dim, zero: true });
  },
  grad: (g, [idx, src], _o, a) => [null, src.requiresGrad ? gatherInRange(g, a.dim, idx) : null],
};

/**
 * op (scatterToZeros or indexAddToZeros) over zeros of `shape` and `dtype`, src cast to it. The
 * indices were checked (or computed in range) when the gather or indexSelect ran: no second
 * read-back per backward.
 */
function intoZeros(op: OpDef<{ dim: number; shape: readonly number[] }>, shape: readonly number[], dtype: DType, dim: number, idx: Tensor, src: Tensor): Tensor {
  const s = src.dtype === dtype ? src : cast(src, dtype);
  try {
    return apply(op, [idx, s], { dim, shape });
  } finally {
    if (s !== src) s.dispose();
  }
}

/** [outer, n, inner] around dim. */
function around(shape: readonly number[], dim: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, dim)), n: shape[dim], inner: sizeOf(shape.slice(dim + 1)) };
}

export const INDEX_SELECT_OP: OpDef<{ dim: number }> = {
  name: 'indexSelect',
  shape: ([x, idx], a) => ({ shape: x.shape.map((d, i) => (i === a.dim ? idx.size : d)), dtype: x.dtype }),
  forward: (be, [x, idx], out, a) =>
    be.run('indexSelect', { x: x._storage.buf, idx: idx._storage.buf, out, ...around(x.shape, a.dim), m: idx.size }),
  grad: (g, [x, idx], _o, a) => [intoZeros(INDEX_ZEROS_OP, x.shape, x.dtype, a.dim, idx, g), null],
};

export function indexSelect(x: Tensor, dim: number, idx: Tensor): Tensor {
  const d = normDim('indexSelect', dim, x.shape.length);
  if (idx.shape.length > 1) throw new FlowgradError('shape', `indexSelect: index must be 1-D (got ${fmtShape(idx.shape)})`);
  checkIndex('indexSelect', idx, x.shape[d]);
  return apply(INDEX_SELECT_OP, [x, idx], { dim: d });
}

/** src must hold idx.size slices of `shape` along dim. */
function checkSlices(op: string, shape: readonly number[], dim: number, idx: Tensor, src: Tensor): void {
  const want = shape.map((d, i) => (i === dim ? idx.size : d));
  if (src.shape.length !== want.length || src.shape.some((d, i) => d !== want[i])) {
    throw new FlowgradError('shape', `${op}: source ${fmtShape(src.shape)} should be ${fmtShape(want)}`);
  }
}

export const INDEX_ADD_OP: OpDef<{ dim: number }> = {
  name: 'indexAdd',
  shape([base, idx, src], a) {
    checkSlices('indexAdd', base.shape, a.dim, idx, src);
    return { shape: [...base.shape], dtype: base.dtype };
  },
  forward(be, [base, idx, src], out, a) {
    be.run('cast', { x: base._storage.buf, out });
    be.run('indexAdd', { src: src._storage.buf, idx: idx._storage.buf, out, ...around(base.shape, a.dim), m: idx.size });
  },
  grad: (g, [base, idx, src], _o, a) => [base.requiresGrad ? g : null, null, src.requiresGrad ? indexSelect(g, a.dim, idx) : null],
};

/** zeros(shape) with src's slices added at idx along dim: indexSelect's (an embedding's) gradient, as scatterToZeros is gather's. */
export const INDEX_ZEROS_OP: OpDef<{ dim: number; shape: readonly number[] }> = {
  name: 'indexAddToZeros',
  shape([idx, src], a) {
    checkSlices('indexAddToZeros', a.shape, a.dim, idx, src);
    return { shape: [...a.shape], dtype: src.dtype };
  },
  forward(be, [idx, src], out, a) {
    be.run('fill', { out, value: 0 });
    be.run('indexAdd', { src: src._storage.buf, idx: idx._storage.buf, out, ...around(a.shape, a.dim), m: idx.size });
  },
  grad: (g, [idx, src], _o, a) => [null, src.requiresGrad ? apply(INDEX_SELECT_OP, [g, idx], { dim: a.dim }) : null],
};

export function indexAdd(base: Tensor, dim: number, idx: Tensor, src: Tensor): Tensor {
  const d = normDim('indexAdd', dim, base.shape.length);
  checkIndex('indexAdd', idx, base.shape[d]);
  const s = src.dtype === base.dtype ? src : cast(src, base.dtype);
  try {
    return apply(INDEX_ADD_OP, [base, idx, s], { dim: d });
  } finally {
    if (s !== src) s.dispose();
  }
}
