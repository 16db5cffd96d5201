/**
 * Threaded versions of the CPU's elementwise, reduction and optimizer kernels. When the pool
 * runs more than one thread and every operand is float32 storage in the shared memory
 * (arena.ts: CpuBuffer.addr ≥ 0), a big enough call is one job of threadOps.ts split over
 * ranges of elements, rows or outputs; anything else (one thread, small tensors, other
 * dtypes, general broadcasts, ordinary ArrayBuffers) runs the one-thread kernel. Both paths
 * evaluate every output with the same row functions in the same order, so the thread count
 * never changes a result.
 */
import { broadcastStrides, stridesOf } from '../../core/shape.ts';
import type { BackendBuffer, KernelArgs } from '../types.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { OPTIM_KERNELS, adamConstants, gradScale, sgdConstants } from './optim.ts';
import { getThreads, jobParams, parallel } from './pool.ts';
import { REDUCE_KERNELS } from './reduce.ts';
import { collapse } from './strided.ts';
import { BINARY_LIST, OP_ADAM, OP_BINARY, OP_REDUCE, OP_SGD, OP_UNARY, REDUCE_LIST, unaryIndex } from './threadOps.ts';

/** A buffer's float offset in the shared memory, or −1 (plain ArrayBuffer, float16 shadow, other dtype). */
const at = (b: BackendBuffer): number => {
  const addr = (b as { addr?: number }).addr ?? -1;
  return addr >= 0 && b.dtype === 'float32' ? addr / 4 : -1;
};

/**
 * Work units per element, on pool.ts's scale (MIN_WORK = 2¹⁷ per thread), so a job is split
 * only into chunks of at least 2¹⁷ / cost elements: 8192 for a cheap elementwise op, 2048 for
 * one calling Math.exp and the like, 4096 for an Adam element. Measured in Node on this
 * machine: below ~8k elements an add costs less than a fork and join (~10–20 µs).
 */
const CHEAP = 16, DEAR = 64, ADAM = 32, REDUCE = 8;
/** Elements per unit of a dense job (chunks are whole units). */
const UNIT = 1024;
/** Columns per unit of a reduction over the rows of a single output row (bias gradients). */
const COLUMNS = 64;

const TRANSCENDENTAL = new Set(['exp', 'log', 'sin', 'cos', 'sigmoid', 'tanh', 'elu', 'gelu', 'silu', 'erf', 'asin', 'acos', 'atan', 'pow']);

/** Jobs split across threads per kernel (tests check that the threaded paths ran). */
export const threadedKernelJobs: Record<keyof typeof THREADED_KERNELS, number> = { unary: 0, binary: 0, reduce: 0, adam: 0, sgd: 0 };
const count = (k: keyof typeof THREADED_KERNELS, forked: boolean): void => {
  if (forked) threadedKernelJobs[k]++;
};

/** Whether a job of `work` units could be split at all (threads on, above the minimum). */
const worth = (work: number): boolean => getThreads() > 1 && work >= 2 * (1 << 17);

function unary(a: KernelArgs['unary']): void {
  const x = at(a.x), out = at(a.out), n = a.out.size;
  const cost = TRANSCENDENTAL.has(a.op) ? DEAR : CHEAP;
  if (x < 0 || out < 0 || !worth(n * cost)) return ELEMENTWISE_KERNELS.unary(a);
  const p = jobParams();
  p[0] = unaryIndex(a.op); p[1] = out; p[2] = x; p[3] = n; p[4] = UNIT; p[5] = a.alpha ?? 0; p[6] = a.beta ?? 0;
  count('unary', parallel(Math.ceil(n / UNIT), n * cost, (s, u0, u1) => s.js(OP_UNARY, u0, u1)));
}

