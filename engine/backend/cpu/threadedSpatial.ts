/**
 * Threaded max and average pooling, gather / scatter-add and cast, as threaded.ts does for
 * elementwise kernels: when the pool runs more than one thread, the operands live in the
 * shared memory (float32 data, int32 indices) and the work is big enough, a call is one job
 * of spatialOps.ts split over planes or rows; otherwise the one-thread kernel runs. Pooling
 * planes and rows of their own (ownRows) cover disjoint outputs, each computed by the same
 * loop in the same order, so the thread count never changes a result. Max-pool backward is
 * a scatter-add into a copy (cast) of zeros, so all three of its passes are here.
 */
import type { BackendBuffer, KernelArgs, OptionalKernelArgs } from '../types.ts';
import { sharedAt } from './arena.ts';
import { avgPool2d as avgPoolSerial, avgPool2dGrad as avgPoolGradSerial } from './avgPool.ts';
import { maxPool2d as maxPoolSerial } from './conv.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { INDEX_KERNELS, ownRows } from './indexing.ts';
import { jobParams, parallel, worth } from './pool.ts';
import { OP_AVGPOOL, OP_AVGPOOL_GRAD, OP_GATHER_ROWS, OP_MAXPOOL, OP_SCATTER_ROWS, avgPoolJob, maxPoolJob, rowsJob } from './spatialOps.ts';
import { THREADED_KERNELS, threadedKernelJobs } from './threaded.ts';

/**
 * Work units per element read, on pool.ts's scale (MIN_WORK per chunk), as threaded.ts's
 * CHEAP: a compare or a copy of a float. Gathers and scatters read at random, twice the cost.
 */
const READ = 16, RANDOM = 32;

/** Jobs split across threads per kernel (tests check that the threaded paths ran). */
export const spatialJobs = { maxPool2d: 0, avgPool2d: 0, avgPool2dGrad: 0, gather: 0, scatterAdd: 0, cast: 0, convCopies: 0 };

function maxPool2d(a: KernelArgs['maxPool2d']): void {
  const x = sharedAt(a.x, 'float32'), o = sharedAt(a.out, 'float32'), am = sharedAt(a.argmax, 'int32');
  const work = a.nc * a.oh * a.ow * a.kh * a.kw * READ;
  if (x < 0 || o < 0 || am < 0 || !worth(work)) return maxPoolSerial(a);
  maxPoolJob(jobParams(), x, o, am, a);
  if (parallel(a.nc, work, (s, u0, u1) => s.js(OP_MAXPOOL, u0, u1))) spatialJobs.maxPool2d++;
}

/**
 * Average pooling (op OP_AVGPOOL, src x) or its gradient (OP_AVGPOOL_GRAD, src dy) over
 * planes as one job: null when it cannot be one (the caller runs the one-thread kernel),
 * else whether it was split.
 */
function avgJob(op: number, src: BackendBuffer, out: BackendBuffer, g: OptionalKernelArgs['avgPool2d' | 'avgPool2dGrad']): boolean | null {
  const s = sharedAt(src, 'float32'), o = sharedAt(out, 'float32');
  const work = g.nc * g.oh * g.ow * g.kh * g.kw * READ;
  if (s < 0 || o < 0 || !worth(work)) return null;
  avgPoolJob(jobParams(), s, o, g);
  return parallel(g.nc, work, (sink, u0, u1) => sink.js(op, u0, u1));
}

function avgPool2d(a: OptionalKernelArgs['avgPool2d']): void {
  const split = avgJob(OP_AVGPOOL, a.x, a.out, a);
  if (split === null) avgPoolSerial(a);
  else if (split) spatialJobs.avgPool2d++;
}

function avgPool2dGrad(a: OptionalKernelArgs['avgPool2dGrad']): void {
  const split = avgJob(OP_AVGPOOL_GRAD, a.dy, a.out, a);
  if (split === null) avgPoolGradSerial(a);
  else if (split) spatialJobs.avgPool2dGrad++;
}

/**
 * A gather (op OP_GATHER_ROWS, reading `data`) or scatter-add (OP_SCATTER_ROWS, adding into
 * `out`) over rows of their own, as one job of `elements` random reads: null when it cannot
 * be one (the caller runs the one-thread kernel), else whether it was split. With `zero`, each
 * range zeroes its own rows of `out` first (a scatter into zeros: one pass, on every thread,
 * where a fill on the calling thread took a quarter of max pooling's backward at 2 threads).
 */
function rowsKernel(op: number, dataShape: readonly number[], idxShape: readonly number[], dim: number, out: BackendBuffer, data: BackendBuffer, idx: BackendBuffer, elements: number, zero = false): boolean | null {
  const own = ownRows(dataShape, idxShape, dim);
  const o = sharedAt(out, 'float32'), x = sharedAt(data, 'float32'), i = sharedAt(idx, 'int32'), work = elements * RANDOM;
  if (!own || o < 0 || x < 0 || i < 0 || !worth(work)) return null;
  rowsJob(jobParams(), o, x, i, own[1], own[2], zero);
  return parallel(own[0], work, (s, u0, u1) => s.js(op, u0, u1));
}

function gather(a: KernelArgs['gather']): void {
  const split = rowsKernel(OP_GATHER_ROWS, a.xShape, a.idxShape, a.dim, a.out, a.x, a.idx, a.out.size);
  if (split === null) INDEX_KERNELS.gather(a);
  else if (split) spatialJobs.gather++;
}

function scatterAdd(a: KernelArgs['scatterAdd']): void {
  const split = rowsKernel(OP_SCATTER_ROWS, a.outShape, a.idxShape, a.dim, a.out, a.src, a.idx, a.src.size, a.zero);
  if (split === null) INDEX_KERNELS.scatterAdd(a);
  else if (split) spatialJobs.scatterAdd++;
}

/** A cast to anything but bool is the identity op elementwise (O[i] = X[i]), which threaded.ts splits. */
function cast(a: KernelArgs['cast']): void {
  if (a.out.dtype === 'bool' || a.x.size !== a.out.size) return ELEMENTWISE_KERNELS.cast(a);
  const before = threadedKernelJobs.unary;
  THREADED_KERNELS.unary({ op: 'identity', x: a.x, out: a.out });
  if (threadedKernelJobs.unary > before) spatialJobs.cast++;
}

export const THREADED_SPATIAL_KERNELS = { maxPool2d, avgPool2d, avgPool2dGrad, gather, scatterAdd, cast };
