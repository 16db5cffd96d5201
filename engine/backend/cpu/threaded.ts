/**
 * Threaded versions of the CPU's elementwise, reduction and optimizer kernels. When every
 * operand is in the shared memory (arena.ts:
 * CpuBuffer.addr ≥ 0; float32, int32 or bool) or is a single element (passed as a job
 * constant), a big enough call is one job of threadOps.ts split over ranges of elements,
 * rows or outputs (a compiled plan's fused programs over blocks), run on the calling thread
 * alone at one thread; anything else (small jobs, float16/float64, general broadcasts,
 * ordinary ArrayBuffers) runs the one-thread kernel. Both paths
 * evaluate every output with the same row functions in the same order, so the thread count
 * never changes a result.
 */
import { broadcastStrides, stridesOf } from '../../core/shape.ts';
import type { DType } from '../../core/dtype.ts';
import type { BackendBuffer, FusedArgs, KernelArgs, OptionalKernelArgs } from '../types.ts';
import { BLOCK, runFused } from './fused.ts';
import { OP_FUSED, fusedJob } from './fusedOps.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { EW_BINARY } from './wasmEw.ts';
import { OPTIM_KERNELS, adamConstants, gradScale, sgdConstants } from './optim.ts';
import { sharedAt } from './arena.ts';
import { jobParams, parallel, worth } from './pool.ts';
import { REDUCE_KERNELS } from './reduce.ts';
import { collapse } from './strided.ts';
import { ADAM_HEAD, ADAM_TENSOR, BINARY_LIST, OP_ADAM, OP_ADAM_MULTI, OP_BINARY, OP_REDUCE, OP_SGD, OP_UNARY, OP_WHERE, PARAM_SLOTS, REDUCE_LIST, SCALAR_SLOTS, SRC_F32, SRC_I32, SRC_PARAMS, SRC_U8, unaryIndex } from './threadOps.ts';

/** A float32 buffer's float offset in the shared memory, or −1 (plain ArrayBuffer, float16 shadow, other dtype). */
const at = (b: BackendBuffer): number => sharedAt(b, 'float32');

const SOURCE: Partial<Record<DType, [code: number, bytes: number]>> = { float32: [SRC_F32, 4], int32: [SRC_I32, 4], bool: [SRC_U8, 1] };

/**
 * Where a thread finds an operand: [source, element offset] for storage in the shared memory,
 * a one-element operand in ordinary memory copied into the next free scalar slot of the job's
 * constants (`scalars` counts them), or null (the job stays on one thread).
 */
function locate(b: BackendBuffer, p: Float64Array, scalars: { used: number }): [number, number] | null {
  const addr = (b as { addr?: number }).addr ?? -1, s = SOURCE[b.dtype];
  if (addr >= 0 && s) return [s[0], addr / s[1]];
  if (b.size !== 1 || !s || scalars.used >= SCALAR_SLOTS.length) return null;
  const slot = SCALAR_SLOTS[scalars.used++];
  p[slot] = (b as unknown as { data: ArrayLike<number> }).data[0];
  return [SRC_PARAMS, slot];
}

/**
 * Work units per element, on pool.ts's scale (MIN_WORK = 2¹⁷ per thread), so a job is split
 * only into chunks of at least 2¹⁷ / cost elements: 8192 for a cheap elementwise op, 2048 for
 * one calling Math.exp and the like, 4096 for an Adam element. Measured in Node on this
 * machine: below ~8k elements an add costs less than a fork and join (~10–20 µs).
 */
const CHEAP = 16, DEAR = 64, ADAM = 32, REDUCE = 8;
/**
 * An element of a float32 op that runs on the SIMD rows (elementwise.ts simdRow): 32k of them
 * take ~20 µs, which a second thread does not earn back (an MLP's bias add and ReLU backward
 * at 2 threads: 26 → 35 µs and 19 → 46 µs a call split in four chunks), so only ~65k and up
 * are split. From SIMD_MIN elements such an op takes the job path even where it is not split.
 */
const SIMD = 4, SIMD_MIN = 1024;
/** Elements per unit of a dense job (chunks are whole units). */
const UNIT = 1024;
/** Columns per unit of a reduction over the rows of a single output row (bias gradients). */
const COLUMNS = 64;

const TRANSCENDENTAL = new Set(['exp', 'log', 'sin', 'cos', 'sigmoid', 'tanh', 'elu', 'gelu', 'silu', 'erf', 'asin', 'acos', 'atan', 'pow']);

