/**
 * Stride-1 convolution on the WASM SIMD kernel as an implicit GEMM, with no im2col matrix.
 * Each image is copied once into a zero-bordered padded plane in the module's memory
 * (width Wp = w + 2pw); output position (oy, ox) then becomes column l = oy·Wp + ox, and row
 * p = (c, ki, kj) of the virtual im2col matrix is the padded image itself shifted by
 * c·Hp·Wp + ki·dh·Wp + kj·dw — so the kernel's B row table points straight into the image.
 * Columns with ox ≥ ow wrap into the next row and are computed then dropped (a waste of
 * (kw − 1)·dw / Wp). The weight gradient is the same trick with the image as the left
 * operand (rows = taps, k = columns) against dy packed once per image into 8-column panels,
 * accumulated over the batch inside the kernel. Non-float32 data runs the reference loops.
 * Threads: images are padded (and dy packed) for a group of images at a time, each image in
 * its own region, then one parallel job covers the group — forward over (image, column panel)
 * units, the weight gradient over panels of its output, every thread walking all images in
 * order — so the per-element sums, and the results, are those of one thread.
 */
import type { TypedArray } from '../../core/dtype.ts';
import { REFERENCE_OPTIONAL as R } from '../reference/optional.ts';
import type { BackendBuffer, DirectConvGeometry, OptionalKernelArgs } from '../types.ts';
import { aTableInts, align4, emitGemm, fillTables } from './matmul.ts';
import type { Gemm } from './matmul.ts';
import { scratch } from './arena.ts';
import { parallel } from './pool.ts';
import { wasmMatmul } from './wasm.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

interface Geo { hp: number; wp: number; oh: number; ow: number; plane: number; taps: number; cols: number; offs: Int32Array; span: number }

function geometry(a: DirectConvGeometry): Geo {
  const hp = a.h + 2 * a.ph, wp = a.w + 2 * a.pw, plane = hp * wp;
  const oh = hp - a.dh * (a.kh - 1), ow = wp - a.dw * (a.kw - 1), taps = a.c * a.kh * a.kw;
  const offs = new Int32Array(taps);
  for (let c = 0, p = 0; c < a.c; c++)
    for (let ki = 0; ki < a.kh; ki++) for (let kj = 0; kj < a.kw; kj++) offs[p++] = c * plane + ki * a.dh * wp + kj * a.dw;
  const cols = oh * wp;
  // Floats the padded region must hold: the planes, plus the last row's overread (zeroed).
  const span = Math.max(a.c * plane, offs[taps - 1] + Math.ceil(cols / 8) * 8) + 8;
  return { hp, wp, oh, ow, plane, taps, cols, offs, span };
}

/** Copies image n of X into the padded planes at xp (the zero borders are left alone). */
function padInto(M: Float32Array, xp: number, X: TypedArray, n: number, a: DirectConvGeometry, g: Geo): void {
  const { h, w } = a;
  for (let c = 0; c < a.c; c++) {
    for (let y = 0; y < h; y++) {
      const src = ((n * a.c + c) * h + y) * w, dst = xp + c * g.plane + (y + a.ph) * g.wp + a.pw;
      for (let x = 0; x < w; x++) M[dst + x] = X[src + x];
    }
  }
}

const usable = (...arrays: TypedArray[]): boolean => wasmMatmul !== null && arrays.every((x) => x instanceof Float32Array);

/** Floats of per-image scratch a group of images may take. */
const GROUP_FLOATS = 1 << 23;
const groupOf = (n: number, perImage: number): number => Math.max(1, Math.min(n, Math.floor(GROUP_FLOATS / perImage)));

