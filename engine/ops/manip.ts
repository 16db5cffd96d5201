/**
 * Tensor manipulation and vector ops composed from table ops: cumsum (a product with a
 * triangular matrix), flip and roll (index selects and slices), repeat / tile /
 * repeatInterleave (reshape + expand), tril / triu / maskedFill (where), chunk / split,
 * outer, norms and distances. Gradients come from the table's rules; constants (masks,
 * index lists, triangles) are built on the input's backend in its dtype.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { floatOf } from '../core/dtype.ts';
import { scope } from '../core/memory.ts';
import { normDim, normDims } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import type { Dims } from './reduce.ts';
import { fromValues } from './creation.ts';
import { where } from './elementwise.ts';
import { indexSelect } from './indexing.ts';
import { matmul } from './matmul.ts';
import { concat, reshape, slice } from './shape.ts';

const constant = (vals: ArrayLike<number>, shape: number[], like: Tensor, dtype = like.dtype) =>
  fromValues(vals, shape, dtype, { backend: like._storage.backend });

/** Running sum along dim: x (moved last) times an upper-triangular matrix of ones. */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normDim('cumsum', dim, x.shape.length);
  return scope(() => {
    if (x.shape.length === 0) return x.cast(floatOf(x.dtype));
    const n = x.shape[d];
    const u = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = 1;
    const xt = x.transpose(d, -1);
    return matmul(xt, constant(u, [n, n], x, floatOf(x.dtype))).transpose(d, -1);
  });
}

/** Reverses the order of elements along each of `dims`. */
export function flip(x: Tensor, dims: number | number[]): Tensor {
  const ds = normDims('flip', dims, x.shape.length);
  return scope(() => {
    let y = x;
    for (const d of ds) {
      const n = x.shape[d];
      y = indexSelect(y, d, constant(Array.from({ length: n }, (_, i) => n - 1 - i), [n], x, 'int32'));
    }
    return y === x ? x.clone() : y;
  });
}

/** Shifts elements along dims cyclically (flattened when dims is omitted), as torch.roll. */
export function roll(x: Tensor, shifts: number | number[], dims?: number | number[]): Tensor {
  const sh = typeof shifts === 'number' ? [shifts] : shifts;
  return scope(() => {
    if (dims === undefined) return reshape(roll(reshape(x, [x.size]), sh[0], 0), x.shape);
    const ds = (typeof dims === 'number' ? [dims] : dims).map((d) => normDim('roll', d, x.shape.length));
    if (ds.length !== sh.length) throw new FlowgradError('bad-argument', `roll: ${sh.length} shifts for ${ds.length} dims`);
    let y = x;
    ds.forEach((d, i) => {
      const n = x.shape[d];
      const s = ((sh[i] % n) + n) % n;
      if (s !== 0) y = concat([slice(y, d, n - s, n), slice(y, d, 0, n - s)], d);
    });
    return y === x ? x.clone() : y;
  });
}

/** torch.Tensor.repeat: tiles x reps[i] times along each dim (reps may add leading dims). */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  if (reps.length < x.shape.length || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new FlowgradError('shape', `repeat: reps [${reps.join(',')}] must be non-negative ints, at least one per dim of ${fmtShape(x.shape)}`);
  }
  const shape = [...new Array<number>(reps.length - x.shape.length).fill(1), ...x.shape];
  return scope(() => {
    const inter = reshape(x, shape.flatMap((s) => [1, s]));
    const big = inter.expand(shape.flatMap((s, i) => [reps[i], s]));
    return reshape(big, shape.map((s, i) => s * reps[i]));
  });
}

/** torch.tile: like repeat, with missing leading reps taken as 1. */
export const tile = (x: Tensor, reps: readonly number[]): Tensor =>
  repeat(x, [...new Array<number>(Math.max(0, x.shape.length - reps.length)).fill(1), ...reps]);