/** Jobs split across threads per kernel (tests check that the threaded paths ran). */
export const threadedKernelJobs: Record<keyof typeof THREADED_KERNELS, number> = { unary: 0, binary: 0, where: 0, reduce: 0, adam: 0, sgd: 0, fused: 0, adamMulti: 0 };
const count = (k: keyof typeof THREADED_KERNELS, forked: boolean): void => {
  if (forked) threadedKernelJobs[k]++;
};


function unary(a: KernelArgs['unary']): void {
  const n = a.out.size, simd = a.op === 'relu' && a.out.dtype === 'float32' && n >= SIMD_MIN;
  const cost = simd ? SIMD : TRANSCENDENTAL.has(a.op) ? DEAR : CHEAP;
  if ((!simd && !worth(n * cost)) || a.x.size !== n) return ELEMENTWISE_KERNELS.unary(a);
  const p = jobParams(), sc = { used: 0 };
  const o = locate(a.out, p, sc), x = locate(a.x, p, sc);
  if (!o || !x || o[0] === SRC_PARAMS) return ELEMENTWISE_KERNELS.unary(a);
  p[0] = unaryIndex(a.op); p[1] = o[0]; p[2] = o[1]; p[3] = x[0]; p[4] = x[1]; p[5] = n; p[6] = UNIT; p[7] = a.alpha ?? 0; p[8] = a.beta ?? 0;
  count('unary', parallel(Math.ceil(n / UNIT), n * cost, (s, u0, u1) => s.js(OP_UNARY, u0, u1)));
}

/**
 * Rows of a job over `shape` with operands of the given strides (the output's first): the
 * dims collapsed to one (split into UNIT-element rows), two, or three (rows of at least 64:
 * [N, C, H·W] against a per-channel [1, C, 1], BatchNorm's layout), as [R, rows, per operand
 * [row stride, inner stride, block stride], rows per block]: row r of an operand starts at
 * ⌊r / block⌋·block stride + (r mod block)·row stride. null for other layouts.
 */
function rowsOf(shape: readonly number[], strides: number[][]): [number, number, [number, number, number][], number] | null {
  const n = shape.reduce((x, y) => x * y, 1);
  const c = collapse(shape, strides);
  if (c.shape.length === 1) {
    const rows = Math.ceil(n / UNIT);
    return [UNIT, rows, c.strides.map((s) => [UNIT * s[0], s[0], 0]), rows];
  }
  if (c.shape.length === 2 && c.shape[1] >= 64) return [c.shape[1], c.shape[0], c.strides.map((s) => [s[0], s[1], 0]), c.shape[0]];
  if (c.shape.length === 3 && c.shape[2] >= 64) return [c.shape[2], c.shape[0] * c.shape[1], c.strides.map((s) => [s[1], s[2], s[0]]), c.shape[1]];
  return null;
}

/** Same-shape, scalar and row broadcasts (collapsed to at most two dimensions); others stay on one thread. */
function binary(a: KernelArgs['binary']): void {
  const n = a.out.size, simd = EW_BINARY[a.op] !== undefined && a.out.dtype === 'float32' && n >= SIMD_MIN;
  let cost = a.op === 'pow' ? DEAR : CHEAP;
  if (!simd && !worth(n * cost)) return ELEMENTWISE_KERNELS.binary(a);
  const p = jobParams(), sc = { used: 0 };
  const o = locate(a.out, p, sc), A = locate(a.a, p, sc), B = locate(a.b, p, sc);
  const rows = rowsOf(a.outShape, [stridesOf(a.outShape), broadcastStrides(a.aShape, a.outShape), broadcastStrides(a.bShape, a.outShape)]);
  if (!o || !A || !B || o[0] === SRC_PARAMS || !rows) return ELEMENTWISE_KERNELS.binary(a);
  const [R, count0, [, sa, sb], block] = rows;
  // The SIMD rows take float32 operands in the memory (no scalar constants), a dense and b dense or one value (either way round for add and mul).
  const commutes = a.op === 'add' || a.op === 'mul';
  if (simd && A[0] === SRC_F32 && B[0] === SRC_F32 && ((sa[1] === 1 && sb[1] <= 1) || (commutes && sa[1] === 0 && sb[1] === 1))) cost = SIMD;
  else if (!worth(n * cost)) return ELEMENTWISE_KERNELS.binary(a);
  p[0] = BINARY_LIST.indexOf(a.op); p[1] = o[0]; p[2] = o[1];
  p[3] = A[0]; p[4] = A[1]; p[5] = sa[0]; p[6] = sa[1];
  p[7] = B[0]; p[8] = B[1]; p[9] = sb[0]; p[10] = sb[1]; p[11] = R; p[12] = n;
  p[13] = block; p[14] = sa[2]; p[15] = sb[2];
  count('binary', parallel(count0, n * cost, (s, u0, u1) => s.js(OP_BINARY, u0, u1)));
}

