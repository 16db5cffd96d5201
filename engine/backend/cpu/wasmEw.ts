/**
 * Elementwise rows of float32 tensors in the kernel's memory, four elements per step in f32x4
 * lanes: the binary ops a training step runs most (add, sub, mul, div, ReLU's backward) and
 * ReLU. V8 runs the JavaScript rows at ~1.5–4 ns an element (typed-array loads and stores
 * that see every dtype); a SIMD row does four in about the time of one.
 * Every result is bit for bit the JavaScript row's:
 *  - add, sub, mul and div of two float32 values rounded once to float32 are the float64
 *    operation rounded to float32 (float64 has more than 2·24 + 2 bits), as JavaScript does;
 *  - reluGrad keeps a's bits where b > 0 (a NaN b compares false), else +0;
 *  - relu is the same integer formula on the bits as the JavaScript row (NaN kept, −0 → +0).
 * `ew(op, o, a, b, quads, bScalar)`: byte addresses, groups of four elements, and whether b is
 * one value for every element (read once) instead of a row of its own; the caller does the
 * last n mod 4 elements.
 */
import { ADD, GE_U, SHUFFLE, V_LOAD, V_SPLAT, V_STORE, V_ZERO, code, get, i32c, set, simd, uleb } from './wasmAsm.ts';
import type { BinaryOp } from '../types.ts';

/** The function type: six i32, no result. */
export const EW_TYPE = [0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0];

/** Op codes of `ew`: the binary ops it runs, then relu (b unused). */
export const EW_BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, reluGrad: 4 };
export const EW_RELU = 5;

const [OP, O, A, B, QUADS, BSCALAR] = [0, 1, 2, 3, 4, 5];
// Locals: i32 6 i (bytes), 7 end (bytes); v128 8 b (splatted scalar), 9 zero, 10 x, 11 sign mask.
const [I, END, BV, ZERO, X, S] = [6, 7, 8, 9, 10, 11];

const F_ADD = simd(0xe4), F_SUB = simd(0xe5), F_MUL = simd(0xe6), F_DIV = simd(0xe7), F_GT = simd(0x44);
const V_NOT = simd(0x4d), V_AND = simd(0x4e), V_OR = simd(0x50);
const I_SHR_S = simd(0xac), I_SUB = simd(0xb1), I_SPLAT = simd(0x11);

/** Instructions that leave the result of op on the stack, given how to push a and b. */
function combine(op: number, a: number[], b: number[]): number[] {
  switch (op) {
    case 0: return [...a, ...b, ...F_ADD];
    case 1: return [...a, ...b, ...F_SUB];
    case 2: return [...a, ...b, ...F_MUL];
    case 3: return [...a, ...b, ...F_DIV];
    case 4: return [...a, ...b, ...get(ZERO), ...F_GT, ...V_AND];
    default: {
      // x & (~(x >> 31) | ((0x7f800000 − (x & 0x7fffffff)) >> 31))
      return [
        ...a, ...set(X),
        ...get(X), ...i32c(31), ...I_SHR_S, ...V_NOT,
        ...i32c(0x7f800000), ...I_SPLAT, ...get(X), ...get(S), ...V_AND, ...I_SUB, ...i32c(31), ...I_SHR_S,
        ...V_OR, ...get(X), ...V_AND,
      ];
    }
  }
}

/** One loop over the quads: o[i] = op(a[i], b[i] or the scalar). */
function loop(emit: (...xs: (number | number[])[]) => void, op: number, scalar: boolean): void {
  emit(i32c(0), set(I));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop
  emit(get(I), get(END), GE_U, 0x0d, 1);
  const a = [...get(A), ...get(I), ADD, ...V_LOAD(0)];
  const b = scalar ? get(BV) : [...get(B), ...get(I), ADD, ...V_LOAD(0)];
  emit(get(O), get(I), ADD, combine(op, a, b), V_STORE(0));
  emit(get(I), i32c(16), ADD, set(I), 0x0c, 0, 0x0b, 0x0b); // i += 16; br loop; end; end
}

