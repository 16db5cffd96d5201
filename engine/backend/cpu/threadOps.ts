/**
 * The JavaScript kernels a pool thread can run on tensors stored in the shared memory
 * (arena.ts): elementwise (unary, binary, where), reductions and the optimizer updates,
 * each over a range of units. A job's constants (operand locations, op indices, scalars)
 * sit in one Float64Array the caller fills before it publishes the job; a call is then
 * just (op, u0, u1). An operand is (source, offset): a view of the memory by dtype
 * (float32, int32, bool as bytes) with its element offset, or the constants block itself,
 * which carries one-element operands (scalars) that stay in ordinary memory. Each op calls the same row functions as the one-thread kernels, so a
 * range split changes no result: every output is computed by the same expression, in the
 * same order, whichever thread runs it.
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../types.ts';
import { BINARY, selectRow, simdRow, unaryRow } from './elementwise.ts';
import { adamPlainRange, sgdRange } from './optim.ts';
import { simdSumRange, reduceRange } from './reduce.ts';
import { packRows } from './pack.ts';
import { SPATIAL_OPS } from './spatialOps.ts';

/** The shared memory seen as each stored dtype; operand source codes index it, SRC_PARAMS being the constants. */
export interface Views { f32: Float32Array; i32: Int32Array; u8: Uint8Array }
export const SRC_F32 = 0, SRC_I32 = 1, SRC_U8 = 2, SRC_PARAMS = 3;
type Arr = Float32Array | Int32Array | Uint8Array | Float64Array;
const src = (V: Views, p: Float64Array, code: number): Arr => (code === SRC_F32 ? V.f32 : code === SRC_I32 ? V.i32 : code === SRC_U8 ? V.u8 : p);

export function viewsOf(buffer: ArrayBufferLike): Views {
  return { f32: new Float32Array(buffer), i32: new Int32Array(buffer), u8: new Uint8Array(buffer) };
}

/** A thread-runnable kernel: `V` is the whole shared memory, `p` the job's constants. */
export type JsOp = (V: Views, p: Float64Array, u0: number, u1: number) => void;

/** Unary ops by index (the record makes the type-checker keep the list complete). */
const UNARY_INDEX: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, sin: 7, cos: 8, sigmoid: 9,
  tanh: 10, relu: 11, leakyRelu: 12, elu: 13, gelu: 14, silu: 15, erf: 16, clamp: 17, square: 18,
  reciprocal: 19, floor: 20, ceil: 21, round: 22, not: 23, identity: 24, asin: 25, acos: 26, atan: 27, isfinite: 28,
};
export const UNARY_LIST = Object.keys(UNARY_INDEX) as UnaryOp[];
export const unaryIndex = (op: UnaryOp): number => UNARY_INDEX[op];
export const BINARY_LIST = Object.keys(BINARY) as BinaryOp[];
/** Reductions a thread may run (arg-reductions keep their own int32 path on one thread). */
export const REDUCE_LIST: ReduceOp[] = ['sum', 'mean', 'prod', 'max', 'min'];

export const OP_UNARY = 0, OP_BINARY = 1, OP_REDUCE = 2, OP_ADAM = 3, OP_SGD = 4, OP_WHERE = 5, OP_ADAM_MULTI = 6;
/** Matmul operand packing (pack.ts); numbers 8–15 are the matmul's. */
export const OP_PACK = 8;
/**
 * A linear layer's bias added to a product's rows where its chunk wrote them (linear.ts): units
 * are the product's 8-column panels (OP_BIAS_COLS) or 4-row panels (OP_BIAS_ROWS); the
 * constants sit from BIAS_SLOT on, clear of OP_PACK's, which the same job uses.
 */
export const OP_BIAS_COLS = 9, OP_BIAS_ROWS = 10, BIAS_SLOT = 40;

/**
 * Job constants a kernel may use (float64 slots of the params block; a fused program takes up
 * to all of them); scalars go in slots 28–30. Offsets, strides and counts are read with `| 0`:
 * a float64 index made every element access of a row loop a float-to-int conversion (a loop
 * ~1.6× slower).
 */
export const PARAM_SLOTS = 256;
export const SCALAR_SLOTS = [28, 29, 30];

