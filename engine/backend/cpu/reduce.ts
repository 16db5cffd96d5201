/**
 * CPU reductions and softmax over [outer, n, inner] views. Sums over the last axis (inner == 1)
 * run one contiguous loop per output; otherwise whole inner rows are accumulated at once, so
 * memory is always read in order. Sums accumulate in float64 for accuracy.
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { BackendBuffer, KernelArgs, ReduceOp } from '../types.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

function reduce({ op, x, out, outer, n, inner }: KernelArgs['reduce']): void {
  reduceRange(op, d(x), 0, d(out), 0, n, inner, 0, outer, 0, inner);
}

/**
 * Outputs [p0, p1) × [q0, q1) of a reduction over [outer, n, inner] views at offsets xo and
 * oo. Every output is accumulated over r in order, whatever range it is computed in, so a
 * split over outputs (threads) gives the unsplit results bit for bit.
 */
export function reduceRange(op: ReduceOp, X: TypedArray, xo: number, O: TypedArray, oo: number, n: number, inner: number, p0: number, p1: number, q0: number, q1: number): void {
  if (inner === 1 && (op === 'sum' || op === 'mean')) {
    for (let p = p0; p < p1; p++) O[oo + p] = op === 'mean' ? sumRow(X, xo + p * n, n) / n : sumRow(X, xo + p * n, n);
    return;
  }
  const w = q1 - q0;
  const acc = new Float64Array(w);
  const arg = op === 'argmax' || op === 'argmin' ? new Int32Array(w) : null;
  for (let p = p0; p < p1; p++) {
    const base = xo + p * n * inner + q0;
    if (op === 'sum' || op === 'mean') acc.fill(0);
    else if (op === 'prod') acc.fill(1);
    else if (op === 'max') acc.fill(-Infinity);
    else if (op === 'min') acc.fill(Infinity);
    else { arg!.fill(0); for (let q = 0; q < w; q++) acc[q] = n > 0 ? X[base + q] : 0; }
    for (let r = 0; r < n; r++) {
      const o = base + r * inner;
      switch (op) {
        case 'sum': case 'mean': for (let q = 0; q < w; q++) acc[q] += X[o + q]; break;
        case 'prod': for (let q = 0; q < w; q++) acc[q] *= X[o + q]; break;
        case 'max': for (let q = 0; q < w; q++) { const v = X[o + q]; if (v > acc[q] || v !== v) acc[q] = v; } break;
        case 'min': for (let q = 0; q < w; q++) { const v = X[o + q]; if (v < acc[q] || v !== v) acc[q] = v; } break;
        case 'argmax': for (let q = 0; q < w; q++) if (X[o + q] > acc[q]) { acc[q] = X[o + q]; arg![q] = r; } break;
        case 'argmin': for (let q = 0; q < w; q++) if (X[o + q] < acc[q]) { acc[q] = X[o + q]; arg![q] = r; } break;
      }
    }
    const ob = oo + p * inner + q0;
    if (arg) for (let q = 0; q < w; q++) O[ob + q] = arg[q];
    else if (op === 'mean') for (let q = 0; q < w; q++) O[ob + q] = acc[q] / n;
    else for (let q = 0; q < w; q++) O[ob + q] = acc[q];
  }
}

/** The module's `colsum` export (wasmEw.ts) bound to this thread's instance. */
export type WasmColSum = (o: number, x: number, n: number, rowBytes: number, quads: number, mean: number) => void;
let wasmColSum: WasmColSum | null = null;

/** Installs this thread's SIMD column sums (wasm.ts on binding an instance, threadLoop.ts in each pool thread). */
export function useWasmColSum(fn: WasmColSum | null): void {
  wasmColSum = fn;
}

/** The module's `rowsum` export (wasmEw.ts) bound to this thread's instance; the last argument pads it to the shared six-i32 function type. */
export type WasmRowSum = (o: number, x: number, rows: number, n: number, mean: number, unused: number) => void;
let wasmRowSum: WasmRowSum | null = null;

/** Installs this thread's SIMD row sums (wasm.ts on binding an instance, threadLoop.ts in each pool thread). */
export function useWasmRowSum(fn: WasmRowSum | null): void {
  wasmRowSum = fn;
}

/**
 * reduceRange for a sum or mean whose input and output are both `mem`, the kernel's whole
 * float32 memory as thread jobs pass it, on the SIMD sums (the same arithmetic): over rows
 * (inner > 1) columns in fours, any last one to three here; along rows (inner 1) whole rows.
 */
export function simdSumRange(op: ReduceOp, mem: Float32Array, xo: number, oo: number, n: number, inner: number, p0: number, p1: number, q0: number, q1: number): void {
  if (inner === 1 && wasmRowSum && mem.byteOffset === 0 && (op === 'sum' || op === 'mean')) {
    // Along rows: sumRow's four partial sums in SIMD lanes (the same order).
    wasmRowSum(4 * (oo + p0), 4 * (xo + p0 * n), p1 - p0, n, op === 'mean' ? 1 : 0, 0);
    return;
  }
  const quads = (q1 - q0) >> 2;
  if (!wasmColSum || mem.byteOffset !== 0 || inner === 1 || (op !== 'sum' && op !== 'mean') || quads === 0) {
    reduceRange(op, mem, xo, mem, oo, n, inner, p0, p1, q0, q1);
    return;
  }
  for (let p = p0; p < p1; p++) wasmColSum(4 * (oo + p * inner + q0), 4 * (xo + p * n * inner + q0), n, 4 * inner, quads, op === 'mean' ? 1 : 0);
  if (q0 + 4 * quads < q1) reduceRange(op, mem, xo, mem, oo, n, inner, p0, p1, q0 + 4 * quads, q1);
}

/**
 * Σ X[o .. o + n) in float64 over four interleaved partial sums, added as (s0 + s1) + (s2 + s3)
 * and then the tail: one accumulator makes every add wait for the previous one (a convolution's
 * bias gradient sums 50k values per channel).
 */
function sumRow(X: TypedArray, o: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, r = 0;
  for (; r + 4 <= n; r += 4) {
    s0 += X[o + r]; s1 += X[o + r + 1]; s2 += X[o + r + 2]; s3 += X[o + r + 3];
  }
  let s = (s0 + s1) + (s2 + s3);
  for (; r < n; r++) s += X[o + r];
  return s;
}

function softmax({ x, out, outer, n, inner, log }: KernelArgs['softmax']): void {
  const X = d(x), O = d(out);
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const b = p * n * inner + q;
      let mx = -Infinity;
      for (let r = 0, o = b; r < n; r++, o += inner) if (X[o] > mx) mx = X[o];
      let s = 0;
      if (log) {
        for (let r = 0, o = b; r < n; r++, o += inner) s += Math.exp(X[o] - mx);
        const ls = mx + Math.log(s);
        for (let r = 0, o = b; r < n; r++, o += inner) O[o] = X[o] - ls;
      } else {
        for (let r = 0, o = b; r < n; r++, o += inner) { const e = Math.exp(X[o] - mx); O[o] = e; s += e; }
        const inv = 1 / s;
        for (let r = 0, o = b; r < n; r++, o += inner) O[o] *= inv;
      }
    }
  }
}

export const REDUCE_KERNELS = { reduce, softmax };
