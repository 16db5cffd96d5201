/**
 * CPU elementwise kernels. Each op is one tight loop selected once per call (or once per
 * row for broadcasts) — never a closure per element. Broadcasting is handled by forEachRow,
 * which turns the common cases (same shape, scalar, bias row) into one or few long rows.
 */
import type { TypedArray } from '../../core/dtype.ts';
import { broadcastStrides, stridesOf } from '../../core/shape.ts';
import { erfFast, erfPrecise, tanhFast } from '../mathfn.ts';
import type { BackendBuffer, BinaryOp, KernelArgs, UnaryOp } from '../types.ts';
import { forEachRow } from './strided.ts';
import { EW_BINARY, EW_RELU } from './wasmEw.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

/*
 * Branch-free loops where the outcome depends on the data (comparisons, relu, where): V8
 * compiles `c ? x : y` to a conditional jump, and on signs that change at random (a relu's
 * input, its backward mask) half the jumps mispredict: 10× the time of the loop without
 * them (301K floats: relu 1.6 ms with the jump, 0.17 ms on the bits). `+(a > b)` compiles to a
 * set-on-compare; selects go through the int32 bits of float32 values.
 */

export type Row = (o: TypedArray, oo: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, n: number) => void;

export const BINARY: Record<BinaryOp, Row> = {
  add: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; },
  sub: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; },
  mul: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; },
  div: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs]; },
  pow: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.pow(a[ao + i * as], b[bo + i * bs]); },
  maximum: (o, oo, a, ao, as, b, bo, bs, n) => {
    for (let i = 0; i < n; i++) { const x = a[ao + i * as], y = b[bo + i * bs]; o[oo + i] = x > y || x !== x ? x : y; }
  },
  minimum: (o, oo, a, ao, as, b, bo, bs, n) => {
    for (let i = 0; i < n; i++) { const x = a[ao + i * as], y = b[bo + i * bs]; o[oo + i] = x < y || x !== x ? x : y; }
  },
  eq: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] === b[bo + i * bs]); },
  ne: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] !== b[bo + i * bs]); },
  gt: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] > b[bo + i * bs]); },
  lt: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] < b[bo + i * bs]); },
  ge: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] >= b[bo + i * bs]); },
  le: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] <= b[bo + i * bs]); },
  and: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] !== 0) & +(b[bo + i * bs] !== 0); },
  or: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) o[oo + i] = +(a[ao + i * as] !== 0) | +(b[bo + i * bs] !== 0); },
  reluGrad: (o, oo, a, ao, as, b, bo, bs, n) => reluGradRow(o, oo, a, ao, as, b, bo, bs, n),
  tanhGrad: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) { const y = b[bo + i * bs]; o[oo + i] = a[ao + i * as] * (1 - y * y); } },
  sigmoidGrad: (o, oo, a, ao, as, b, bo, bs, n) => { for (let i = 0; i < n; i++) { const y = b[bo + i * bs]; o[oo + i] = a[ao + i * as] * y * (1 - y); } },
};

/** The module's `ew` export (wasmEw.ts) bound to this thread's instance. */
export type WasmEw = (op: number, o: number, a: number, b: number, quads: number, bScalar: number) => void;
let wasmEw: WasmEw | null = null;

/** Installs this thread's SIMD rows (wasm.ts on binding an instance, threadLoop.ts in each pool thread). */
export function useWasmEw(fn: WasmEw | null): void {
  wasmEw = fn;
}

/**
 * BINARY[op] (or relu, `b` unused) over one row whose operands all lie in `mem`, the kernel's
 * whole float32 memory as thread jobs pass it: groups of four elements in the SIMD rows, the
 * rest here, with the same results bit for bit (wasmEw.ts). a is dense; b dense or one value
 * (stride 0); an add or mul with a the single value swaps them. False, with nothing done,
 * where the module or the op or the layout does not fit: the caller runs the JavaScript row.
 */
export function simdRow(op: BinaryOp | 'relu', mem: Float32Array, oo: number, ao: number, as: number, bo: number, bs: number, n: number): boolean {
  const code = op === 'relu' ? EW_RELU : EW_BINARY[op];
  if (!wasmEw || code === undefined || n < 4 || mem.byteOffset !== 0) return false;
  if (as === 0 && bs === 1 && (op === 'add' || op === 'mul')) [ao, as, bo, bs] = [bo, bs, ao, as];
  if (as !== 1 || (bs !== 0 && bs !== 1)) return false;
  const quads = n >> 2, done = quads << 2;
  wasmEw(code, 4 * oo, 4 * ao, 4 * bo, quads, bs === 0 ? 1 : 0);
  if (done === n) return true;
  if (op === 'relu') reluRow(mem, oo + done, mem, ao + done, n - done);
  else BINARY[op](mem, oo + done, mem, ao + done, 1, mem, bo + done * bs, bs, n - done);
  return true;
}

