/**
 * Reductions (sum mean prod max min argmax argmin), the composites built on them (var std
 * logsumexp) and softmax / log-softmax. Kernels see [outer, n, inner] around one contiguous
 * block of reduced axes; non-adjacent axes are first permuted to the end by a copy.
 */
import type { ReduceOp } from '../backend/types.ts';
import type { DType } from '../core/dtype.ts';
import { floatOf } from '../core/dtype.ts';
import { scope } from '../core/memory.ts';
import { normDim, normDims, sizeOf, stridesOf } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply, withDtype } from './op.ts';
import type { OpDef } from './op.ts';
import { expand, reshape } from './shape.ts';
import { fullPrecision } from '../amp/autocast.ts';

interface ReduceAttrs { op: ReduceOp; dims: number[]; keepDim: boolean }

function reducedShape(shape: readonly number[], dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!dims.includes(i)) out.push(shape[i]);
    else if (keepDim) out.push(1);
  }
  return out;
}

function reduceDtype(op: ReduceOp, d: DType): DType {
  if (op === 'argmax' || op === 'argmin') return 'int32';
  if (op === 'mean') return floatOf(d);
  if ((op === 'sum' || op === 'prod') && d === 'bool') return 'int32';
  return d;
}

/** g (reduced shape) reshaped to keep-dim form and broadcast back to x's shape. */
function spread(g: Tensor, x: Tensor, dims: number[]): Tensor {
  return expand(reshape(g, reducedShape(x.shape, dims, true)), x.shape);
}

const REDUCE_GRAD: Partial<Record<ReduceOp, (g: Tensor, x: Tensor, out: Tensor, dims: number[]) => Tensor>> = {
  sum: (g, x, _o, dims) => spread(g, x, dims),
  mean: (g, x, _o, dims) => spread(g, x, dims).div(dims.reduce((n, d) => n * x.shape[d], 1)),
  prod: (g, x, out, dims) => spread(g.mul(out), x, dims).div(x),
  max: (g, x, out, dims) => minMaxGrad(g, x, out, dims),
  min: (g, x, out, dims) => minMaxGrad(g, x, out, dims),
};

/** The gradient goes to the extreme elements, split evenly among ties. */
function minMaxGrad(g: Tensor, x: Tensor, out: Tensor, dims: number[]): Tensor {
  const keep = reducedShape(x.shape, dims, true);
  const mask = x.eq(reshape(out, keep)).cast(x.dtype);
  const count = mask.sum(dims, true);
  return mask.mul(reshape(g, keep).div(count));
}

/** Reductions whose result over a block of axes is the reduction of the results over its parts (the mean: equal parts). */
const COMPOSABLE = new Set<ReduceOp>(['sum', 'mean', 'max', 'min', 'prod']);
/** An intermediate in these would round each partial result too coarsely: they take the copying path. */
const LOW_PRECISION = new Set<DType>(['float16']);

/**
 * How many leading axes `dims` (sorted) holds when it is exactly a leading block [0, lead)
 * plus a non-empty trailing block reaching the last axis, with kept axes between; else 0.
 */
function leadAndTrail(dims: readonly number[], rank: number): number {
  let lead = 0;
  while (lead < dims.length && dims[lead] === lead) lead++;
  const trail = dims.length - lead;
  if (lead === 0 || trail === 0) return 0;
  for (let i = 0; i < trail; i++) if (dims[lead + i] !== rank - trail + i) return 0;
  return lead;
}