const SGD_CONSTS = 8;

export const JS_OPS: JsOp[] = [];
/** Ops 16–23: convolution and pooling jobs (spatialOps.ts); 24: fused programs (fusedOps.ts registers it). */
for (const [op, f] of Object.entries(SPATIAL_OPS)) JS_OPS[Number(op)] = f;

/** [op, out src, out, x src, x, n, unit, alpha, beta]: units of `unit` elements. */
JS_OPS[OP_UNARY] = (V, p, u0, u1) => {
  const n = p[5] | 0, U = p[6] | 0, s = u0 * U, e = Math.min(n, u1 * U), op = UNARY_LIST[p[0]];
  const O = src(V, p, p[1]), X = src(V, p, p[3]), oo = (p[2] | 0) + s, xo = (p[4] | 0) + s;
  if (op === 'relu' && O === V.f32 && X === V.f32 && simdRow('relu', V.f32, oo, xo, 1, 0, 0, e - s)) return;
  unaryRow(op, O, oo, X, xo, e - s, p[7], p[8]);
};

/**
 * [op, out src, out, a src, a, aRow, aIn, b src, b, bRow, bIn, R, n, block, aBlock, bBlock]:
 * unit u is row u of R elements of the dense output (the last may be short); an operand's
 * row u starts at ⌊u / block⌋·its block stride + (u mod block)·its row stride (threaded.ts rowsOf).
 */
JS_OPS[OP_BINARY] = (V, p, u0, u1) => {
  const op = BINARY_LIST[p[0]], f = BINARY[op];
  const O = src(V, p, p[1]), A = src(V, p, p[3]), B = src(V, p, p[7]);
  const out = p[2] | 0, a = p[4] | 0, aRow = p[5] | 0, aIn = p[6] | 0, b = p[8] | 0, bRow = p[9] | 0, bIn = p[10] | 0, R = p[11] | 0, n = p[12] | 0;
  const block = p[13] | 0, aBlock = p[14] | 0, bBlock = p[15] | 0;
  // float32 in the memory: the SIMD rows (the same results) where the op and layout fit.
  const simd = O === V.f32 && A === V.f32 && B === V.f32;
  for (let u = u0; u < u1; u++) {
    const j = (u / block) | 0, i = u - j * block;
    const oo = out + u * R, ao = a + j * aBlock + i * aRow, bo = b + j * bBlock + i * bRow, len = Math.min(R, n - u * R);
    if (!simd || !simdRow(op, V.f32, oo, ao, aIn, bo, bIn, len)) f(O, oo, A, ao, aIn, B, bo, bIn, len);
  }
};

/** [out src, out, c src, c, cRow, cIn, a src, a, aRow, aIn, b src, b, bRow, bIn, R, n]: rows as in OP_BINARY. */
JS_OPS[OP_WHERE] = (V, p, u0, u1) => {
  const O = src(V, p, p[0]), C = src(V, p, p[2]), A = src(V, p, p[6]), B = src(V, p, p[10]);
  const R = p[14] | 0, n = p[15] | 0, cs = p[5] | 0, as = p[9] | 0, bs = p[13] | 0;
  for (let u = u0; u < u1; u++) {
    const oo = (p[1] | 0) + u * R, co = (p[3] | 0) + u * (p[4] | 0), ao = (p[7] | 0) + u * (p[8] | 0), bo = (p[11] | 0) + u * (p[12] | 0), len = Math.min(R, n - u * R);
    selectRow(O, oo, C, co, cs, A, ao, as, B, bo, bs, len);
  }
};

/** [op, out src, out, x src, x, n, inner, outer, q]: units are rows p when outer > 1, else column blocks of q. */
JS_OPS[OP_REDUCE] = (V, p, u0, u1) => {
  const op = REDUCE_LIST[p[0]], O = src(V, p, p[1]), X = src(V, p, p[3]), n = p[5] | 0, inner = p[6] | 0, outer = p[7] | 0, q = p[8] | 0;
  const [p0, p1, q0, q1] = outer > 1 ? [u0, u1, 0, inner] : [0, 1, u0 * q, Math.min(inner, u1 * q)];
  if (X === V.f32 && O === V.f32) simdSumRange(op, V.f32, p[4] | 0, p[2] | 0, n, inner, p0, p1, q0, q1);
  else reduceRange(op, X, p[4] | 0, O, p[2] | 0, n, inner, p0, p1, q0, q1);
};

