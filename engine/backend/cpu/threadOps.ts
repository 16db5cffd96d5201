/**
 * The JavaScript kernels a pool thread can run on tensors stored in the shared memory
 * (arena.ts): elementwise, reductions and the optimizer updates, each over a range of
 * units. A job's constants (byte addresses turned into float offsets, op indices, scalars)
 * sit in one Float64Array the caller fills before it publishes the job; a call is then
 * just (op, u0, u1). Each op calls the same row functions as the one-thread kernels, so a
 * range split changes no result: every output is computed by the same expression, in the
 * same order, whichever thread runs it.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../types.ts';
import { BINARY, unaryRow } from './elementwise.ts';
import { adamPlainRange, sgdRange } from './optim.ts';
import { reduceRange } from './reduce.ts';

/** A thread-runnable kernel: `M` is the whole shared memory as floats, `p` the job's constants. */
export type JsOp = (M: Float32Array, p: Float64Array, u0: number, u1: number) => void;

/** Unary ops by index (the record makes the type-checker keep the list complete). */
const UNARY_INDEX: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, sin: 7, cos: 8, sigmoid: 9,
  tanh: 10, relu: 11, leakyRelu: 12, elu: 13, gelu: 14, silu: 15, erf: 16, clamp: 17, square: 18,
  reciprocal: 19, floor: 20, ceil: 21, round: 22, not: 23, identity: 24, asin: 25, acos: 26, atan: 27, isfinite: 28,
};
export const UNARY_LIST = Object.keys(UNARY_INDEX) as UnaryOp[];
export const unaryIndex = (op: UnaryOp): number => UNARY_INDEX[op];
export const BINARY_LIST = Object.keys(BINARY) as BinaryOp[];
/** Reductions a thread may run (float outputs; arg-reductions write int32 and stay on one thread). */
export const REDUCE_LIST: ReduceOp[] = ['sum', 'mean', 'prod', 'max', 'min'];

export const OP_UNARY = 0, OP_BINARY = 1, OP_REDUCE = 2, OP_ADAM = 3, OP_SGD = 4;

/** Job constants a kernel may use (floats of the params block). */
export const PARAM_SLOTS = 32;

const SGD_CONSTS = 8;

export const JS_OPS: JsOp[] = [];

/** [op, out, x, n, unit, alpha, beta]: units of `unit` elements. */
JS_OPS[OP_UNARY] = (M, p, u0, u1) => {
  const n = p[3], U = p[4], s = u0 * U, e = Math.min(n, u1 * U);
  unaryRow(UNARY_LIST[p[0]], M, p[1] + s, M, p[2] + s, e - s, p[5], p[6]);
};

/** [op, out, a, aRow, aIn, b, bRow, bIn, R, n]: unit u is row u of R elements (the last may be short). */
JS_OPS[OP_BINARY] = (M, p, u0, u1) => {
  const f = BINARY[BINARY_LIST[p[0]]];
  const out = p[1], a = p[2], aRow = p[3], aIn = p[4], b = p[5], bRow = p[6], bIn = p[7], R = p[8], n = p[9];
  for (let u = u0; u < u1; u++) f(M, out + u * R, M, a + u * aRow, aIn, M, b + u * bRow, bIn, Math.min(R, n - u * R));
};

/** [op, out, x, n, inner, outer, q]: units are rows p when outer > 1, else column blocks of q. */
JS_OPS[OP_REDUCE] = (M, p, u0, u1) => {
  const op = REDUCE_LIST[p[0]], n = p[3], inner = p[4], outer = p[5], q = p[6];
  if (outer > 1) reduceRange(op, M, p[2], M, p[1], n, inner, u0, u1, 0, inner);
  else reduceRange(op, M, p[2], M, p[1], n, inner, 0, 1, u0 * q, Math.min(inner, u1 * q));
};

/** [param, grad, m, v, n, unit, beta1, beta2, eps, stepSize, sbc2]. */
JS_OPS[OP_ADAM] = (M, p, u0, u1) => {
  const n = p[4], U = p[5];
  adamPlainRange(M, p[0], M, p[1], M, p[2], M, p[3], u0 * U, Math.min(n, u1 * U), p[6], p[7], p[8], p[9], p[10]);
};

/** [param, grad, buf (−1: none), n, unit, ...sgdConstants]. */
JS_OPS[OP_SGD] = (M, p, u0, u1) => {
  const n = p[3], U = p[4], c: number[] = [];
  for (let i = 0; i < SGD_CONSTS; i++) c.push(p[5 + i]);
  sgdRange(M, p[0], M, p[1], p[2] < 0 ? null : M, p[2], u0 * U, Math.min(n, u1 * U), c);
};
