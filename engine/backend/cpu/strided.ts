/**
 * Row iteration over broadcast / strided views. Dimensions that are contiguous for every
 * operand are merged first, so a same-shape op becomes one long row and a bias add becomes
 * rows of the bias length; kernels then run a tight loop per row instead of computing a
 * multi-index per element.
 */
import { collapseDims } from '../../core/shape.ts';

/** Drops size-1 dims and merges contiguous ones (core/shape.ts); CPU loops want at least rank 1. */
export function collapse(shape: readonly number[], strides: (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const r = collapseDims(shape, strides);
  if (r.shape.length === 0) {
    r.shape.push(1);
    for (const s of r.strides) s.push(1);
  }
  return r;
}

/**
 * Calls `row(offsets, n, innerStrides)` once per innermost row of `shape`, with each
 * operand's starting offset (base offsets added). `offsets` is reused between calls.
 */
export function forEachRow(
  shape: readonly number[],
  strides: (readonly number[])[],
  bases: readonly number[],
  row: (offsets: number[], n: number, inner: number[]) => void,
): void {
  const c = collapse(shape, strides);
  const rank = c.shape.length;
  const k = strides.length;
  const n = c.shape[rank - 1];
  const inner = c.strides.map((s) => s[rank - 1]);
  const offsets = [...bases];
  if (n === 0 || shape.some((d) => d === 0)) return;
  const counter = new Array<number>(rank).fill(0);
  for (;;) {
    row(offsets, n, inner);
    let d = rank - 2;
    for (; d >= 0; d--) {
      counter[d]++;
      for (let q = 0; q < k; q++) offsets[q] += c.strides[q][d];
      if (counter[d] < c.shape[d]) break;
      for (let q = 0; q < k; q++) offsets[q] -= c.strides[q][d] * c.shape[d];
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}
