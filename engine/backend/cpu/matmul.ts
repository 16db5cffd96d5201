/**
 * CPU matrix multiply. Where WebAssembly SIMD exists (wasm.ts), float32 products of at least
 * 4×8 outputs pack op(A) into 4-row and op(B)ᵀ into 8-row panels in the module's memory and
 * run its 4×8 f32x4 micro-kernel. Otherwise products of at least 8×8 outputs pack into
 * 4-wide panels — which also absorbs any transpose flag — and run a 4×4 register-blocked
 * micro-kernel over them with k blocked for cache (measured ~1.3–2× the unpacked loops).
 * Thin products and float64 use unpacked loops, one per transpose variant, reading both
 * operands contiguously:
 *   NN  C = A·B     i-k-j, four rows of A at a time, blocked over k and j for cache
 *   NT  C = A·Bᵀ    dot products, 2×4 register block (the nn.Linear forward)
 *   TN  C = Aᵀ·B    k-i-j, four columns of A at a time (the weight gradient)
 *   TT  C = Aᵀ·Bᵀ   A transposed into scratch, then NT
 * For products of at least 4×4 outputs, NN and TN transpose their operands into scratch and
 * run NT, which is ~2× faster in JS than the i-k-j forms (measured at 512³).
 * Batches address their operands through per-batch offsets (broadcast batches repeat one).
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { BackendBuffer, KernelArgs } from '../types.ts';
import { scratch as kernelScratch } from './arena.ts';
import { jobParams, parallel } from './pool.ts';
import { BIAS_SLOT, OP_BIAS_COLS, OP_BIAS_ROWS, OP_PACK } from './threadOps.ts';
import type { Sink } from './pool.ts';
import { wasmMatmul } from './wasm.ts';
import { packRows } from './pack.ts';
import type { WasmMatmul } from './wasm.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;
const KB = 128;
const JB = 512;

/** C[m,n] = A[m,k] · B[k,n] (C overwritten). */
function mmNN(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number): void {
  C.fill(0, co, co + m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    for (let p0 = 0; p0 < k; p0 += KB) {
      const p1 = Math.min(k, p0 + KB);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = co + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        const r0 = ao + i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        for (let p = p0; p < p1; p++) {
          const a0 = A[r0 + p], a1 = A[r1 + p], a2 = A[r2 + p], a3 = A[r3 + p];
          const br = bo + p * n;
          for (let j = j0; j < j1; j++) {
            const b = B[br + j];
            C[c0 + j] += a0 * b; C[c1 + j] += a1 * b; C[c2 + j] += a2 * b; C[c3 + j] += a3 * b;
          }
        }
      }
      for (; i < m; i++) {
        const c0 = co + i * n, r0 = ao + i * k;
        for (let p = p0; p < p1; p++) {
          const a0 = A[r0 + p], br = bo + p * n;
          for (let j = j0; j < j1; j++) C[c0 + j] += a0 * B[br + j];
        }
      }
    }
  }
}

/** C[m,n] = A[m,k] · B[n,k]ᵀ. */
function mmNT(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = ao + i * k, a1 = a0 + k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = bo + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p], x1 = A[a1 + p];
        const y0 = B[b0 + p], y1 = B[b1 + p], y2 = B[b2 + p], y3 = B[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      const c0 = co + i * n + j, c1 = c0 + n;
      C[c0] = s00; C[c0 + 1] = s01; C[c0 + 2] = s02; C[c0 + 3] = s03;
      C[c1] = s10; C[c1 + 1] = s11; C[c1 + 2] = s12; C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      const b0 = bo + j * k;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) { const y = B[b0 + p]; s0 += A[a0 + p] * y; s1 += A[a1 + p] * y; }
      C[co + i * n + j] = s0; C[co + (i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const a0 = ao + i * k;
    for (let j = 0; j < n; j++) {
      const b0 = bo + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p] * B[b0 + p];
      C[co + i * n + j] = s;
    }
  }
}