export const REDUCE_OP: OpDef<ReduceAttrs> = {
  name: 'reduce',
  shape: ([x], a) => ({ shape: reducedShape(x.shape, a.dims, a.keepDim), dtype: reduceDtype(a.op, x.dtype) }),
  forward(be, [x], out, a, meta) {
    const dims = a.dims;
    const contiguous = dims.length === 0 || dims[dims.length - 1] - dims[0] === dims.length - 1;
    const n = dims.reduce((p, d) => p * x.shape[d], 1);
    // Kernels read any input dtype and write the output dtype (sums accumulate in doubles).
    const xb = x._storage.buf;
    {
      if (contiguous) {
        const outer = sizeOf(x.shape.slice(0, dims[0] ?? 0));
        const inner = dims.length === 0 ? 1 : sizeOf(x.shape.slice(dims[dims.length - 1] + 1));
        be.run('reduce', { op: a.op, x: xb, out, outer, n, inner });
        return;
      }
      const lead = leadAndTrail(dims, x.shape.length);
      if (lead > 0 && x.size > 0 && COMPOSABLE.has(a.op) && !LOW_PRECISION.has(meta.dtype)) {
        // Leading and trailing axes (a bias gradient: [N, C, H, W] over 0, 2, 3): the trailing
        // block into [A, K], then the leading one — two contiguous passes that split across
        // threads, instead of a transposing copy of all of x.
        const A = sizeOf(x.shape.slice(0, lead)), trail = dims.length - lead;
        const K = sizeOf(x.shape.slice(lead, x.shape.length - trail)), T = x.size / Math.max(A * K, 1);
        const tmp = be.alloc(meta.dtype, A * K);
        try {
          be.run('reduce', { op: a.op, x: xb, out: tmp, outer: A * K, n: T, inner: 1 });
          be.run('reduce', { op: a.op, x: tmp, out, outer: 1, n: A, inner: K });
        } finally {
          be.free(tmp);
        }
        return;
      }
      // Move reduced axes last: [kept..., reduced...] then reduce the trailing block.
      const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
      const perm = [...kept, ...dims];
      const st = stridesOf(x.shape);
      const pShape = perm.map((p) => x.shape[p]);
      const tmp = be.alloc(x.dtype, x.size);
      try {
        be.run('copy', { x: xb, out: tmp, shape: pShape, srcStrides: perm.map((p) => st[p]), srcOffset: 0, dstStrides: stridesOf(pShape), dstOffset: 0 });
        be.run('reduce', { op: a.op, x: tmp, out, outer: x.size / Math.max(n, 1), n, inner: 1 });
      } finally {
        be.free(tmp);
      }
    }
  },
  grad: (g, [x], out, a) => {
    const rule = REDUCE_GRAD[a.op];
    return [rule ? rule(g, x, out, a.dims) : null];
  },
};

export type Dims = number | readonly number[] | undefined;

export function reduce(op: ReduceOp, x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return apply(REDUCE_OP, [x], { op, dims: normDims(op, dim, x.shape.length), keepDim });
}

export const sum = (x: Tensor, dim?: Dims, keepDim = false): Tensor => reduce('sum', x, dim, keepDim);

/** Variance with Bessel's correction by default (correction = 1), like torch.var. */
export function variance(x: Tensor, dim?: Dims, keepDim = false, correction = 1): Tensor {
  return scope(() => {
    const dims = normDims('var', dim, x.shape.length);
    const n = dims.reduce((p, d) => p * x.shape[d], 1);
    const d = x.sub(x.mean(dims, true));
    return d.square().sum(dims, keepDim).div(Math.max(0, n - correction));
  });
}

export function std(x: Tensor, dim?: Dims, keepDim = false, correction = 1): Tensor {
  return scope(() => variance(x, dim, keepDim, correction).sqrt());
}

/** log(sum(exp(x))) computed stably around the (detached) maximum. */
export function logsumexp(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  return scope(() => {
    const dims = normDims('logsumexp', dim, x.shape.length);
    const m = x.max(dims, true).detach();
    const mSafe = m.where(m.abs().lt(Infinity), 0);
    const r = x.sub(mSafe).exp().sum(dims, true).log().add(mSafe);
    return keepDim ? r : reshape(r, reducedShape(x.shape, dims, false));
  });
}

interface SoftmaxAttrs { dim: number; log: boolean }

export const SOFTMAX_OP: OpDef<SoftmaxAttrs> = {
  name: 'softmax',
  shape: ([x]) => ({ shape: [...x.shape], dtype: floatOf(x.dtype) }),
  forward: (be, [x], out, a, meta) =>
    withDtype(be, [x], meta.dtype, ([xb]) =>
      be.run('softmax', {
        x: xb, out, log: a.log,
        outer: sizeOf(x.shape.slice(0, a.dim)), n: x.shape[a.dim] ?? 1, inner: sizeOf(x.shape.slice(a.dim + 1)),
      })),
  grad: (g, _x, out, a) => [
    a.log
      ? g.sub(out.exp().mul(g.sum(a.dim, true)))
      : out.mul(g.sub(g.mul(out).sum(a.dim, true))),
  ],
};

export function softmax(x: Tensor, dim = -1, log = false): Tensor {
  return apply(SOFTMAX_OP, [fullPrecision(x)], { dim: normDim(log ? 'logSoftmax' : 'softmax', dim, x.shape.length), log });
}