/** where(cond, a, b) with the same layouts as binary (ReLU's gradient is one). */
function where(a: KernelArgs['where']): void {
  const n = a.out.size;
  if (!worth(n * CHEAP)) return ELEMENTWISE_KERNELS.where(a);
  const p = jobParams(), sc = { used: 0 };
  const o = locate(a.out, p, sc), C = locate(a.cond, p, sc), A = locate(a.a, p, sc), B = locate(a.b, p, sc);
  const st = [stridesOf(a.outShape), broadcastStrides(a.condShape, a.outShape), broadcastStrides(a.aShape, a.outShape), broadcastStrides(a.bShape, a.outShape)];
  const rows = rowsOf(a.outShape, st);
  // where's job walks rows linearly: no blocks of rows (three collapsed dims) here.
  if (!o || !C || !A || !B || o[0] === SRC_PARAMS || !rows || rows[3] !== rows[1]) return ELEMENTWISE_KERNELS.where(a);
  const [R, count0, [, sc2, sa, sb]] = rows;
  p[0] = o[0]; p[1] = o[1];
  p[2] = C[0]; p[3] = C[1]; p[4] = sc2[0]; p[5] = sc2[1];
  p[6] = A[0]; p[7] = A[1]; p[8] = sa[0]; p[9] = sa[1];
  p[10] = B[0]; p[11] = B[1]; p[12] = sb[0]; p[13] = sb[1]; p[14] = R; p[15] = n;
  count('where', parallel(count0, n * CHEAP, (s, u0, u1) => s.js(OP_WHERE, u0, u1)));
}

/** Split over output rows, or (one output row: bias gradients) over blocks of columns; each output summed in order. */
function reduce(a: KernelArgs['reduce']): void {
  const op = REDUCE_LIST.indexOf(a.op);
  const { outer, n, inner } = a;
  const units = outer > 1 ? outer : Math.ceil(inner / COLUMNS);
  // Float32 sums over or along rows run on the SIMD sums (reduce.ts simdSumRange), job path or not.
  const simd = (a.op === 'sum' || a.op === 'mean') && (inner >= 4 || inner === 1) && a.x.dtype === 'float32' && a.out.dtype === 'float32' && outer * n * inner >= SIMD_MIN;
  if (op < 0 || (!simd && (units < 2 || !worth(outer * n * inner * REDUCE)))) return REDUCE_KERNELS.reduce(a);
  const p = jobParams(), sc = { used: 0 };
  const o = locate(a.out, p, sc), x = locate(a.x, p, sc);
  if (!o || !x || o[0] === SRC_PARAMS || x[0] === SRC_PARAMS) return REDUCE_KERNELS.reduce(a);
  p[0] = op; p[1] = o[0]; p[2] = o[1]; p[3] = x[0]; p[4] = x[1]; p[5] = n; p[6] = inner; p[7] = outer; p[8] = COLUMNS;
  count('reduce', parallel(units, outer * n * inner * (simd ? SIMD : REDUCE), (s, u0, u1) => s.js(OP_REDUCE, u0, u1)));
}

/** The common Adam configuration over ranges of the parameter; AMSGrad, weight decay, maximize and loss scaling stay on one thread. */
function adam(a: KernelArgs['adam']): void {
  const P = at(a.param), G = at(a.grad), m = at(a.m), v = at(a.v), n = a.param.size;
  const [mul, skip, skipped] = gradScale(a.gradScale);
  const plain = !a.vMax && a.weightDecay === 0 && !a.maximize && mul === 1 && !skip;
  // In the shared memory even when too small to split: the job then runs here, on the SIMD step (wasmAdam.ts).
  if (!plain || P < 0 || G < 0 || m < 0 || v < 0) return OPTIM_KERNELS.adam(a);
  const { sbc2, stepSize } = adamConstants(a.lr, a.beta1, a.beta2, a.step - skipped);
  const p = jobParams();
  p[0] = P; p[1] = G; p[2] = m; p[3] = v; p[4] = n; p[5] = UNIT; p[6] = a.beta1; p[7] = a.beta2; p[8] = a.eps; p[9] = stepSize; p[10] = sbc2;
  count('adam', parallel(Math.ceil(n / UNIT), n * ADAM, (s, u0, u1) => s.js(OP_ADAM, u0, u1)));
}

