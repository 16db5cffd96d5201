/**
 * Stride-1 convolution on the WASM SIMD kernel as an implicit GEMM, with no im2col matrix.
 * Each image is copied once into a zero-bordered padded plane in the module's memory
 * (width Wp = w + 2pw); output position (oy, ox) then becomes column l = oy·Wp + ox, and row
 * p = (c, ki, kj) of the virtual im2col matrix is the padded image itself shifted by
 * c·Hp·Wp + ki·dh·Wp + kj·dw — so the kernel's B row table points straight into the image.
 * Columns with ox ≥ ow wrap into the next row and are computed then dropped (a waste of
 * (kw − 1)·dw / Wp). The weight gradient is the same trick with the image as the left
 * operand (rows = taps, k = columns) against dy packed once per image into 8-column panels,
 * accumulated over each part of the batch inside the kernel. Non-float32 data runs the reference loops.
 * Threads: images are padded (and dy packed) for a group of images at a time, each image in
 * its own region, then one parallel job covers the group — forward over (image, column panel)
 * units, the weight gradient over parts of the batch (WG_PARTS: each part's images summed in
 * order into its own block, the blocks then added in order) — so the results do not depend on
 * the thread count. The copies
 * around it (padding, packing, the output rows out) are jobs of their own over images or
 * rows (convRows.ts loops, spatialOps.ts jobs) when the tensors live in the shared memory.
 */
import type { TypedArray } from '../../core/dtype.ts';
import { REFERENCE_OPTIONAL as R } from '../reference/optional.ts';
import type { BackendBuffer, DirectConvGeometry, OptionalKernelArgs } from '../types.ts';
import { aTableInts, align4, emitGemm, fillTables } from './matmul.ts';
import type { Gemm } from './matmul.ts';
import { scratch, sharedAt } from './arena.ts';
import { packDy, padImages, unpackRows } from './convRows.ts';
import type { OutLayout, PadLayout } from './convRows.ts';
import { getThreads, jobParams, parallel, worth } from './pool.ts';
import { simdSumRange } from './reduce.ts';
import { OP_PACK_DY, OP_PAD_IMAGES, OP_UNPACK_ROWS, packDyJob, padJob, unpackJob } from './spatialOps.ts';
import { spatialJobs } from './threadedSpatial.ts';
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

/** Work units per float copied or cleared (threaded.ts's scale: a cheap elementwise op). */
const COPY = 16;

/** Images n0 … n0 + count − 1 of x into their padded planes: a job over images when x is in the shared memory. */
function padGroup(M: Float32Array, L: PadLayout, x: BackendBuffer, n0: number, count: number): void {
  const at = sharedAt(x, 'float32');
  if (at < 0) return padImages(M, L, d(x), 0, n0, 0, count);
  padJob(jobParams(), at, n0, L);
  if (parallel(count, count * (L.zero + L.c * L.h * L.w) * COPY, (s, u0, u1) => s.js(OP_PAD_IMAGES, u0, u1))) spatialJobs.convCopies++;
}

/** dy of images n0 … n0 + count − 1 as panels at base + i·per + at (packDy). */
function packGroup(M: Float32Array, base: number, per: number, at: number, L: number, wp: number, dy: BackendBuffer, a: DirectConvGeometry, oh: number, ow: number, n0: number, count: number): void {
  const g = sharedAt(dy, 'float32');
  if (g < 0) return packDy(M, base, per, at, L, wp, d(dy), 0, a.o, oh, ow, n0, 0, count);
  packDyJob(jobParams(), g, n0, base, per, at, L, wp, a.o, oh, ow);
  if (parallel(count, count * a.o * oh * ow * COPY, (s, u0, u1) => s.js(OP_PACK_DY, u0, u1))) spatialJobs.convCopies++;
}

