/**
 * Operand packing for the matmul micro-kernels: op(A) (m×k) into w-row panels. Its own file
 * because both the calling thread (matmul.ts) and the pool threads (threadOps.ts, OP_PACK)
 * run it: big products pack their panels across threads, since a serial pack was ~25% of a
 * 2-thread 1024³ product.
 */
import type { TypedArray } from '../../core/dtype.ts';

/** The module's `pack` export (wasm.ts) bound to this thread's instance: (src, lda, dst, k, panels, w/4, trans), bytes. */
export type WasmPack = (src: number, lda: number, dst: number, k: number, panels: number, w4: number, trans: number) => void;
let wasmPack: WasmPack | null = null;

/** Installs this thread's SIMD pack (wasm.ts on binding an instance, threadLoop.ts in each pool thread). */
export function useWasmPack(fn: WasmPack | null): void {
  wasmPack = fn;
}

/**
 * Packs panels [p0, p1) of op(A) (m×k, A stored m×k or, with `trans`, k×m) into P:
 * P[o + i0·k + p·w + r] = op(A)[i0 + r, p], rows past m zero, so a micro-kernel streams both
 * operands contiguously whatever their layout. Panels are disjoint, so any split of them
 * writes the same bytes. When A and P are both the kernel's memory (A === P, as OP_PACK
 * passes them), whole panels go to the SIMD pack and JavaScript does the rest: a last
 * partial panel and, untransposed, the last k mod 4 steps.
 */
export function packRows(A: TypedArray, ao: number, m: number, k: number, trans: boolean, P: Float32Array, w = 4, o = 0, p0 = 0, p1 = Math.ceil(m / w)): void {
  const lda = trans ? m : k;
  let rest = p0;
  if (wasmPack && A === P && P.byteOffset === 0 && (w === 4 || w === 8)) {
    const full = Math.min(p1, Math.floor(m / w));
    if (full > p0) {
      wasmPack(4 * (ao + p0 * w * (trans ? 1 : lda)), 4 * lda, 4 * (o + p0 * w * k), k, full - p0, w / 4, trans ? 1 : 0);
      if (!trans && k % 4 !== 0) packJs(A, ao, m, k, false, P, w, o, p0, full, k & ~3);
      rest = full;
    }
  }
  packJs(A, ao, m, k, trans, P, w, o, rest, p1, 0);
}

/** packRows in JavaScript; untransposed, from step `from` of k on. */
function packJs(A: TypedArray, ao: number, m: number, k: number, trans: boolean, P: Float32Array, w: number, o: number, p0: number, p1: number, from: number): void {
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
      if (r >= rows) { for (let p = from; p < k; p++) P[base + p * w + r] = 0; continue; }
      for (let p = from, a = ao + (i0 + r) * lda; p < k; p++) P[base + p * w + r] = A[a + p];
    }
  }
}