/** [param, grad, m, v, n, unit, beta1, beta2, eps, stepSize, sbc2] (float32 offsets). */
JS_OPS[OP_ADAM] = (V, p, u0, u1) => {
  const n = p[4] | 0, U = p[5] | 0, M = V.f32;
  adamPlainRange(M, p[0] | 0, M, p[1] | 0, M, p[2] | 0, M, p[3] | 0, u0 * U, Math.min(n, u1 * U), p[6], p[7], p[8], p[9], p[10]);
};

/** Slots of an OP_ADAM_MULTI job: a header, then per tensor [param, grad, m, v, n, first unit, stepSize, sbc2]. */
export const ADAM_HEAD = 5, ADAM_TENSOR = 8;

/**
 * [count, beta1, beta2, eps, unit, ...per tensor]: one Adam job over many tensors (a model's
 * parameters), unit u being a block of `unit` elements of the tensor whose units it falls in.
 */
JS_OPS[OP_ADAM_MULTI] = (V, p, u0, u1) => {
  const M = V.f32, U = p[4] | 0;
  for (let t = 0, at = ADAM_HEAD; t < p[0]; t++, at += ADAM_TENSOR) {
    const n = p[at + 4] | 0, first = p[at + 5] | 0;
    const a0 = Math.max(u0, first), a1 = Math.min(u1, first + Math.ceil(n / U));
    if (a0 < a1) adamPlainRange(M, p[at] | 0, M, p[at + 1] | 0, M, p[at + 2] | 0, M, p[at + 3] | 0, (a0 - first) * U, Math.min(n, (a1 - first) * U), p[1], p[2], p[3], p[at + 6], p[at + 7]);
  }
};

/** [param, grad, buf (−1: none), n, unit, ...sgdConstants] (float32 offsets). */
JS_OPS[OP_SGD] = (V, p, u0, u1) => {
  const n = p[3] | 0, U = p[4] | 0, c: number[] = [], M = V.f32;
  for (let i = 0; i < SGD_CONSTS; i++) c.push(p[5 + i]);
  sgdRange(M, p[0] | 0, M, p[1] | 0, p[2] < 0 ? null : M, p[2] | 0, u0 * U, Math.min(n, u1 * U), c);
};

/** C[r, c0:c1] += bias[c0:c1] over rows [r0, r1), with the add's SIMD rows (the same results as the add kernel). */
function biasBlock(M: Float32Array, p: Float64Array, r0: number, r1: number, c0: number, c1: number): void {
  const c = p[BIAS_SLOT] | 0, ldc = p[BIAS_SLOT + 1] | 0, b = p[BIAS_SLOT + 4] | 0, len = c1 - c0;
  for (let r = r0; r < r1; r++) {
    const o = c + r * ldc + c0;
    if (!simdRow('add', M, o, o, 1, b + c0, 1, len)) BINARY.add(M, o, M, o, 1, M, b + c0, 1, len);
  }
}

/** [.. BIAS_SLOT: c, ldc, m, n, bias] (float32 offsets): units are 8-column panels of C. */
JS_OPS[OP_BIAS_COLS] = (V, p, u0, u1) => biasBlock(V.f32, p, 0, p[BIAS_SLOT + 2] | 0, 8 * u0, Math.min(p[BIAS_SLOT + 3] | 0, 8 * u1));
/** The same constants: units are 4-row panels of C. */
JS_OPS[OP_BIAS_ROWS] = (V, p, u0, u1) => biasBlock(V.f32, p, 4 * u0, Math.min(p[BIAS_SLOT + 2] | 0, 4 * u1), 0, p[BIAS_SLOT + 3] | 0);

/** [src, rows, k, trans, dst, w] (float32 offsets): units are w-row panels of op(src). */
JS_OPS[OP_PACK] = (V, p, u0, u1) => packRows(V.f32, p[0] | 0, p[1] | 0, p[2] | 0, p[3] !== 0, V.f32, p[5] | 0, p[4] | 0, u0, u1);
