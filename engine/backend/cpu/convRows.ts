/**
 * The copy loops around convgemm.ts's implicit GEMM, over a range of images each: zeroing an
 * image's region of the scratch and copying the image into its padded planes, packing dy into
 * 8-column panels (weight gradient), and copying the output block out with the bias added.
 * They are plain loops over arrays and offsets with no imports, so the calling thread runs
 * them on the tensors' own arrays and pool threads (spatialOps.ts) run them on the shared
 * memory; every image, and every output row, is written by the same loop either way.
 */
import type { TypedArray } from '../../core/dtype.ts';

/**
 * Where the images of one group go in the scratch M: image i's region starts at
 * base + i·per; its padded planes (c of plane floats, rows of wp) at xAt inside it, and
 * `zero` floats from there are cleared first (borders, and whatever must start at 0).
 */
export interface PadLayout { c: number; h: number; w: number; ph: number; pw: number; plane: number; wp: number; base: number; per: number; xAt: number; zero: number }

/** Images n0 + i, i in [i0, i1), of X (floats from xo, NCHW) into their padded planes. */
export function padImages(M: Float32Array, L: PadLayout, X: TypedArray, xo: number, n0: number, i0: number, i1: number): void {
  const { c, h, w, ph, pw, plane, wp } = L;
  for (let i = i0; i < i1; i++) {
    const xp = L.base + i * L.per + L.xAt;
    M.fill(0, xp, xp + L.zero);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const src = xo + (((n0 + i) * c + ch) * h + y) * w, dst = xp + ch * plane + (y + ph) * wp + pw;
        for (let x = 0; x < w; x++) M[dst + x] = X[src + x];
      }
    }
  }
}

/**
 * dy of images n0 + i, i in [i0, i1), as 8-column panels over its o channels at
 * base + i·per + at: P[o >> 3][l][o & 7] with l = oy·wp + ox over L columns (the region must
 * be zero: columns ox ≥ ow stay so).
 */
export function packDy(M: Float32Array, base: number, per: number, at: number, L: number, wp: number, G: TypedArray, go: number, o: number, oh: number, ow: number, n0: number, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const b = base + i * per + at, n = n0 + i;
    for (let oi = 0; oi < o; oi++) {
      const panel = b + (oi >> 3) * 8 * L + (oi & 7);
      for (let oy = 0; oy < oh; oy++) {
        const src = go + ((n * o + oi) * oh + oy) * ow, dst = panel + oy * wp * 8;
        for (let ox = 0; ox < ow; ox++) M[dst + ox * 8] = G[src + ox];
      }
    }
  }
}

/** Where output rows come from: image i's block at base + i·per + cAt, channel rows of ldc, image rows of wp; the bias (o floats) at biasAt, or −1. */
export interface OutLayout { base: number; per: number; cAt: number; ldc: number; wp: number; biasAt: number; o: number; oh: number; ow: number }

/** Output rows r = i·o + channel, r in [r0, r1), of images n0 + i into O (floats from oo, NCHW), bias added. */
export function unpackRows(O: TypedArray, oo: number, M: Float32Array, L: OutLayout, n0: number, r0: number, r1: number): void {
  const { o, oh, ow, wp, ldc } = L;
  for (let r = r0; r < r1; r++) {
    const i = Math.floor(r / o), oi = r - i * o;
    const cOff = L.base + i * L.per + L.cAt, bias = L.biasAt >= 0 ? M[L.biasAt + oi] : 0;
    for (let oy = 0; oy < oh; oy++) {
      const src = cOff + oi * ldc + oy * wp, dst = oo + (((n0 + i) * o + oi) * oh + oy) * ow;
      for (let ox = 0; ox < ow; ox++) O[dst + ox] = M[src + ox] + bias;
    }
  }
}
