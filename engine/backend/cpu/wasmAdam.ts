/**
 * Adam's common step (no weight decay, amsgrad or maximize) over float32 tensors in the
 * kernel's memory, two elements per step in float64 SIMD lanes, so it rounds exactly as the
 * JavaScript loop of optim.ts (adamPlainRange) does: m and v computed in float64 and rounded
 * to float32 (Math.fround), the update computed in float64 from the rounded m and v, the new
 * parameter rounded once. The two agree bit for bit (tests), so where a tensor lives never
 * changes a result. JavaScript spent ~7.5 ns an element here, a quarter of an MLP's step.
 * `adam(p, g, m, v, pairs, b1, c1, b2, c2, eps, stepSize, sbc2)`: byte addresses, pairs of
 * elements, then the constants as float64.
 */
import { ADD, GE_U, code, get, i32c, mem, set, simd, uleb } from './wasmAsm.ts';

/** The function type: five i32, seven f64, no result. */
export const ADAM_TYPE = [0x60, 12, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 0x7c, 0x7c, 0x7c, 0x7c, 0x7c, 0x7c, 0];

const [P, G, M, V, PAIRS] = [0, 1, 2, 3, 4];
const [B1, C1, B2, C2, EPS, SS, SB] = [5, 6, 7, 8, 9, 10, 11];
// Locals: i32 12 i (bytes), 13 end (bytes); v128 14..20 the constants splatted, 21 g, 22 m, 23 v, 24 p.
const [I, END] = [12, 13];
const SPLAT = (k: number) => 14 + (k - B1), GV = 21, MV = 22, VV = 23, PV = 24;

const LOAD2 = (off: number) => simd(0x5d, ...mem(3, off)); // v128.load64_zero: two floats, upper lanes 0
const STORE2 = (off: number) => simd(0x5b, ...mem(3, off), 0); // v128.store64_lane 0
const PROMOTE = simd(0x5f), DEMOTE = simd(0x5e), D_SPLAT = simd(0x14);
const D_SQRT = simd(0xef), D_ADD = simd(0xf0), D_SUB = simd(0xf1), D_MUL = simd(0xf2), D_DIV = simd(0xf3);

export function adamBody(): number[] {
  const { c, emit } = code();
  for (let k = B1; k <= SB; k++) emit(get(k), D_SPLAT, set(SPLAT(k)));
  emit(get(PAIRS), i32c(8), 0x6c, set(END), i32c(0), set(I));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop
  emit(get(I), get(END), GE_U, 0x0d, 1);
  emit(get(G), get(I), ADD, LOAD2(0), PROMOTE, set(GV));
  // m = fround(b1·m + c1·g)
  emit(get(SPLAT(B1)), get(M), get(I), ADD, LOAD2(0), PROMOTE, D_MUL, get(SPLAT(C1)), get(GV), D_MUL, D_ADD, DEMOTE, set(MV));
  emit(get(M), get(I), ADD, get(MV), STORE2(0));
  // v = fround(b2·v + (c2·g)·g)
  emit(get(SPLAT(B2)), get(V), get(I), ADD, LOAD2(0), PROMOTE, D_MUL, get(SPLAT(C2)), get(GV), D_MUL, get(GV), D_MUL, D_ADD, DEMOTE, set(VV));
  emit(get(V), get(I), ADD, get(VV), STORE2(0));
  // p = fround(p − stepSize·(m / (√v / sbc2 + eps)))
  emit(get(P), get(I), ADD, LOAD2(0), PROMOTE);
  emit(get(SPLAT(SS)), get(MV), PROMOTE, get(VV), PROMOTE, D_SQRT, get(SPLAT(SB)), D_DIV, get(SPLAT(EPS)), D_ADD, D_DIV, D_MUL, D_SUB, DEMOTE, set(PV));
  emit(get(P), get(I), ADD, get(PV), STORE2(0));
  emit(get(I), i32c(8), ADD, set(I), 0x0c, 0, 0x0b, 0x0b); // i += 8; br loop; end; end
  emit(0x0b);
  const locals = [2, ...uleb(2), 0x7f, ...uleb(11), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}