/**
 * Adam's common configuration over many tensors as one job per ADAM_BATCH tensors, split over
 * blocks of every tensor (a model's small biases and kernels would each stay on one thread),
 * or run here when too small to split (still the SIMD step); false, with nothing done, where a
 * tensor is not in the shared memory or the options need the per-tensor kernel.
 */
function adamMulti(a: OptionalKernelArgs['adamMulti']): boolean {
  const [mul, skip, skipped] = gradScale(a.gradScale);
  if (a.vMax || a.weightDecay !== 0 || a.maximize || mul !== 1 || skip) return false;
  const where = a.params.map((t, i) => [at(t), at(a.grads[i]!), at(a.m[i]!), at(a.v[i]!)]);
  if (where.some((w) => w.some((x) => x < 0))) return false;
  for (let t0 = 0; t0 < a.params.length; t0 += ADAM_BATCH) {
    const p = jobParams(), t1 = Math.min(a.params.length, t0 + ADAM_BATCH);
    p[0] = t1 - t0; p[1] = a.beta1; p[2] = a.beta2; p[3] = a.eps; p[4] = UNIT;
    let units = 0, work = 0;
    for (let t = t0, o = ADAM_HEAD; t < t1; t++, o += ADAM_TENSOR) {
      const n = a.params[t]!.size, { sbc2, stepSize } = adamConstants(a.lr, a.beta1, a.beta2, a.steps[t]! - skipped);
      [p[o], p[o + 1], p[o + 2], p[o + 3]] = where[t]!;
      p[o + 4] = n; p[o + 5] = units; p[o + 6] = stepSize; p[o + 7] = sbc2;
      units += Math.ceil(n / UNIT);
      work += n * ADAM;
    }
    count('adamMulti', parallel(units, work, (s, u0, u1) => s.js(OP_ADAM_MULTI, u0, u1)));
  }
  return true;
}

/** Tensors per multi-tensor Adam job (what the job constants hold). */
const ADAM_BATCH = Math.floor((PARAM_SLOTS - ADAM_HEAD) / ADAM_TENSOR);

function sgd(a: KernelArgs['sgd']): void {
  const P = at(a.param), G = at(a.grad), buf = a.buf ? at(a.buf) : -2, n = a.param.size;
  const [mul, skip] = gradScale(a.gradScale);
  if (skip || P < 0 || G < 0 || buf === -1 || !worth(n * CHEAP)) return OPTIM_KERNELS.sgd(a);
  const p = jobParams();
  p[0] = P; p[1] = G; p[2] = buf < 0 ? -1 : buf; p[3] = n; p[4] = UNIT;
  sgdConstants(a, mul).forEach((c, i) => (p[5 + i] = c));
  count('sgd', parallel(Math.ceil(n / UNIT), n * CHEAP, (s, u0, u1) => s.js(OP_SGD, u0, u1)));
}

/**
 * A compiled plan's fused program (fused.ts) over blocks of elements, when the output and
 * every input lie in the shared memory (or are one element) and no input is read through a
 * general view (a broadcast that is neither a scalar nor dense).
 */
function fused(a: FusedArgs): void {
  const n = a.out.size;
  let cost = 0;
  for (const node of a.nodes) {
    if (node.kind === 'unary') cost += TRANSCENDENTAL.has(node.op) ? DEAR : CHEAP;
    else if (node.kind !== 'input' && node.kind !== 'const') cost += CHEAP;
  }
  if (!worth(n * cost)) return runFused(a);
  // A one-element input in ordinary memory (a scalar the plan captured) goes by value.
  const o = inShared(a.out), ins = a.inputs.map((b) => inShared(b) ?? (b.size === 1 && SOURCE[b.dtype] ? (b as unknown as { data: ArrayLike<number> }).data[0] : null));
  if (!o || ins.some((x) => x === null) || !fusedJob(jobParams(), a.nodes, ins as ([number, number] | number)[], o, n)) return runFused(a);
  count('fused', parallel(Math.ceil(n / BLOCK), n * cost, (s, u0, u1) => s.js(OP_FUSED, u0, u1)));
}

/** [source, element offset] of a buffer stored in the shared memory, else null. */
function inShared(b: BackendBuffer): [number, number] | null {
  const addr = (b as { addr?: number }).addr ?? -1, s = SOURCE[b.dtype];
  return addr >= 0 && s ? [s[0], addr / s[1]] : null;
}

const THREADED_KERNELS = { unary, binary, where, reduce, adam, sgd, fused, adamMulti };
export { THREADED_KERNELS };