/**
 * float64 results get the precise erf (and Math's tanh, in unaryRow): gradient checks,
 * PyTorch to 1e-13. float32 ones (float16 too, computed in float32) get the fast forms
 * (mathfn.ts), whose error is below float32's rounding.
 */
const erfFor = (o: TypedArray): ((x: number) => number) => (o instanceof Float64Array ? erfPrecise : erfFast);

/** o[oo + i] = op(x[xo + i]) for i < n (shared by the unary kernel and fused kernels). */
export function unaryRow(op: UnaryOp, o: TypedArray, oo: number, x: TypedArray, xo: number, n: number, alpha = 0, beta = 0): void {
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) o[oo + i] = -x[xo + i]; return;
    case 'exp': for (let i = 0; i < n; i++) o[oo + i] = Math.exp(x[xo + i]); return;
    case 'log': for (let i = 0; i < n; i++) o[oo + i] = Math.log(x[xo + i]); return;
    case 'sqrt': for (let i = 0; i < n; i++) o[oo + i] = Math.sqrt(x[xo + i]); return;
    case 'rsqrt': for (let i = 0; i < n; i++) o[oo + i] = 1 / Math.sqrt(x[xo + i]); return;
    case 'abs': for (let i = 0; i < n; i++) o[oo + i] = Math.abs(x[xo + i]); return;
    case 'sign': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] > 0 ? 1 : x[xo + i] < 0 ? -1 : 0; return;
    case 'sin': for (let i = 0; i < n; i++) o[oo + i] = Math.sin(x[xo + i]); return;
    case 'cos': for (let i = 0; i < n; i++) o[oo + i] = Math.cos(x[xo + i]); return;
    case 'sigmoid': for (let i = 0; i < n; i++) o[oo + i] = 1 / (1 + Math.exp(-x[xo + i])); return;
    case 'tanh':
      if (o instanceof Float64Array) for (let i = 0; i < n; i++) o[oo + i] = Math.tanh(x[xo + i]);
      else for (let i = 0; i < n; i++) o[oo + i] = tanhFast(x[xo + i]);
      return;
    case 'relu': return reluRow(o, oo, x, xo, n);
    case 'leakyRelu': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] > 0 ? x[xo + i] : alpha * x[xo + i]; return;
    case 'elu': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] > 0 ? x[xo + i] : alpha * (Math.exp(x[xo + i]) - 1); return;
    case 'gelu': { const erf = erfFor(o); for (let i = 0; i < n; i++) o[oo + i] = 0.5 * x[xo + i] * (1 + erf(x[xo + i] * Math.SQRT1_2)); return; }
    case 'silu': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] / (1 + Math.exp(-x[xo + i])); return;
    case 'erf': { const erf = erfFor(o); for (let i = 0; i < n; i++) o[oo + i] = erf(x[xo + i]); return; }
    case 'clamp': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] < alpha ? alpha : x[xo + i] > beta ? beta : x[xo + i]; return;
    case 'square': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] * x[xo + i]; return;
    case 'reciprocal': for (let i = 0; i < n; i++) o[oo + i] = 1 / x[xo + i]; return;
    case 'floor': for (let i = 0; i < n; i++) o[oo + i] = Math.floor(x[xo + i]); return;
    case 'ceil': for (let i = 0; i < n; i++) o[oo + i] = Math.ceil(x[xo + i]); return;
    case 'round':
      for (let i = 0; i < n; i++) { const v = x[xo + i], f = Math.floor(v); o[oo + i] = v - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(v); }
      return;
    case 'not': for (let i = 0; i < n; i++) o[oo + i] = +(x[xo + i] === 0); return;
    case 'identity': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i]; return;
    case 'asin': for (let i = 0; i < n; i++) o[oo + i] = Math.asin(x[xo + i]); return;
    case 'acos': for (let i = 0; i < n; i++) o[oo + i] = Math.acos(x[xo + i]); return;
    case 'atan': for (let i = 0; i < n; i++) o[oo + i] = Math.atan(x[xo + i]); return;
    case 'isfinite': for (let i = 0; i < n; i++) o[oo + i] = Number.isFinite(x[xo + i]) ? 1 : 0; return;
    default: op satisfies never;
  }
}

/** Rows shorter than this keep the plain loop: a broadcast may run many short rows, and the views cost more than the jumps there. */
const BITS_MIN = 128;

