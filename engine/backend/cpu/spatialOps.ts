/**
 * Pool-thread jobs for the convolution and pooling kernels (op numbers 16 and up of
 * threadOps.ts's JS_OPS, which takes these in): max pooling over ranges of planes, gather and
 * scatter-add over rows of their own, and the implicit GEMM's copy loops (padding images,
 * packing dy, copying output rows out) over ranges of images or rows. Each job's constants
 * are written by one `*Job` function here and read back by its op right below it, so a
 * layout is defined in one place. Every op calls the same loop the one-thread kernel calls
 * (conv.ts, indexing.ts, convRows.ts), and ranges cover disjoint outputs, each written in the
 * same order, so the thread count never changes a result. Data is float32 and indices int32,
 * at float (element) offsets in the shared memory.
 */
import { maxPoolPlanes } from './conv.ts';
import type { PoolGeometry } from './conv.ts';
import { packDy, padImages, unpackRows } from './convRows.ts';
import type { OutLayout, PadLayout } from './convRows.ts';
import { gatherRows, scatterRows } from './indexing.ts';
import type { JsOp } from './threadOps.ts';

export const OP_MAXPOOL = 16, OP_GATHER_ROWS = 17, OP_SCATTER_ROWS = 18, OP_PAD_IMAGES = 19, OP_PACK_DY = 20, OP_UNPACK_ROWS = 21;

export const SPATIAL_OPS: Record<number, JsOp> = {};

const POOL_KEYS = ['h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw'] as const;

/** [x, out, argmax, ...POOL_KEYS]: units are planes. */
export function maxPoolJob(p: Float64Array<ArrayBufferLike>, x: number, out: number, argmax: number, g: PoolGeometry): void {
  p[0] = x; p[1] = out; p[2] = argmax;
  POOL_KEYS.forEach((k, i) => (p[3 + i] = g[k]));
}
SPATIAL_OPS[OP_MAXPOOL] = (V, p, u0, u1) => {
  const g = {} as Record<(typeof POOL_KEYS)[number], number>;
  POOL_KEYS.forEach((k, i) => (g[k] = p[3 + i]));
  maxPoolPlanes(V.f32, p[0], V.f32, p[1], V.i32, p[2], g, u0, u1);
};

/** [out, data, idx, n, data row]: units are rows (ownRows' layout); OP_GATHER_ROWS reads data, OP_SCATTER_ROWS adds into out. */
export function rowsJob(p: Float64Array<ArrayBufferLike>, out: number, data: number, idx: number, n: number, dataRow: number): void {
  p[0] = out; p[1] = data; p[2] = idx; p[3] = n; p[4] = dataRow;
}
SPATIAL_OPS[OP_GATHER_ROWS] = (V, p, u0, u1) => gatherRows(V.f32, p[0], V.f32, p[1], V.i32, p[2], p[3], p[4], u0, u1);
SPATIAL_OPS[OP_SCATTER_ROWS] = (V, p, u0, u1) => scatterRows(V.f32, p[0], V.f32, p[1], V.i32, p[2], p[3], p[4], u0, u1);

const PAD_KEYS = ['c', 'h', 'w', 'ph', 'pw', 'plane', 'wp', 'base', 'per', 'xAt', 'zero'] as const;

/** [x, n0, ...PAD_KEYS]: units are images of the group. */
export function padJob(p: Float64Array<ArrayBufferLike>, x: number, n0: number, L: PadLayout): void {
  p[0] = x; p[1] = n0;
  PAD_KEYS.forEach((k, i) => (p[2 + i] = L[k]));
}
SPATIAL_OPS[OP_PAD_IMAGES] = (V, p, u0, u1) => {
  const L = {} as PadLayout;
  PAD_KEYS.forEach((k, i) => (L[k] = p[2 + i]));
  padImages(V.f32, L, V.f32, p[0], p[1], u0, u1);
};

/** [dy, n0, base, per, at, L, wp, o, oh, ow]: units are images of the group. */
export function packDyJob(p: Float64Array<ArrayBufferLike>, dy: number, n0: number, base: number, per: number, at: number, L: number, wp: number, o: number, oh: number, ow: number): void {
  p[0] = dy; p[1] = n0; p[2] = base; p[3] = per; p[4] = at; p[5] = L; p[6] = wp; p[7] = o; p[8] = oh; p[9] = ow;
}
SPATIAL_OPS[OP_PACK_DY] = (V, p, u0, u1) => packDy(V.f32, p[2], p[3], p[4], p[5], p[6], V.f32, p[0], p[7], p[8], p[9], p[1], u0, u1);

const OUT_KEYS = ['base', 'per', 'cAt', 'ldc', 'wp', 'biasAt', 'o', 'oh', 'ow'] as const;

/** [out, n0, ...OUT_KEYS]: units are output rows (image, channel) of the group. */
export function unpackJob(p: Float64Array<ArrayBufferLike>, out: number, n0: number, L: OutLayout): void {
  p[0] = out; p[1] = n0;
  OUT_KEYS.forEach((k, i) => (p[2 + i] = L[k]));
}
SPATIAL_OPS[OP_UNPACK_ROWS] = (V, p, u0, u1) => {
  const L = {} as OutLayout;
  OUT_KEYS.forEach((k, i) => (L[k] = p[2 + i]));
  unpackRows(V.f32, p[0], V.f32, L, p[1], u0, u1);
};