/** C[m,n] = A[k,m]ᵀ · B[k,n]. */
function mmTN(A: TypedArray, ao: number, B: TypedArray, bo: number, C: TypedArray, co: number, m: number, k: number, n: number): void {
  C.fill(0, co, co + m * n);
  for (let j0 = 0; j0 < n; j0 += JB) {
    const j1 = Math.min(n, j0 + JB);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = co + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      for (let p = 0; p < k; p++) {
        const ar = ao + p * m + i;
        const a0 = A[ar], a1 = A[ar + 1], a2 = A[ar + 2], a3 = A[ar + 3];
        const br = bo + p * n;
        for (let j = j0; j < j1; j++) {
          const b = B[br + j];
          C[c0 + j] += a0 * b; C[c1 + j] += a1 * b; C[c2 + j] += a2 * b; C[c3 + j] += a3 * b;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = co + i * n;
      for (let p = 0; p < k; p++) {
        const a0 = A[ao + p * m + i], br = bo + p * n;
        for (let j = j0; j < j1; j++) C[c0 + j] += a0 * B[br + j];
      }
    }
  }
}

/** Reused transpose scratch per array type (grown on demand; kernels are synchronous). */
const scratch = new Map<unknown, TypedArray>();
function scratchFor(like: TypedArray, n: number, slot: number): TypedArray {
  const key = `${like.constructor.name}${slot}`;
  let s = scratch.get(key);
  if (!s || s.length < n) {
    s = new (like.constructor as new (n: number) => TypedArray)(Math.max(n, 1024));
    scratch.set(key, s);
  }
  return s;
}

/** dst[c, r] = src[off + r*cols + c] for an r×c block: dst is [cols, rows]. */
function transposeInto(src: TypedArray, off: number, rows: number, cols: number, dst: TypedArray): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T)
    for (let c0 = 0; c0 < cols; c0 += T) {
      const r1 = Math.min(rows, r0 + T), c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[c * rows + r] = src[off + r * cols + c];
    }
}

/** Left (m×k) and right (k×n) operands of the WASM kernel as they lie in memory. */
interface Operand { src: TypedArray; off: number; rows: number; cols: number; colMajor: boolean; at: number }

/** Where C goes: the array, its offset, and (≥ 0) the float offset of its storage in the kernel's memory. */
interface Out { C: TypedArray; co: number; at: number }

/** Whether the kernel may write C in place: in the shared memory, untransposed, whole 4×8 blocks. */
const inPlace = (o: Out, m: number, n: number, transOut: boolean): boolean => o.at >= 0 && !transOut && m % 4 === 0 && n % 8 === 0;

/** A buffer's float offset in the kernel's shared memory (arena.ts), or −1. */
const memAt = (b: BackendBuffer): number => {
  const addr = (b as { addr?: number }).addr ?? -1;
  return addr >= 0 ? addr / 4 : -1;
};

/** Work units (pool.ts's multiply-add scale) per packed element: a strided JS copy. */
const PACK_COST = 16;

/** Sets up an OP_PACK job for op(X)'s panels when X lies in the shared memory; false if it does not. */
function packJob(X: Operand, rows: number, k: number, trans: boolean, w: number, dst: number): boolean {
  if (X.at < 0) return false;
  const p = jobParams();
  p[0] = X.at + X.off; p[1] = rows; p[2] = k; p[3] = trans ? 1 : 0; p[4] = dst; p[5] = w;
  return true;
}

/**
 * Packs op(X) (rows×k) into w-row panels at `dst`: across threads when X is in the shared
 * memory, else from one bulk copy of X to `tmp` (rows·k floats of the kernel's memory), so the
 * SIMD pack does it either way (the JavaScript pack of a strided operand costs ~1.5 ns an
 * element, the copy a fraction of that).
 */