/** The int32 view of a float32 or int32 array's elements (same offsets), else null. */
function bitsOf(t: TypedArray): Int32Array | null {
  if (t instanceof Int32Array) return t;
  return t instanceof Float32Array ? new Int32Array(t.buffer, t.byteOffset, t.length) : null;
}

/** relu, NaN kept (PyTorch), −0 → 0; on the bits for float32 and int32: v & ~sign, except that a NaN (|bits| > +∞'s) keeps every bit. */
function reluRow(o: TypedArray, oo: number, x: TypedArray, xo: number, n: number): void {
  const O = n >= BITS_MIN && o.constructor === x.constructor ? bitsOf(o) : null, X = O ? bitsOf(x)! : null;
  if (!O || !X) {
    for (let i = 0; i < n; i++) o[oo + i] = x[xo + i] <= 0 ? 0 : x[xo + i];
    return;
  }
  if (x instanceof Int32Array) for (let i = 0; i < n; i++) { const v = X[xo + i]; O[oo + i] = v & ~(v >> 31); }
  else for (let i = 0; i < n; i++) { const v = X[xo + i]; O[oo + i] = v & (~(v >> 31) | ((0x7f800000 - (v & 0x7fffffff)) >> 31)); }
}

/** a where b > 0, else 0: on the bits (a mask from the compare) for dense float32/int32 a and o, as selectIfRow. */
function reluGradRow(o: TypedArray, oo: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, n: number): void {
  const O = n >= BITS_MIN && as === 1 && o.constructor === a.constructor ? bitsOf(o) : null;
  if (!O) {
    for (let i = 0; i < n; i++) o[oo + i] = b[bo + i * bs] > 0 ? a[ao + i * as] : 0;
    return;
  }
  if (bs === 1) gtSelectDense(O, oo, b, bo, 0, bitsOf(a)!, ao, 0, n);
  else { const A = bitsOf(a)!; for (let i = 0; i < n; i++) O[oo + i] = A[ao + i] & ((+(b[bo + i * bs] > 0) << 31) >> 31); }
}

const f32 = new Float32Array(1), f32bits = new Int32Array(f32.buffer);
/** The int32 bits `v` has as an element of an array like `o` (float32 or int32). */
const bitsAs = (o: TypedArray, v: number): number => (o instanceof Int32Array ? v | 0 : ((f32[0] = v), f32bits[0]));

/**
 * o[oo + i] = c[co + i·cs] ≠ 0 ? a[ao + i·as] : b[bo + i·bs] (where; shared by the kernel, its
 * thread rows and fused kernels). float32/int32 outputs select bits with a mask; an operand
 * with stride 0 (a scalar, possibly from the job's float64 constants) is converted once.
 */
export function selectRow(o: TypedArray, oo: number, c: TypedArray, co: number, cs: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, n: number): void {
  const O = n >= BITS_MIN ? bitsOf(o) : null;
  const A = O && (as === 0 || a.constructor === o.constructor) ? bitsOf(a) ?? a : null, B = O && (bs === 0 || b.constructor === o.constructor) ? bitsOf(b) ?? b : null;
  if (!O || !A || !B || (as !== 0 && !(A instanceof Int32Array)) || (bs !== 0 && !(B instanceof Int32Array))) {
    for (let i = 0; i < n; i++) o[oo + i] = c[co + i * cs] !== 0 ? a[ao + i * as] : b[bo + i * bs];
    return;
  }
  if (as === 0 && bs === 0) {
    const va = bitsAs(o, a[ao]!), vb = bitsAs(o, b[bo]!);
    for (let i = 0; i < n; i++) { const m = -(c[co + i * cs] !== 0); O[oo + i] = (va & m) | (vb & ~m); }
  } else if (bs === 0) {
    const vb = bitsAs(o, b[bo]!);
    for (let i = 0; i < n; i++) { const m = -(c[co + i * cs] !== 0); O[oo + i] = (A[ao + i * as]! & m) | (vb & ~m); }
  } else if (as === 0) {
    const va = bitsAs(o, a[ao]!);
    for (let i = 0; i < n; i++) { const m = -(c[co + i * cs] !== 0); O[oo + i] = (va & m) | (B[bo + i * bs]! & ~m); }
  } else for (let i = 0; i < n; i++) { const m = -(c[co + i * cs] !== 0); O[oo + i] = (A[ao + i * as]! & m) | (B[bo + i * bs]! & ~m); }
}

/** Comparisons selectIfRow folds into its select (the bool mask never stored). */
export type Comparison = 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne';
export const COMPARISONS: readonly string[] = ['gt', 'lt', 'ge', 'le', 'eq', 'ne'] satisfies Comparison[];

