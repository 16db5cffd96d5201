/**
 * Row iteration over broadcast / strided views. Dimensions that are contiguous for every
 * operand are merged first, so a same-shape op becomes one long row and a bias add becomes
 * rows of the bias length; kernels then run a tight loop per row instead of computing a
 * multi-index per element.
 */

/** Drops size-1 dims and merges dims that are contiguous in every operand's strides. */
export function collapse(shape: readonly number[], strides: (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      for (let k = 0; k < strides.length; k++) outStrides[k][last] = strides[k][d];
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(1);
  }
  return { shape: outShape, strides: outStrides };
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