function packPanels(M: Float32Array, X: Operand, rows: number, k: number, trans: boolean, w: number, dst: number, tmp: number): void {
  if (packJob(X, rows, k, trans, w, dst)) parallel(Math.ceil(rows / w), rows * k * PACK_COST, (s, u0, u1) => s.js(OP_PACK, u0, u1));
  else packHost(M, X, rows, k, trans, w, dst, tmp);
}

/** packPanels for an operand outside the kernel's memory, on this thread. */
function packHost(M: Float32Array, X: Operand, rows: number, k: number, trans: boolean, w: number, dst: number, tmp: number): void {
  M.set(X.src.subarray(X.off, X.off + rows * k), tmp);
  packRows(M, tmp, rows, k, trans, M, w, dst);
}

/**
 * Sets up the OP_BIAS constants for a bias row (float offset `bias`, n floats) added to every
 * row of the m×n product at cOff with pitch ldc; false (nothing to do here) for no bias.
 */
function biasJob(bias: number, cOff: number, ldc: number, m: number, n: number): boolean {
  if (bias < 0) return false;
  const p = jobParams();
  p[BIAS_SLOT] = cOff; p[BIAS_SLOT + 1] = ldc; p[BIAS_SLOT + 2] = m; p[BIAS_SLOT + 3] = n; p[BIAS_SLOT + 4] = bias;
  return true;
}

/**
 * Big products: both operands packed (4-row panels of L, 8-column panels of R), the packed
 * kernel. With a bias (float offset ≥ 0) and C written in place, each chunk adds it to its
 * rows; true when it did.
 */
function mmWasmPacked(w: WasmMatmul, L: Operand, R: Operand, out: Out, transOut: boolean, copyL: boolean, copyR: boolean, bias: number): boolean {
  const m = L.rows, k = L.cols, n = R.cols;
  const mp = Math.ceil(m / 4), np = Math.ceil(n / 8), ldc = np * 8;
  const direct = inPlace(out, m, n, transOut);
  // Then room for an operand outside the kernel's memory on its way to being packed.
  const tmpSize = (copyR && R.at < 0) || (copyL && L.at < 0) ? Math.max(m, n) * k : 0;
  const size = mp * 4 * k + np * 8 * k + (direct ? 0 : mp * 4 * ldc);
  const aOff = kernelScratch(size + tmpSize), bOff = aOff + mp * 4 * k, tmp = aOff + size;
  const cOff = direct ? out.at + out.co : bOff + np * 8 * k;
  const M = w.view(Math.max(tmp + tmpSize, cOff + mp * 4 * ldc));
  if (copyR) packPanels(M, R, n, k, !R.colMajor, 8, bOff, tmp);
  // Threads take ranges of A panels, each packing its own panels just before it multiplies
  // them (still in cache): each C row block is one thread's, computed as on one thread.
  const packL = copyL && packJob(L, m, k, L.colMajor, 4, aOff);
  if (copyL && !packL) packHost(M, L, m, k, L.colMajor, 4, aOff, tmp);
  const addBias = direct && biasJob(bias, cOff, ldc, m, n);
  parallel(mp, m * n * k, (s, i0, i1) => {
    if (packL) s.js(OP_PACK, i0, i1);
    s.mmp(4 * (aOff + i0 * 4 * k), 4 * bOff, 4 * (cOff + i0 * 4 * ldc), i1 - i0, np, k, 32);
    if (addBias) s.js(OP_BIAS_ROWS, i0, i1);
  });
  if (!direct) copyOut(M, cOff, ldc, out.C, out.co, m, n, transOut);
  return addBias;
}

/** C (or Cᵀ with transOut) from the kernel's padded m×n block at cOff with pitch ldc. */
function copyOut(M: Float32Array, cOff: number, ldc: number, C: TypedArray, co: number, m: number, n: number, transOut: boolean): void {
  if (transOut) {
    for (let i = 0; i < m; i++) {
      const src = cOff + i * ldc;
      for (let j = 0; j < n; j++) C[co + j * m + i] = M[src + j];
    }
  } else if (ldc === n) C.set(M.subarray(cOff, cOff + m * n), co);
  else for (let i = 0; i < m; i++) C.set(M.subarray(cOff + i * ldc, cOff + i * ldc + n), co + i * n);
}

