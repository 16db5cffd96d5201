/**
 * Threaded max pooling, gather / scatter-add and cast, as threaded.ts does for elementwise
 * kernels: when the pool runs more than one thread, the operands live in the shared memory
 * (float32 data, int32 indices) and the work is big enough, a call is one job of
 * spatialOps.ts split over planes or rows; otherwise the one-thread kernel runs. Pooling
 * planes and rows of their own (ownRows) cover disjoint outputs, each computed by the same
 * loop in the same order, so the thread count never changes a result. Max-pool backward is
 * a scatter-add into a copy (cast) of zeros, so all three of its passes are here.
 */
import type { BackendBuffer, KernelArgs } from '../types.ts';
import { maxPool2d as maxPoolSerial } from './conv.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { INDEX_KERNELS, ownRows } from './indexing.ts';
import { getThreads, jobParams, MIN_WORK, parallel } from './pool.ts';
import { OP_GATHER_ROWS, OP_MAXPOOL, OP_SCATTER_ROWS, maxPoolJob, rowsJob } from './spatialOps.ts';
import { THREADED_KERNELS, threadedKernelJobs } from './threaded.ts';

/** A buffer's element offset in the shared memory when it is stored there as `dtype`, else −1. */
export function sharedAt(b: BackendBuffer, dtype: 'float32' | 'int32'): number {
  const addr = (b as { addr?: number }).addr ?? -1;
  return addr >= 0 && b.dtype === dtype ? addr / 4 : -1;
}

/**
 * Work units per element read, on pool.ts's scale (MIN_WORK per chunk), as threaded.ts's
 * CHEAP: a compare or a copy of a float. Gathers and scatters read at random, twice the cost.
 */
const READ = 16, RANDOM = 32;

/** Jobs split across threads per kernel (tests check that the threaded paths ran). */
export const spatialJobs = { maxPool2d: 0, gather: 0, scatterAdd: 0, cast: 0, convCopies: 0 };

/** Whether `work` units could be split at all (threads on, at least two chunks' worth). */
export const worth = (work: number): boolean => getThreads() > 1 && work >= 2 * MIN_WORK;

function maxPool2d(a: KernelArgs['maxPool2d']): void {
  const x = sharedAt(a.x, 'float32'), o = sharedAt(a.out, 'float32'), am = sharedAt(a.argmax, 'int32');
  const work = a.nc * a.oh * a.ow * a.kh * a.kw * READ;
  if (x < 0 || o < 0 || am < 0 || !worth(work)) return maxPoolSerial(a);
  maxPoolJob(jobParams(), x, o, am, a);
  if (parallel(a.nc, work, (s, u0, u1) => s.js(OP_MAXPOOL, u0, u1))) spatialJobs.maxPool2d++;
}

function gather(a: KernelArgs['gather']): void {
  const own = ownRows(a.xShape, a.idxShape, a.dim);
  const o = sharedAt(a.out, 'float32'), x = sharedAt(a.x, 'float32'), i = sharedAt(a.idx, 'int32');
  const work = a.out.size * RANDOM;
  if (!own || o < 0 || x < 0 || i < 0 || !worth(work)) return INDEX_KERNELS.gather(a);
  rowsJob(jobParams(), o, x, i, own[1], own[2]);
  if (parallel(own[0], work, (s, u0, u1) => s.js(OP_GATHER_ROWS, u0, u1))) spatialJobs.gather++;
}

function scatterAdd(a: KernelArgs['scatterAdd']): void {
  const own = ownRows(a.outShape, a.idxShape, a.dim);
  const o = sharedAt(a.out, 'float32'), s0 = sharedAt(a.src, 'float32'), i = sharedAt(a.idx, 'int32');
  const work = a.src.size * RANDOM;
  if (!own || o < 0 || s0 < 0 || i < 0 || !worth(work)) return INDEX_KERNELS.scatterAdd(a);
  rowsJob(jobParams(), o, s0, i, own[1], own[2]);
  if (parallel(own[0], work, (s, u0, u1) => s.js(OP_SCATTER_ROWS, u0, u1))) spatialJobs.scatterAdd++;
}

/** A cast to anything but bool is the identity op elementwise (O[i] = X[i]), which threaded.ts splits. */
function cast(a: KernelArgs['cast']): void {
  if (a.out.dtype === 'bool' || a.x.size !== a.out.size) return ELEMENTWISE_KERNELS.cast(a);
  const before = threadedKernelJobs.unary;
  THREADED_KERNELS.unary({ op: 'identity', x: a.x, out: a.out });
  if (threadedKernelJobs.unary > before) spatialJobs.cast++;
}

export const THREADED_SPATIAL_KERNELS = { maxPool2d, gather, scatterAdd, cast };