/** The output rows of images n0 … n0 + count − 1 into out (unpackRows). */
function unpackGroup(M: Float32Array, L: OutLayout, out: BackendBuffer, n0: number, count: number): void {
  const at = sharedAt(out, 'float32'), rows = count * L.o;
  if (at < 0) return unpackRows(d(out), 0, M, L, n0, 0, rows);
  unpackJob(jobParams(), at, n0, L);
  if (parallel(rows, rows * L.oh * L.ow * COPY, (s, u0, u1) => s.js(OP_UNPACK_ROWS, u0, u1))) spatialJobs.convCopies++;
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
  const bRel = align4(aTableInts(o, K)), wRel = align4(bRel + K), biasRel = align4(wRel + o * K), baseRel = align4(biasRel + o);
  const aTab = scratch(baseRel + group * per), bTab = aTab + bRel, wOff = aTab + wRel, base = aTab + baseRel;
  const M = w.view(base + group * per), T = w.ints();
  M.set(Wt.subarray(0, o * K), wOff);
  // The bias beside the weights, where pool threads copying the output rows can read it.
  if (Bias) M.set(Bias.subarray(0, o), aTab + biasRel);
  for (let p = 0; p < K; p++) T[bTab + p] = 4 * g.offs[p];
  const gemm = (i: number): Gemm => ({
    aTab, row: (r) => wOff + r * K, m: o, k: K, aStep: 1, b: base + i * per, bTab, bPanel: 8, nPanels: np, c: base + i * per + xSize, ldc, accumulate: false,
  });
  fillTables(w, gemm(0));
  const { oh, ow, wp } = g;
  const pad: PadLayout = { c: a.c, h: a.h, w: a.w, ph: a.ph, pw: a.pw, plane: g.plane, wp, base, per, xAt: 0, zero: xSize };
  const out: OutLayout = { base, per, cAt: xSize, ldc, wp, biasAt: Bias ? aTab + biasRel : -1, o, oh, ow };
  const xAt = sharedAt(a.x, 'float32'), outAt = sharedAt(a.out, 'float32');
  for (let n0 = 0; n0 < a.n; n0 += group) {
    const count = Math.min(group, a.n - n0);
    const work = count * o * K * g.cols;
    // Enough images for every thread: one job, each range of images padded, multiplied and
    // copied out by one thread while they are in its cache (one fork and join, not three).
    if (xAt >= 0 && outAt >= 0 && count >= WHOLE_IMAGES * getThreads() && worth(work)) {
      const p = jobParams();
      padJob(p, xAt, n0, pad);
      unpackJob(p, outAt, n0, out);
      const split = parallel(count, work + count * (pad.zero + o * oh * ow) * COPY, (s, i0, i1) => {
        s.js(OP_PAD_IMAGES, i0, i1);
        for (let i = i0; i < i1; i++) emitGemm(s, gemm(i), 0, mp, 0, np);
        s.js(OP_UNPACK_ROWS, i0 * o, i1 * o);
      });
      if (split) spatialJobs.convCopies++;
      continue;
    }
    padGroup(M, pad, a.x, n0, count);
    // Unit u = column panel u mod np of image ⌊u / np⌋.
    parallel(count * np, work, (s, u0, u1) => {
      for (let i = Math.floor(u0 / np); i * np < u1; i++) emitGemm(s, gemm(i), 0, mp, Math.max(0, u0 - i * np), Math.min(np, u1 - i * np));
    });
    unpackGroup(M, out, a.out, n0, count);
  }
}

/** Images per thread from which a group's forward runs as one job over whole images. */
const WHOLE_IMAGES = 4;

/**
 * Images per weight-gradient partial: the batch is cut into min(n, WG_PARTS) contiguous parts,
 * each summed into its own copy of dWᵀ (images in order), the parts then added in order. The
 * cut depends on the batch only, so the sums are the same at any thread count. Threads take
 * whole parts: each streams only its own images' dy once, for every output panel (split over
 * output panels instead, every thread streamed all of dy once per panel it took, and a
 * 6-output, 25-tap gradient (LeNet-5's first convolution) gained nothing from a second thread).
 */
const WG_PARTS = 8;