/**
 * The WASM SIMD path for one product C = L·R (L m×k, R k×n, either stored row-major or
 * column-major). L is read in place through row addresses; R in place when it is row-major
 * (k×n, n contiguous), else packed into 8-column panels. Operands are copied into the
 * module's memory with one bulk copy each (skipped when the previous batch element used the
 * same ones). With `transOut`, C is written transposed (the caller swapped the operands).
 */
function mmWasm(w: WasmMatmul, L: Operand, R: Operand, out: Out, transOut: boolean, copyL: boolean, copyR: boolean, bias = -1): boolean {
  const m = L.rows, k = L.cols, n = R.cols;
  const mp = Math.ceil(m / 4), np = Math.ceil(n / 8), ldc = np * 8;
  if (m >= PACK_ROWS && n >= PACK_ROWS) return mmWasmPacked(w, L, R, out, transOut, copyL, copyR, bias);
  const rDirect = !R.colMajor;
  // Layout in floats: A row tables, B row table, L, R (+ slack for the last panel's overread), C.
  const rSize = rDirect ? k * n + 8 : np * 8 * k;
  const at = aTableInts(m, k), lRel = align4(at + k), rRel = align4(lRel + m * k), cRel = align4(rRel + rSize);
  // Operands and C already in the shared memory are read and written where they lie.
  const lIn = L.at >= 0, rIn = rDirect && R.at >= 0, cIn = inPlace(out, m, n, transOut);
  // Then room for R on its way to being packed when it lies outside the kernel's memory.
  const tRel = align4(cRel + mp * 4 * ldc), tmpSize = !rDirect && R.at < 0 ? n * k : 0;
  const aTab = kernelScratch(tRel + tmpSize), bTab = aTab + at;
  const lOff = lIn ? L.at + L.off : aTab + lRel, rOff = rIn ? R.at + R.off : aTab + rRel, cOff = cIn ? out.at + out.co : aTab + cRel;
  const M = w.view(Math.max(aTab + tRel + tmpSize, cOff + mp * 4 * ldc));
  const T = w.ints();
  if (copyL && !lIn) M.set(L.src.subarray(L.off, L.off + m * k), lOff);
  let packR = false;
  if (copyR) {
    if (rDirect) {
      if (!rIn) {
        M.set(R.src.subarray(R.off, R.off + k * n), rOff);
        M.fill(0, rOff + k * n, rOff + k * n + 8);
      }
      for (let p = 0; p < k; p++) T[bTab + p] = 4 * p * n;
    } else {
      packR = packJob(R, n, k, !R.colMajor, 8, rOff);
      if (!packR) packHost(M, R, n, k, !R.colMajor, 8, rOff, aTab + tRel);
      for (let p = 0; p < k; p++) T[bTab + p] = 32 * p;
    }
  }
  const colMajor = L.colMajor, addBias = cIn && biasJob(bias, cOff, ldc, m, n);
  gemmBlocked(w, {
    aTab, row: (i) => lOff + (colMajor ? i : i * k), m, k, aStep: colMajor ? m : 1,
    b: rOff, bTab, bPanel: rDirect ? 8 : 8 * k, nPanels: np, c: cOff, ldc, accumulate: false, bias: addBias,
  }, packR);
  if (!cIn) copyOut(M, cOff, ldc, out.C, out.co, m, n, transOut);
  return addBias;
}

export const align4 = (x: number): number => (x + 3) & ~3;
/** WASM blocking: rows of k per pass, and A panels (of 4 rows) per call. */
const WKC = 256, WMC = 16;
/** Products at least this big on both sides pack both operands (the JS copy is then cheap next to the work). */
const PACK_ROWS = 192;