/** Repeats each element `repeats` times along dim. */
export function repeatInterleave(x: Tensor, repeats: number, dim: number): Tensor {
  const d = normDim('repeatInterleave', dim, x.shape.length);
  return scope(() => {
    const s = [...x.shape];
    const u = x.unsqueeze(d + 1).expand([...s.slice(0, d + 1), repeats, ...s.slice(d + 1)]);
    s[d] *= repeats;
    return reshape(u, s);
  });
}

function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.shape.length < 2) throw new FlowgradError('shape', `${op}: needs a tensor of rank ≥ 2 (got ${fmtShape(x.shape)})`);
  const [m, n] = x.shape.slice(-2);
  const mask = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mask[i * n + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  return scope(() => where(constant(mask, [m, n], x, 'bool'), x, 0));
}

/** Lower triangle of the last two dims (elements with j − i ≤ diagonal), zeros elsewhere. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle('tril', x, diagonal, true);
/** Upper triangle of the last two dims (elements with j − i ≥ diagonal), zeros elsewhere. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle('triu', x, diagonal, false);

/** value where mask is true, x elsewhere (mask broadcasts). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (mask.dtype !== 'bool') throw new FlowgradError('dtype', `maskedFill: mask must be bool (got ${mask.dtype})`);
  return where(mask, value, x);
}

/** Splits along dim into pieces of `size` (the last may be smaller), as torch.split. */
export function split(x: Tensor, size: number, dim = 0): Tensor[] {
  const d = normDim('split', dim, x.shape.length);
  if (!(size > 0)) throw new FlowgradError('bad-argument', `split: size must be positive (got ${size})`);
  const out: Tensor[] = [];
  for (let s = 0; s < x.shape[d]; s += size) out.push(slice(x, d, s, s + size));
  return out;
}

/** `chunks` nearly equal pieces along dim, as torch.chunk. */
export const chunk = (x: Tensor, chunks: number, dim = 0): Tensor[] =>
  split(x, Math.ceil(x.shape[normDim('chunk', dim, x.shape.length)] / chunks), dim);

/** Outer product of two vectors: [n] ⊗ [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 1 || b.shape.length !== 1) throw new FlowgradError('shape', `outer: expected vectors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return scope(() => a.unsqueeze(1).mul(b.unsqueeze(0)));
}

/** p-norm over dims (all by default): p = 2, 1, Infinity or any positive p. */
export function norm(x: Tensor, p = 2, dim?: Dims, keepDim = false): Tensor {
  return scope(() => {
    if (p === 2) {
      // sqrt's gradient is infinite at 0 (∞·0 = NaN into x); PyTorch gives 0 there. The
      // double where routes zero sums around the sqrt: value 0, gradient 2x = 0.
      const s = x.square().sum(dim, keepDim);
      const zero = s.eq(0);
      return where(zero, s, where(zero, 1, s).sqrt());
    }
    if (p === 1) return x.abs().sum(dim, keepDim);
    if (p === Infinity) return x.abs().max(dim, keepDim);
    if (!(p > 0)) throw new FlowgradError('bad-argument', `norm: p must be positive (got ${p})`);
    return x.abs().pow(p).sum(dim, keepDim).pow(1 / p);
  });
}

/** x / max(‖x‖_p, eps) along dim (F.normalize). */
export const normalize = (x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor =>
  scope(() => x.div(norm(x, p, dim, true).clamp(eps)));

/** a·b / (max(‖a‖, eps)·max(‖b‖, eps)) along dim (F.cosineSimilarity). */
export function cosineSimilarity(a: Tensor, b: Tensor, dim = 1, eps = 1e-8): Tensor {
  return scope(() => a.mul(b).sum(dim).div(norm(a, 2, dim).clamp(eps).mul(norm(b, 2, dim).clamp(eps))));
}

/** ‖a − b + eps‖_p over the last dim (F.pairwiseDistance). */
export const pairwiseDistance = (a: Tensor, b: Tensor, p = 2, eps = 1e-6, keepDim = false): Tensor =>
  scope(() => norm(a.sub(b).add(eps), p, -1, keepDim));