export function ewBody(): number[] {
  const { c, emit } = code();
  emit(get(QUADS), i32c(16), 0x6c, set(END));
  emit(i32c(0x7fffffff), I_SPLAT, set(S));
  emit(get(BSCALAR), 0x04, 0x40, get(B), V_SPLAT(0), set(BV), 0x0b); // if scalar: b = splat(*b)
  for (let op = 0; op <= EW_RELU; op++) {
    emit(get(OP), i32c(op), 0x46, 0x04, 0x40); // if op == k
    if (op === EW_RELU) loop(emit, op, false);
    else {
      emit(get(BSCALAR), 0x04, 0x40);
      loop(emit, op, true);
      emit(0x05);
      loop(emit, op, false);
      emit(0x0b);
    }
    emit(0x0f, 0x0b); // return; end
  }
  emit(0x0b);
  const locals = [2, ...uleb(2), 0x7f, ...uleb(4), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/**
 * `colsum(o, x, n, rowBytes, quads, mean)`: o[q] = Σ_r x[r·rowBytes + q] over n rows for four
 * columns at a time (a bias gradient sums a batch's rows), each column summed in row order in
 * a float64 lane from 0, then divided by n when `mean`, then rounded to float32: the
 * JavaScript reduction's arithmetic (reduce.ts reduceRange), so the same result bit for bit.
 */
export function colSumBody(): number[] {
  const [CO, CX, CN, ROWB, CQ, MEAN] = [0, 1, 2, 3, 4, 5];
  // Locals: i32 6 q (bytes), 7 end, 8 r, 9 ptr; v128 10 low sums, 11 high sums, 12 x, 13 n splatted.
  const [Q, E, R, PTR, LO, HI, XV, NV] = [6, 7, 8, 9, 10, 11, 12, 13];
  const PROMOTE = simd(0x5f), DEMOTE = simd(0x5e), D_ADD = simd(0xf0), D_DIV = simd(0xf3), D_SPLAT = simd(0x14);
  const { c, emit } = code();
  emit(get(CQ), i32c(16), 0x6c, set(E));
  emit(get(CN), 0xb8, D_SPLAT, set(NV)); // f64.convert_i32_u, splat
  emit(i32c(0), set(Q));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop q
  emit(get(Q), get(E), GE_U, 0x0d, 1);
  emit(V_ZERO, set(LO), V_ZERO, set(HI), get(CX), get(Q), ADD, set(PTR), get(CN), set(R));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop r
  emit(get(R), 0x45, 0x0d, 1); // r == 0 → out
  emit(get(PTR), V_LOAD(0), set(XV));
  emit(get(LO), get(XV), PROMOTE, D_ADD, set(LO));
  emit(get(HI), get(XV), get(XV), SHUFFLE([2, 3, 2, 3]), PROMOTE, D_ADD, set(HI));
  emit(get(PTR), get(ROWB), ADD, set(PTR), get(R), i32c(-1), ADD, set(R), 0x0c, 0, 0x0b, 0x0b);
  emit(get(MEAN), 0x04, 0x40, get(LO), get(NV), D_DIV, set(LO), get(HI), get(NV), D_DIV, set(HI), 0x0b);
  emit(get(CO), get(Q), ADD, get(LO), DEMOTE, get(HI), DEMOTE, SHUFFLE([0, 1, 4, 5]), V_STORE(0));
  emit(get(Q), i32c(16), ADD, set(Q), 0x0c, 0, 0x0b, 0x0b);
  emit(0x0b);
  const locals = [2, ...uleb(4), 0x7f, ...uleb(4), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/**
 * `rowsum(o, x, rows, n, mean)`: o[p] = Σ x[p·n .. p·n + n) for each of `rows` rows, as the
 * JavaScript sumRow does it (reduce.ts): four float64 partial sums over the elements by index
 * mod 4 (here the lanes of two f64x2), added as (s0 + s1) + (s2 + s3), then the last n mod 4
 * elements in order; divided by n when `mean`; rounded to float32. The same result bit for bit.
 */
export function rowSumBody(): number[] {
  const [RO, RX, ROWS, RN, RMEAN] = [0, 1, 2, 3, 4];
  // Locals: i32 6 p, 7 ptr, 8 quad bytes, 9 j; v128 10 s0 s1, 11 s2 s3, 12 x; f64 13 s.
  const [P, PTR, QB, J, S01, S23, XV, SUM] = [6, 7, 8, 9, 10, 11, 12, 13];
  const PROMOTE = simd(0x5f), D_ADD = simd(0xf0), LANE = (l: number) => simd(0x21, l);
  const F64_ADD = 0xa0, F64_DIV = 0xa3, F32_LOAD = [0x2a, 2, 0], F32_STORE = [0x38, 2, 0], PROMOTE1 = 0xbb, DEMOTE1 = 0xb6, U2F = 0xb8;
  const { c, emit } = code();
  emit(get(RN), i32c(2), 0x76, i32c(4), 0x74, set(QB)); // (n >> 2) << 4
  emit(i32c(0), set(P));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop p
  emit(get(P), get(ROWS), GE_U, 0x0d, 1);
  emit(get(RX), get(P), get(RN), 0x6c, i32c(4), 0x6c, ADD, set(PTR));
  emit(V_ZERO, set(S01), V_ZERO, set(S23), i32c(0), set(J));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop quads
  emit(get(J), get(QB), GE_U, 0x0d, 1);
  emit(get(PTR), get(J), ADD, V_LOAD(0), set(XV));
  emit(get(S01), get(XV), PROMOTE, D_ADD, set(S01));
  emit(get(S23), get(XV), get(XV), SHUFFLE([2, 3, 2, 3]), PROMOTE, D_ADD, set(S23));
  emit(get(J), i32c(16), ADD, set(J), 0x0c, 0, 0x0b, 0x0b);
  emit(get(S01), LANE(0), get(S01), LANE(1), F64_ADD, get(S23), LANE(0), get(S23), LANE(1), F64_ADD, F64_ADD, set(SUM));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop tail
  emit(get(J), get(RN), i32c(4), 0x6c, GE_U, 0x0d, 1);
  emit(get(SUM), get(PTR), get(J), ADD, F32_LOAD, PROMOTE1, F64_ADD, set(SUM));
  emit(get(J), i32c(4), ADD, set(J), 0x0c, 0, 0x0b, 0x0b);
  emit(get(RMEAN), 0x04, 0x40, get(SUM), get(RN), U2F, F64_DIV, set(SUM), 0x0b);
  emit(get(RO), get(P), i32c(4), 0x6c, ADD, get(SUM), DEMOTE1, F32_STORE);
  emit(get(P), i32c(1), ADD, set(P), 0x0c, 0, 0x0b, 0x0b);
  emit(0x0b);
  const locals = [3, ...uleb(4), 0x7f, ...uleb(3), 0x7b, ...uleb(1), 0x7c];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}