const one32 = (o: TypedArray, arr: TypedArray, at: number): Int32Array => Int32Array.of(bitsAs(o, arr[at]!));

function gtSelectDense(O: Int32Array, oo: number, x: TypedArray, xo: number, y: number, A: Int32Array, ai: number, vb: number, n: number): void {
  for (let i = 0; i < n; i++) { const m = (+(x[xo + i] > y) << 31) >> 31; O[oo + i] = (A[ai + i] & m) | (vb & ~m); }
}

/**
 * o[oo + i] = x[xo + i·xs] <cmp> y ? a[ao + i·as] : b[bo + i·bs], for a float32 or int32 o
 * whose a and b are arrays of o's type or scalars (stride 0): where(cmp(x, y), a, b) in one
 * pass (leaky ReLU's backward is where(x > 0, g, g·α)). The compare gives 0/1, shifted into an
 * all-ones or zero mask that picks bits, like selectRow, so NaN compares false as in BINARY.
 */
export function selectIfRow(cmp: Comparison, o: TypedArray, oo: number, x: TypedArray, xo: number, xs: number, y: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, n: number): void {
  const O = bitsOf(o)!;
  const A = as === 0 ? one32(o, a, ao) : bitsOf(a)!, B = bs === 0 ? one32(o, b, bo) : bitsOf(b)!;
  const ai = as === 0 ? 0 : ao, bi = bs === 0 ? 0 : bo;
  // Contiguous x and a, scalar b (a threshold's backward): without the stride products the loop takes ⅔ of the time.
  if (cmp === 'gt' && xs === 1 && as === 1 && bs === 0) return gtSelectDense(O, oo, x, xo, y, A, ai, B[0], n);
  switch (cmp) {
    case 'gt': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] > y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    case 'lt': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] < y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    case 'ge': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] >= y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    case 'le': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] <= y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    case 'eq': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] === y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    case 'ne': for (let i = 0; i < n; i++) { const m = (+(x[xo + i * xs] !== y) << 31) >> 31; O[oo + i] = (A[ai + i * as] & m) | (B[bi + i * bs] & ~m); } return;
    default: cmp satisfies never;
  }
}

function unary({ op, x, out, alpha = 0, beta = 0 }: KernelArgs['unary']): void {
  unaryRow(op, d(out), 0, d(x), 0, out.size, alpha, beta);
}

function binary({ op, a, b, out, aShape, bShape, outShape }: KernelArgs['binary']): void {
  const f = BINARY[op];
  const A = d(a), B = d(b), O = d(out);
  if (a.size === out.size && b.size === out.size) return f(O, 0, A, 0, 1, B, 0, 1, out.size);
  if (b.size === 1 && a.size === out.size) return f(O, 0, A, 0, 1, B, 0, 0, out.size);
  if (a.size === 1 && b.size === out.size) return f(O, 0, A, 0, 0, B, 0, 1, out.size);
  const st = [stridesOf(outShape), broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachRow(outShape, st, [0, 0, 0], (off, n, inner) => f(O, off[0], A, off[1], inner[1], B, off[2], inner[2], n));
}

function where({ cond, a, b, out, condShape, aShape, bShape, outShape }: KernelArgs['where']): void {
  const C = d(cond), A = d(a), B = d(b), O = d(out);
  const st = [stridesOf(outShape), broadcastStrides(condShape, outShape), broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachRow(outShape, st, [0, 0, 0, 0], (off, n, s) => {
    const [oo, co, ao, bo] = off;
    selectRow(O, oo, C, co, s[1], A, ao, s[2], B, bo, s[3], n);
  });
}

function copy({ x, out, shape, srcStrides, srcOffset, dstStrides, dstOffset }: KernelArgs['copy']): void {
  const X = d(x), O = d(out);
  forEachRow(shape, [dstStrides, srcStrides], [dstOffset, srcOffset], (off, n, s) => {
    const oo = off[0], xo = off[1], os = s[0], xs = s[1];
    if (os === 1 && xs === 1) O.set(X.subarray(xo, xo + n), oo);
    else for (let i = 0; i < n; i++) O[oo + i * os] = X[xo + i * xs];
  });
}

function cast({ x, out }: KernelArgs['cast']): void {
  const X = d(x), O = d(out), n = out.size;
  if (out.dtype === 'bool') for (let i = 0; i < n; i++) O[i] = +(X[i] !== 0);
  else for (let i = 0; i < n; i++) O[i] = X[i];
}

function fill({ out, value }: KernelArgs['fill']): void {
  d(out).fill(value);
}

export const ELEMENTWISE_KERNELS = { unary, binary, where, copy, cast, fill };
