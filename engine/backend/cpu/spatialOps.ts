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
import { avgPoolGradPlanes, avgPoolPlanes } from './avgPool.ts';
import type { AvgPoolGeometry } from './avgPool.ts';
import { maxPoolPlanes } from './conv.ts';
import type { PoolGeometry } from './conv.ts';
import { packDy, padImages, unpackRows } from './convRows.ts';
import type { OutLayout, PadLayout } from './convRows.ts';
import { gatherRows, scatterRows } from './indexing.ts';
import type { JsOp } from './threadOps.ts';

export const OP_MAXPOOL = 16, OP_GATHER_ROWS = 17, OP_SCATTER_ROWS = 18, OP_PAD_IMAGES = 19, OP_PACK_DY = 20, OP_UNPACK_ROWS = 21;
export const OP_AVGPOOL = 22, OP_AVGPOOL_GRAD = 23;

export const SPATIAL_OPS: Record<number, JsOp> = {};

type Params = Float64Array<ArrayBufferLike>;

/**
 * A record of integers kept in the job constants from slot `at` on, one slot per key in order:
 * written by a job, read back by its op (with `| 0`: a float64 index slows every element access).
 */
function slots<K extends string>(keys: readonly K[], at: number) {
  return {
    write(p: Params, r: Record<K, number>): void {
      keys.forEach((k, i) => (p[at + i] = r[k]));
    },
    read(p: Params): Record<K, number> {
      const r = {} as Record<K, number>;
      keys.forEach((k, i) => (r[k] = p[at + i]! | 0));
      return r;
    },
  };
}

const POOL = slots(['h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw'], 3);

/** [x, out, argmax, ...pool geometry]: units are planes. */
export function maxPoolJob(p: Params, x: number, out: number, argmax: number, g: PoolGeometry): void {
  p[0] = x; p[1] = out; p[2] = argmax;
  POOL.write(p, g);
}
SPATIAL_OPS[OP_MAXPOOL] = (V, p, u0, u1) => maxPoolPlanes(V.f32, p[0] | 0, V.f32, p[1] | 0, V.i32, p[2] | 0, POOL.read(p), u0, u1);

const AVG = slots(['h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'countIncludePad'], 2);

/** [src, out, ...pool geometry]: units are planes; src is x (OP_AVGPOOL) or dy (OP_AVGPOOL_GRAD). */
export function avgPoolJob(p: Params, src: number, out: number, g: AvgPoolGeometry): void {
  p[0] = src; p[1] = out;
  AVG.write(p, { ...g, countIncludePad: g.countIncludePad ? 1 : 0 });
}
const avgRead = (p: Params): AvgPoolGeometry => {
  const g = AVG.read(p);
  return { ...g, countIncludePad: g.countIncludePad !== 0 };
};
SPATIAL_OPS[OP_AVGPOOL] = (V, p, u0, u1) => avgPoolPlanes(V.f32, p[0] | 0, V.f32, p[1] | 0, avgRead(p), u0, u1);
SPATIAL_OPS[OP_AVGPOOL_GRAD] = (V, p, u0, u1) => avgPoolGradPlanes(V.f32, p[0] | 0, V.f32, p[1] | 0, avgRead(p), u0, u1);

/**
 * [out, data, idx, n, data row, zero]: units are rows (ownRows' layout); OP_GATHER_ROWS reads
 * data, OP_SCATTER_ROWS adds into out (its rows zeroed first with `zero`).
 */
export function rowsJob(p: Params, out: number, data: number, idx: number, n: number, dataRow: number, zero = false): void {
  p[0] = out; p[1] = data; p[2] = idx; p[3] = n; p[4] = dataRow; p[5] = zero ? 1 : 0;
}
SPATIAL_OPS[OP_GATHER_ROWS] = (V, p, u0, u1) => gatherRows(V.f32, p[0] | 0, V.f32, p[1] | 0, V.i32, p[2] | 0, p[3] | 0, p[4] | 0, u0, u1);
SPATIAL_OPS[OP_SCATTER_ROWS] = (V, p, u0, u1) => {
  const out = p[0] | 0, row = p[4] | 0;
  if (p[5]) V.f32.fill(0, out + u0 * row, out + u1 * row);
  scatterRows(V.f32, out, V.f32, p[1] | 0, V.i32, p[2] | 0, p[3] | 0, row, u0, u1);
};

const PAD = slots<keyof PadLayout>(['c', 'h', 'w', 'ph', 'pw', 'plane', 'wp', 'base', 'per', 'xAt', 'zero'], 2);

/** [x, n0, ...pad layout]: units are images of the group. */
export function padJob(p: Params, x: number, n0: number, L: PadLayout): void {
  p[0] = x; p[1] = n0;
  PAD.write(p, L);
}
SPATIAL_OPS[OP_PAD_IMAGES] = (V, p, u0, u1) => padImages(V.f32, PAD.read(p), V.f32, p[0] | 0, p[1] | 0, u0, u1);

/** Where OP_PACK_DY's constants start: past OP_PAD_IMAGES's, so one job may pad images and pack dy. */
const PACK_AT = 16;
const DY = slots(['dy', 'n0', 'base', 'per', 'at', 'L', 'wp', 'o', 'oh', 'ow'], PACK_AT);

/** [dy, n0, base, per, at, L, wp, o, oh, ow] from slot PACK_AT: units are images of the group. */
export function packDyJob(p: Params, dy: number, n0: number, base: number, per: number, at: number, L: number, wp: number, o: number, oh: number, ow: number): void {
  DY.write(p, { dy, n0, base, per, at, L, wp, o, oh, ow });
}
SPATIAL_OPS[OP_PACK_DY] = (V, p, u0, u1) => {
  const q = DY.read(p);
  packDy(V.f32, q.base, q.per, q.at, q.L, q.wp, V.f32, q.dy, q.o, q.oh, q.ow, q.n0, u0, u1);
};

/** Where OP_UNPACK_ROWS's constants start: past OP_PAD_IMAGES's, so one job may pad, multiply and copy out (convgemm.ts). */
const UNPACK_AT = 32;
const OUT = slots<keyof OutLayout>(['base', 'per', 'cAt', 'ldc', 'wp', 'biasAt', 'o', 'oh', 'ow'], UNPACK_AT + 2);

/** [out, n0, ...output layout] from slot UNPACK_AT: units are output rows (image, channel) of the group. */
export function unpackJob(p: Params, out: number, n0: number, L: OutLayout): void {
  p[UNPACK_AT] = out; p[UNPACK_AT + 1] = n0;
  OUT.write(p, L);
}
SPATIAL_OPS[OP_UNPACK_ROWS] = (V, p, u0, u1) => unpackRows(V.f32, p[UNPACK_AT] | 0, V.f32, OUT.read(p), p[UNPACK_AT + 1] | 0, u0, u1);