/** Same-shape, scalar and row broadcasts (collapsed to at most two dimensions); others stay on one thread. */
function binary(a: KernelArgs['binary']): void {
  const A = at(a.a), B = at(a.b), out = at(a.out), n = a.out.size;
  const cost = a.op === 'pow' ? DEAR : CHEAP;
  if (A < 0 || B < 0 || out < 0 || !worth(n * cost)) return ELEMENTWISE_KERNELS.binary(a);
  const c = collapse(a.outShape, [stridesOf(a.outShape), broadcastStrides(a.aShape, a.outShape), broadcastStrides(a.bShape, a.outShape)]);
  const [, sa, sb] = c.strides;
  let R: number, rows: number, aRow: number, aIn: number, bRow: number, bIn: number;
  if (c.shape.length === 1) {
    R = UNIT; rows = Math.ceil(n / UNIT); aIn = sa[0]; bIn = sb[0]; aRow = R * aIn; bRow = R * bIn;
  } else if (c.shape.length === 2 && c.shape[1] >= 64) {
    R = c.shape[1]; rows = c.shape[0]; aRow = sa[0]; aIn = sa[1]; bRow = sb[0]; bIn = sb[1];
  } else return ELEMENTWISE_KERNELS.binary(a);
  const p = jobParams();
  p[0] = BINARY_LIST.indexOf(a.op); p[1] = out; p[2] = A; p[3] = aRow; p[4] = aIn; p[5] = B; p[6] = bRow; p[7] = bIn; p[8] = R; p[9] = n;
  count('binary', parallel(rows, n * cost, (s, u0, u1) => s.js(OP_BINARY, u0, u1)));
}

/** Split over output rows, or (one output row: bias gradients) over blocks of columns; each output summed in order. */
function reduce(a: KernelArgs['reduce']): void {
  const x = at(a.x), out = at(a.out), op = REDUCE_LIST.indexOf(a.op);
  const { outer, n, inner } = a;
  const units = outer > 1 ? outer : Math.ceil(inner / COLUMNS);
  if (op < 0 || x < 0 || out < 0 || units < 2 || !worth(outer * n * inner * REDUCE)) return REDUCE_KERNELS.reduce(a);
  const p = jobParams();
  p[0] = op; p[1] = out; p[2] = x; p[3] = n; p[4] = inner; p[5] = outer; p[6] = COLUMNS;
  count('reduce', parallel(units, outer * n * inner * REDUCE, (s, u0, u1) => s.js(OP_REDUCE, u0, u1)));
}

/** The common Adam configuration over ranges of the parameter; AMSGrad, weight decay, maximize and loss scaling stay on one thread. */
function adam(a: KernelArgs['adam']): void {
  const P = at(a.param), G = at(a.grad), m = at(a.m), v = at(a.v), n = a.param.size;
  const [mul, skip, skipped] = gradScale(a.gradScale);
  const plain = !a.vMax && a.weightDecay === 0 && !a.maximize && mul === 1 && !skip;
  if (!plain || P < 0 || G < 0 || m < 0 || v < 0 || !worth(n * ADAM)) return OPTIM_KERNELS.adam(a);
  const { sbc2, stepSize } = adamConstants(a.lr, a.beta1, a.beta2, a.step - skipped);
  const p = jobParams();
  p[0] = P; p[1] = G; p[2] = m; p[3] = v; p[4] = n; p[5] = UNIT; p[6] = a.beta1; p[7] = a.beta2; p[8] = a.eps; p[9] = stepSize; p[10] = sbc2;
  count('adam', parallel(Math.ceil(n / UNIT), n * ADAM, (s, u0, u1) => s.js(OP_ADAM, u0, u1)));
}

function sgd(a: KernelArgs['sgd']): void {
  const P = at(a.param), G = at(a.grad), buf = a.buf ? at(a.buf) : -2, n = a.param.size;
  const [mul, skip] = gradScale(a.gradScale);
  if (skip || P < 0 || G < 0 || buf === -1 || !worth(n * CHEAP)) return OPTIM_KERNELS.sgd(a);
  const p = jobParams();
  p[0] = P; p[1] = G; p[2] = buf < 0 ? -1 : buf; p[3] = n; p[4] = UNIT;
  sgdConstants(a, mul).forEach((c, i) => (p[5 + i] = c));
  count('sgd', parallel(Math.ceil(n / UNIT), n * CHEAP, (s, u0, u1) => s.js(OP_SGD, u0, u1)));
}

const THREADED_KERNELS = { unary, binary, reduce, adam, sgd };
export { THREADED_KERNELS };