/** One product for the WASM kernel; offsets and strides in floats of the module's memory. */
export interface Gemm {
  /** Where the A row tables go (aTableInts(m, k) ints) and each row's first element. */
  aTab: number;
  row: (i: number) => number;
  m: number;
  k: number;
  aStep: number;
  /** B base, its row-offset table (k ints, bytes, already filled), panel stride. */
  b: number;
  bTab: number;
  bPanel: number;
  nPanels: number;
  c: number;
  ldc: number;
  accumulate: boolean;
  /** After its last k block each chunk adds the bias row of the OP_BIAS constants (biasJob) to the C block it wrote. */
  bias?: boolean;
}

/** Ints of the A row tables gemmBlocked writes at aTab: one table of 4·⌈m/4⌉ rows per block of k. */
export const aTableInts = (m: number, k: number): number => Math.ceil(k / WKC) * Math.ceil(m / 4) * 4;

/** Writes the A row tables of every k block (before any call, so threads only read them). */
export function fillTables(w: WasmMatmul, g: Gemm): void {
  const T = w.ints(), rows = Math.ceil(g.m / 4) * 4;
  for (let k0 = 0, t = g.aTab; k0 < g.k; k0 += WKC, t += rows) {
    for (let i = 0; i < rows; i++) T[t + i] = 4 * (g.row(Math.min(i, g.m - 1)) + k0 * g.aStep);
  }
}

/**
 * The calls of output panels [pa, pb) × [ja, jb): blocked over k (WKC rows of B stay in cache
 * and in the TLB), then over m (WMC panels of A stay in L2). The order of k blocks per output
 * block is fixed, so how the panels are split does not change any result.
 */
export function emitGemm(s: Sink, g: Gemm, pa: number, pb: number, ja: number, jb: number): void {
  const rows = Math.ceil(g.m / 4) * 4;
  for (let k0 = 0, t = g.aTab; k0 < g.k; k0 += WKC, t += rows) {
    const kc = Math.min(WKC, g.k - k0);
    for (let i0 = pa; i0 < pb; i0 += WMC) {
      s.mm({
        aTable: 4 * (t + i0 * 4), aStep: 4 * g.aStep, b: 4 * (g.b + ja * g.bPanel), bTable: 4 * (g.bTab + k0), bPanel: 4 * g.bPanel,
        c: 4 * (g.c + i0 * 4 * g.ldc + ja * 8), ldc: 4 * g.ldc, mPanels: Math.min(WMC, pb - i0), nPanels: jb - ja, k: kc,
        accumulate: g.accumulate || k0 > 0,
      });
    }
  }
}

/**
 * Runs one product on the kernel (rows past m repeat row m − 1, so nothing reads out of
 * range), split across threads over whichever of B panels or A panels are more numerous.
 * With `packB`, B's panels are still to be packed by the OP_PACK job the caller set up: a
 * split over B panels packs each range's own panels just before multiplying them (one fork
 * and join, not two; measured 1.46× → 1.6× at 2 threads on 128×256·256ᵀ), else all first.
 * So with `packB` and an A small enough to stay in cache while every chunk reads it
 * (PACKED_SPLIT_A), B panels are split even where A panels are a few more: LeNet-5's
 * 64×400·(120×400)ᵀ (15 B panels, 16 A panels) at 2 threads 126–141 → 97–110 µs, one thread
 * 140–155 µs (Node); split over A panels, every 2-panel chunk streamed all of packed B.
 */
