/**
 * CPU gather / scatterAdd (PyTorch semantics along one dim). The index tensor is walked in
 * row-major order a whole innermost row at a time, with the input offset of every other dim
 * kept in a running odometer, so no multi-index is built per element (the reference kernels
 * allocate one per element). Max-pool backward and cross-entropy's pick run through these.
 */
import type { TypedArray } from '../../core/dtype.ts';
import { sizeOf, stridesOf } from '../../core/shape.ts';
import { REFERENCE_KERNELS as R } from '../reference/kernels.ts';
import type { BackendBuffer, KernelArgs } from '../types.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

/**
 * Calls row(i, base, n) for each innermost row of `shape` starting at flat index i, where
 * base is the offset under `strides` of the row's first element with `dim` left out.
 */
function rows(shape: readonly number[], strides: readonly number[], dim: number, row: (i: number, base: number, n: number) => void): void {
  const rank = shape.length, last = rank - 1, n = shape[last];
  const total = sizeOf(shape);
  if (total === 0) return;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let i = 0; i < total; i += n) {
    row(i, base, n);
    for (let k = last - 1; k >= 0; k--) {
      counter[k]++;
      if (k !== dim) base += strides[k];
      if (counter[k] < shape[k]) break;
      if (k !== dim) base -= strides[k] * shape[k];
      counter[k] = 0;
    }
  }
}

/**
 * Whether a gather or scatter along the last dim has rows of its own: index and data agree on
 * every other dim, so row r of the index reads (or adds into) row r of the data alone and
 * ranges of rows can go to different threads. Then [rows, index row, data row]; else null.
 */
export function ownRows(dataShape: readonly number[], idxShape: readonly number[], dim: number): [number, number, number] | null {
  const last = idxShape.length - 1;
  if (last < 0 || dim !== last || dataShape.length !== idxShape.length) return null;
  for (let k = 0; k < last; k++) if (dataShape[k] !== idxShape[k]) return null;
  return [sizeOf(idxShape) / Math.max(1, idxShape[last]), idxShape[last], dataShape[last]];
}

/** O[r·n + j] = X[r·xn + I[r·n + j]] for rows [r0, r1) (ownRows' layout; arrays from their offsets). */
export function gatherRows(O: TypedArray, oo: number, X: TypedArray, xo: number, I: TypedArray, io: number, n: number, xn: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    const o = oo + r * n, i = io + r * n, x = xo + r * xn;
    for (let j = 0; j < n; j++) O[o + j] = X[x + I[i + j]];
  }
}

/** O[r·on + I[r·n + j]] += S[r·n + j] for rows [r0, r1), j in order (ownRows' layout). */
export function scatterRows(O: TypedArray, oo: number, S: TypedArray, so: number, I: TypedArray, io: number, n: number, on: number, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    const o = oo + r * on, i = io + r * n, s = so + r * n;
    for (let j = 0; j < n; j++) O[o + I[i + j]] += S[s + j];
  }
}

function gather(a: KernelArgs['gather']): void {
  if (a.idxShape.length === 0) return R.gather(a);
  const X = d(a.x), I = d(a.idx), O = d(a.out);
  const own = ownRows(a.xShape, a.idxShape, a.dim);
  if (own) return gatherRows(O, 0, X, 0, I, 0, own[1], own[2], 0, own[0]);
  const xs = stridesOf(a.xShape), last = a.idxShape.length - 1, sd = xs[a.dim], sl = xs[last];
  rows(a.idxShape, xs, a.dim, (i, base, n) => {
    if (last === a.dim) for (let j = 0; j < n; j++) O[i + j] = X[base + I[i + j] * sd];
    else for (let j = 0; j < n; j++) O[i + j] = X[base + j * sl + I[i + j] * sd];
  });
}

function scatterAdd(a: KernelArgs['scatterAdd']): void {
  if (a.idxShape.length === 0) return R.scatterAdd(a);
  const S = d(a.src), I = d(a.idx), O = d(a.out);
  if (a.zero) O.fill(0);
  const own = ownRows(a.outShape, a.idxShape, a.dim);
  if (own) return scatterRows(O, 0, S, 0, I, 0, own[1], own[2], 0, own[0]);
  const os = stridesOf(a.outShape), last = a.idxShape.length - 1, sd = os[a.dim], sl = os[last];
  rows(a.idxShape, os, a.dim, (i, base, n) => {
    if (last === a.dim) for (let j = 0; j < n; j++) O[base + I[i + j] * sd] += S[i + j];
    else for (let j = 0; j < n; j++) O[base + j * sl + I[i + j] * sd] += S[i + j];
  });
}

export const INDEX_KERNELS = { gather, scatterAdd };