function conv2d(a: OptionalKernelArgs['conv2d']): void {
  const X = d(a.x), Wt = d(a.weight), Bias = a.bias ? d(a.bias) : null, O = d(a.out);
  const w = wasmMatmul;
  if (!w || !usable(X, Wt, O) || a.n * a.o * a.c === 0) return R.conv2d(a);
  const g = geometry(a), o = a.o, K = g.taps;
  const np = Math.ceil(g.cols / 8), ldc = np * 8, mp = Math.ceil(o / 4);
  // Per image: its padded planes, then its output block.
  const xSize = align4(g.span), per = xSize + mp * 4 * ldc, group = groupOf(a.n, per);
  const bRel = align4(aTableInts(o, K)), wRel = align4(bRel + K), baseRel = align4(wRel + o * K);
  const aTab = scratch(baseRel + group * per), bTab = aTab + bRel, wOff = aTab + wRel, base = aTab + baseRel;
  const M = w.view(base + group * per), T = w.ints();
  M.set(Wt.subarray(0, o * K), wOff);
  for (let i = 0; i < group; i++) M.fill(0, base + i * per, base + i * per + xSize);
  for (let p = 0; p < K; p++) T[bTab + p] = 4 * g.offs[p];
  const gemm = (i: number): Gemm => ({
    aTab, row: (r) => wOff + r * K, m: o, k: K, aStep: 1, b: base + i * per, bTab, bPanel: 8, nPanels: np, c: base + i * per + xSize, ldc, accumulate: false,
  });
  fillTables(w, gemm(0));
  const { oh, ow, wp } = g;
  for (let n0 = 0; n0 < a.n; n0 += group) {
    const count = Math.min(group, a.n - n0);
    for (let i = 0; i < count; i++) padInto(M, base + i * per, X, n0 + i, a, g);
    // Unit u = column panel u mod np of image ⌊u / np⌋.
    parallel(count * np, count * o * K * g.cols, (s, u0, u1) => {
      for (let i = Math.floor(u0 / np); i * np < u1; i++) emitGemm(s, gemm(i), 0, mp, Math.max(0, u0 - i * np), Math.min(np, u1 - i * np));
    });
    for (let i = 0; i < count; i++) {
      const cOff = base + i * per + xSize, n = n0 + i;
      for (let oi = 0; oi < o; oi++) {
        const bias = Bias ? Bias[oi] : 0;
        for (let oy = 0; oy < oh; oy++) {
          const src = cOff + oi * ldc + oy * wp, dst = ((n * o + oi) * oh + oy) * ow;
          for (let ox = 0; ox < ow; ox++) O[dst + ox] = M[src + ox] + bias;
        }
      }
    }
  }
}

function conv2dWeightGrad(a: OptionalKernelArgs['conv2dWeightGrad']): void {
  const X = d(a.x), G = d(a.dy), O = d(a.out);
  const w = wasmMatmul;
  if (!w || !usable(X, G, O) || a.n * a.o * a.c === 0) return R.conv2dWeightGrad(a);
  const g = geometry(a), o = a.o, K = g.taps, L = g.cols;
  const op = Math.ceil(o / 8), ldc = op * 8, mp = Math.ceil(K / 4);
  // Per image: its A row tables (rows are taps of its own padded planes), the planes, dy as panels.
  const tabs = align4(aTableInts(K, L)), xSize = align4(g.span), per = tabs + xSize + op * 8 * L, group = groupOf(a.n, per);
  const cRel = align4(L), baseRel = align4(cRel + mp * 4 * ldc);
  const bTab = scratch(baseRel + group * per), cOff = bTab + cRel, base = bTab + baseRel;
  const M = w.view(base + group * per), T = w.ints();
  M.fill(0, base, base + group * per);
  for (let l = 0; l < L; l++) T[bTab + l] = 32 * l;
  const { oh, ow, wp, offs } = g;
  const gemm = (i: number, n: number): Gemm => {
    const xp = base + i * per + tabs;
    return { aTab: base + i * per, row: (r) => xp + offs[r], m: K, k: L, aStep: 1, b: xp + xSize, bTab, bPanel: 8 * L, nPanels: op, c: cOff, ldc, accumulate: n > 0 };
  };
  for (let n0 = 0; n0 < a.n; n0 += group) {
    const count = Math.min(group, a.n - n0);
    const gs: Gemm[] = [];
    for (let i = 0; i < count; i++) {
      const n = n0 + i, gi = gemm(i, n);
      padInto(M, gi.aTab + tabs, X, n, a, g);
      // dy of image n as 8-column panels over o: P[o >> 3][l][o & 7], l = oy·Wp + ox (ox ≥ ow stay 0).
      for (let oi = 0; oi < o; oi++) {
        const panel = gi.b + (oi >> 3) * 8 * L + (oi & 7);
        for (let oy = 0; oy < oh; oy++) {
          const src = ((n * o + oi) * oh + oy) * ow, dst = panel + oy * wp * 8;
          for (let ox = 0; ox < ow; ox++) M[dst + ox * 8] = G[src + ox];
        }
      }
      fillTables(w, gi);
      gs.push(gi);
    }
    // Every thread walks the images in order over its own panels of dWᵀ.
    const work = count * K * L * o;
    if (mp >= op) parallel(mp, work, (s, p0, p1) => { for (const gi of gs) emitGemm(s, gi, p0, p1, 0, op); });
    else parallel(op, work, (s, j0, j1) => { for (const gi of gs) emitGemm(s, gi, 0, mp, j0, j1); });
  }
  // C holds dWᵀ [K, o].
  for (let oi = 0; oi < o; oi++) for (let p = 0; p < K; p++) O[oi * K + p] = M[cOff + p * ldc + oi];
}

export const CONV_GEMM_KERNELS = { conv2d, conv2dWeightGrad };