export function gemmBlocked(w: WasmMatmul, g: Gemm, packB = false): void {
  fillTables(w, g);
  const mp = Math.ceil(g.m / 4), work = g.m * g.k * g.nPanels * 8;
  // Below SPLIT_MIN the whole product stays on this thread (work 0: parallel runs it here).
  const split = work >= SPLIT_MIN ? 1 : 0;
  if (g.nPanels >= mp || (packB && g.nPanels >= PACKED_SPLIT_PANELS && g.m * g.k <= PACKED_SPLIT_A)) {
    parallel(g.nPanels, split * (work + (packB ? g.nPanels * 8 * g.k * PACK_COST : 0)), (s, j0, j1) => {
      if (packB) s.js(OP_PACK, j0, j1);
      emitGemm(s, g, 0, mp, j0, j1);
      if (g.bias) s.js(OP_BIAS_COLS, j0, j1);
    });
    return;
  }
  if (packB) parallel(g.nPanels, split * g.nPanels * 8 * g.k * PACK_COST, (s, u0, u1) => s.js(OP_PACK, u0, u1));
  parallel(mp, split * work, (s, i0, i1) => {
    emitGemm(s, g, i0, i1, 0, g.nPanels);
    if (g.bias) s.js(OP_BIAS_ROWS, i0, i1);
  });
}

/** B panels (one for each of a 2-thread job's 8 chunks) and A floats (256 KB) from and up to which a packed-B product is split over B panels regardless. */
const PACKED_SPLIT_PANELS = 8, PACKED_SPLIT_A = 1 << 16;

/**
 * Multiply-adds under which a product that is not packed on both sides stays on one thread:
 * a second thread pays a fork, a join and its copy of the operands from the other core's
 * cache, which small products do not earn back (Node, MLP step at 2 threads vs 1: 128×10·10×256
 * 34 → 77–97 µs split in two chunks; LeNet-5's 64×84·84×120 54 → 99 µs; at 2¹⁷ a chunk).
 */
export const SPLIT_MIN = 1 << 20;

/**
 * Per element, writing a product transposed (a strided JavaScript copy on one thread, after a
 * job of its own) costs about this many SIMD packs. 128×784·(256×784)ᵀ: packing B and writing
 * C in place takes 678 µs at 2 threads, packing A and writing Cᵀ 776–892 (1225 either way at
 * one); 128×256·(256×256)ᵀ 250 vs 266 µs.
 */
const OUT_T = 8;

/**
 * Batched WASM matmul: picks operand roles so that nothing needs packing where possible.
 * NN and TN read both operands in place; TT computes Cᵀ = B·A (both in place); NT packs
 * whichever side is cheaper (B, or A with the product written transposed).
 */
function matmulWasm(w: WasmMatmul, A: TypedArray, B: TypedArray, C: TypedArray, a: KernelArgs['matmul'], bias: number): boolean {
  const aAt = memAt(a.a), bAt = memAt(a.b), cAt = memAt(a.out);
  const { batch, m, k, n, transA, transB, aOffsets, bOffsets } = a;
  const swap = transB && (transA || m * k + OUT_T * m * n < n * k);
  let added = false;
  for (let t = 0; t < batch; t++) {
    const sameA = t > 0 && aOffsets[t] === aOffsets[t - 1], sameB = t > 0 && bOffsets[t] === bOffsets[t - 1];
    if (!swap) {
      const L: Operand = { src: A, off: aOffsets[t], rows: m, cols: k, colMajor: transA, at: aAt };
      const R: Operand = { src: B, off: bOffsets[t], rows: k, cols: n, colMajor: transB, at: bAt };
      added = mmWasm(w, L, R, { C, co: t * m * n, at: cAt }, false, !sameA, !sameB, batch === 1 ? bias : -1);
    } else {
      // Cᵀ = op(B)ᵀ·op(A)ᵀ: left is B as stored (n×k row-major), right is op(A)ᵀ (k×m).
      const L: Operand = { src: B, off: bOffsets[t], rows: n, cols: k, colMajor: false, at: bAt };
      const R: Operand = { src: A, off: aOffsets[t], rows: k, cols: m, colMajor: !transA, at: aAt };
      mmWasm(w, L, R, { C, co: t * m * n, at: cAt }, true, !sameB, !sameA);
    }
  }
  return added;
}

const KC = 256;