function conv2dWeightGrad(a: OptionalKernelArgs['conv2dWeightGrad']): void {
  const X = d(a.x), G = d(a.dy), O = d(a.out);
  const w = wasmMatmul;
  if (!w || !usable(X, G, O) || a.n * a.o * a.c === 0) return R.conv2dWeightGrad(a);
  const g = geometry(a), o = a.o, K = g.taps, L = g.cols;
  const op = Math.ceil(o / 8), ldc = op * 8, mp = Math.ceil(K / 4);
  const parts = Math.min(a.n, WG_PARTS), partOf = (i: number) => Math.floor((i * parts) / a.n), firstOf = (q: number) => Math.ceil((q * a.n) / parts);
  // Per image: its A row tables (rows are taps of its own padded planes), the planes, dy as panels.
  const tableInts = aTableInts(K, L), tabs = align4(tableInts), xSize = align4(g.span), per = tabs + xSize + op * 8 * L, group = groupOf(a.n, per);
  // The parts' dWᵀ blocks, each on its own 64-byte lines (threads write different parts).
  const cStride = Math.ceil((mp * 4 * ldc) / 16) * 16;
  // After the parts, their sum (block `parts`).
  const cRel = align4(L), baseRel = align4(cRel + (parts + 1) * cStride + 16);
  const bTab = scratch(baseRel + group * per), cOff = Math.ceil((bTab + cRel) / 16) * 16, base = bTab + baseRel;
  const M = w.view(base + group * per), T = w.ints();
  for (let l = 0; l < L; l++) T[bTab + l] = 32 * l;
  const { oh, ow, wp, offs } = g;
  // Each image's planes and dy panels are cleared before they are filled (columns ox ≥ ow of dy stay 0).
  const pad: PadLayout = { c: a.c, h: a.h, w: a.w, ph: a.ph, pw: a.pw, plane: g.plane, wp, base, per, xAt: tabs, zero: xSize + op * 8 * L };
  const gemm = (i: number, n: number): Gemm => {
    const xp = base + i * per + tabs, q = partOf(n);
    return { aTab: base + i * per, row: (r) => xp + offs[r], m: K, k: L, aStep: 1, b: xp + xSize, bTab, bPanel: 8 * L, nPanels: op, c: cOff + q * cStride, ldc, accumulate: n > firstOf(q) };
  };
  const xAt = sharedAt(a.x, 'float32'), dyAt = sharedAt(a.dy, 'float32');
  for (let n0 = 0; n0 < a.n; n0 += group) {
    const count = Math.min(group, a.n - n0);
    const gs: Gemm[] = [];
    for (let i = 0; i < count; i++) gs.push(gemm(i, n0 + i));
    // Image i's A row table is image 0's shifted by i regions (rows are taps of its own planes):
    // filled once and copied with the shift, which took 0.1 ms a call image by image (LeNet-5).
    fillTables(w, gs[0]!);
    shiftTables(T, gs[0]!.aTab, tableInts, count, per);
    // Unit u = part q0 + u: its images of this group, in order, every output panel of each.
    const q0 = partOf(n0), q1 = partOf(n0 + count - 1) + 1, work = count * K * L * o;
    const images = (q: number): [number, number] => [Math.max(n0, firstOf(q)), Math.min(n0 + count, firstOf(q + 1))];
    if (xAt >= 0 && dyAt >= 0 && worth(work)) {
      // One job: each part's images padded and their dy packed by the thread that then sums
      // them (one fork and join, not three; the copies are still in its cache).
      const p = jobParams();
      padJob(p, xAt, n0, pad);
      packDyJob(p, dyAt, n0, base, per, tabs + xSize, L, wp, a.o, oh, ow);
      const split = parallel(q1 - q0, work + count * (pad.zero + a.c * a.h * a.w) * COPY, (s, u0, u1) => {
        for (let q = q0 + u0; q < q0 + u1; q++) {
          const [i0, i1] = images(q);
          s.js(OP_PAD_IMAGES, i0 - n0, i1 - n0);
          s.js(OP_PACK_DY, i0 - n0, i1 - n0);
          for (let i = i0; i < i1; i++) emitGemm(s, gs[i - n0]!, 0, mp, 0, op);
        }
      });
      if (split) spatialJobs.convCopies++;
      continue;
    }
    padGroup(M, pad, a.x, n0, count);
    packGroup(M, base, per, tabs + xSize, L, wp, a.dy, a, oh, ow, n0, count);
    parallel(q1 - q0, work, (s, u0, u1) => {
      for (let q = q0 + u0; q < q0 + u1; q++) {
        const [i0, i1] = images(q);
        for (let i = i0; i < i1; i++) emitGemm(s, gs[i - n0]!, 0, mp, 0, op);
      }
    });
  }
  // The parts hold dWᵀ [K, o] each: added in part order (each part a row of the SIMD column
  // sums, float64 from 0 as the reduction kernels add; 0.04 ms of JavaScript at 16×150), then transposed.
  const sum = cOff + parts * cStride;
  simdSumRange('sum', M, cOff, sum, parts, cStride, 0, 1, 0, K * ldc);
  for (let oi = 0; oi < o; oi++) for (let p = 0; p < K; p++) O[oi * K + p] = M[sum + p * ldc + oi];
}

/** Copies the A row table at `from` (`ints` long) to `count − 1` more images, each `per` floats on. */
function shiftTables(T: Int32Array, from: number, ints: number, count: number, per: number): void {
  for (let i = 1; i < count; i++) {
    const to = from + i * per, delta = 4 * i * per;
    for (let j = 0; j < ints; j++) T[to + j] = T[from + j] + delta;
  }
}

export const CONV_GEMM_KERNELS = { conv2d, conv2dWeightGrad };
