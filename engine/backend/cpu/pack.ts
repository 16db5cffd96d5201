/**
 * Operand packing for the matmul micro-kernels: op(A) (m×k) into w-row panels. Its own file
 * because both the calling thread (matmul.ts) and the pool threads (threadOps.ts, OP_PACK)
 * run it: big products pack their panels across threads, since a serial pack was ~25% of a
 * 2-thread 1024³ product.
 */
import type { TypedArray } from '../../core/dtype.ts';

/**
 * Packs panels [p0, p1) of op(A) (m×k, A stored m×k or, with `trans`, k×m) into P:
 * P[o + i0·k + p·w + r] = op(A)[i0 + r, p], rows past m zero, so a micro-kernel streams both
 * operands contiguously whatever their layout. Panels are disjoint, so any split of them
 * writes the same bytes.
 */
export function packRows(A: TypedArray, ao: number, m: number, k: number, trans: boolean, P: Float32Array, w = 4, o = 0, p0 = 0, p1 = Math.ceil(m / w)): void {
  const lda = trans ? m : k;
  for (let i0 = p0 * w; i0 < Math.min(m, p1 * w); i0 += w) {
    const base = o + i0 * k, rows = Math.min(w, m - i0);
    if (trans) {
      // op(A) rows are columns of A: read w consecutive elements of each row of A.
      for (let p = 0; p < k; p++) {
        const src = ao + p * lda + i0, dst = base + p * w;
        for (let r = 0; r < rows; r++) P[dst + r] = A[src + r];
        for (let r = rows; r < w; r++) P[dst + r] = 0;
      }
      continue;
    }
    for (let r = 0; r < w; r++) {
      if (r >= rows) { for (let p = 0; p < k; p++) P[base + p * w + r] = 0; continue; }
      for (let p = 0, a = ao + (i0 + r) * lda; p < k; p++) P[base + p * w + r] = A[a + p];
    }
  }
}