/** C[m,n] = Ap·Bpᵀ over packed 4-wide panels: a 4×4 register block per step of k, k blocked by KC. */
function mmPacked(Ap: Float32Array, Bp: Float32Array, C: TypedArray, co: number, m: number, k: number, n: number): void {
  C.fill(0, co, co + m * n);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(k, p0 + KC);
    for (let j0 = 0; j0 < n; j0 += 4) {
      const bb = j0 * k + p0 * 4, cols = Math.min(4, n - j0);
      for (let i0 = 0; i0 < m; i0 += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let p = p0, ai = i0 * k + p0 * 4, bi = bb; p < p1; p++, ai += 4, bi += 4) {
          const a0 = Ap[ai], a1 = Ap[ai + 1], a2 = Ap[ai + 2], a3 = Ap[ai + 3];
          const b0 = Bp[bi], b1 = Bp[bi + 1], b2 = Bp[bi + 2], b3 = Bp[bi + 3];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const rows = Math.min(4, m - i0);
        let o = co + i0 * n + j0;
        if (rows === 4 && cols === 4) {
          C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += n;
          C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += n;
          C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += n;
          C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
          continue;
        }
        const blk = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++, o += n) for (let c = 0; c < cols; c++) C[o + c] += blk[r * 4 + c];
      }
    }
  }
}

let packA = new Float32Array(0), packB = new Float32Array(0);

/**
 * The matmul kernel. `bias` (linear.ts): the float offset in the shared memory of a row of n
 * floats that a one-product WASM call adds to each row of C inside its chunks, where C is
 * written in place; true when it did (else the caller adds it).
 */
export function matmul(args: KernelArgs['matmul'], bias = -1): boolean {
  const { a, b, out, batch, m, k, n, transA, transB, aOffsets, bOffsets } = args;
  const A = d(a), B = d(b), C = d(out);
  // Big enough products run the packed 4×4 kernel (packing also absorbs the transposes);
  // thin ones (a few rows or columns) the unpacked loops, where packing would not pay.
  if (wasmMatmul && m >= 4 && n >= 4 && k >= 4 && C instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array) {
    return matmulWasm(wasmMatmul, A, B, C, args, bias);
  }
  if (m >= 8 && n >= 8 && k >= 4 && !(C instanceof Float64Array)) {
    const mp = Math.ceil(m / 4) * 4 * k, np = Math.ceil(n / 4) * 4 * k;
    if (packA.length < mp) packA = new Float32Array(mp);
    if (packB.length < np) packB = new Float32Array(np);
    for (let t = 0; t < batch; t++) {
      if (t === 0 || aOffsets[t] !== aOffsets[t - 1]) packRows(A, aOffsets[t], m, k, transA, packA);
      if (t === 0 || bOffsets[t] !== bOffsets[t - 1]) packRows(B, bOffsets[t], n, k, !transB, packB);
      mmPacked(packA, packB, C, t * m * n, m, k, n);
    }
    return false;
  }

  // NT (both operands read along k) is the fastest kernel; other layouts transpose into
  // scratch first when the product is big enough for the O(size) copy to pay off.
  const big = m >= 4 && n >= 4;
  for (let t = 0; t < batch; t++) {
    const ao = aOffsets[t], bo = bOffsets[t], co = t * m * n;
    let Ax = A, ax = ao, Bx = B, bx = bo;
    if (transA && (big || transB)) {
      Ax = scratchFor(A, m * k, 0);
      transposeInto(A, ao, k, m, Ax);
      ax = 0;
    }
    const aRowMajor = !transA || Ax !== A;
    if (aRowMajor && !transB && big) {
      Bx = scratchFor(B, k * n, 1);
      transposeInto(B, bo, k, n, Bx);
      bx = 0;
    }
    const bColMajor = transB || Bx !== B;
    if (aRowMajor && bColMajor) mmNT(Ax, ax, Bx, bx, C, co, m, k, n);
    else if (aRowMajor) mmNN(Ax, ax, B, bo, C, co, m, k, n);
    else mmTN(A, ao, B, bo, C, co, m, k, n);
  }
  return false;
}
