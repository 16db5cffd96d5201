// The SIMD elementwise rows (wasmEw.ts, through simdRow) against the JavaScript rows they stand
// in for (elementwise.ts BINARY and relu): bit for bit, on lengths that leave every tail, at
// unaligned offsets, with b dense, a single value, and a single value on the left of an add,
// over values that include ±0, ±∞, NaN, subnormals and ones whose float64 result rounds;
// and the SIMD sums over rows (bias gradients) and along rows, against reduce.ts's loops.
// NaN results of the arithmetic ops are compared as NaN (a NaN's payload is the hardware's).
import { describe, expect, it } from 'vitest';
import { BINARY, simdRow, unaryRow } from './elementwise.ts';
import { simdSumRange, reduceRange } from './reduce.ts';
import { moduleBytes, wasmMatmul } from './wasm.ts';
import type { BinaryOp } from '../types.ts';

function values(n: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-42, -1e-42, 3.4e38, -3.4e38];
  const out = Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? special[(i >> 2) % special.length]! : next() * (i % 5 === 0 ? 1e6 : 3)));
  // A NaN with payload and sign bits set, which relu and reluGrad must keep as they are.
  if (n > 7) new Int32Array(out.buffer)[7] = 0xffc12345 | 0;
  return out;
}

const bits = (x: Float32Array) => Array.from(new Int32Array(x.buffer, x.byteOffset, x.length));
/** Bits, except that any NaN reads as one value (arithmetic NaNs carry the hardware's payload). */
const canon = (x: Float32Array) => bits(x).map((b, i) => (Number.isNaN(x[i]) ? 'NaN' : b));

describe('SIMD elementwise rows', () => {
  it('are in the module, which validates', () => {
    expect(WebAssembly.validate(moduleBytes())).toBe(true);
    expect(wasmMatmul).not.toBeNull();
  });

  const ops: (BinaryOp | 'relu')[] = ['add', 'sub', 'mul', 'div', 'reluGrad', 'relu'];
  for (const op of ops)
    for (const [as, bs] of [[1, 1], [1, 0], [0, 1]] as const)
      for (const n of [4, 5, 7, 13, 1001]) {
        if (op === 'relu' && (as !== 1 || bs !== 1)) continue;
        it(`${op}, a stride ${as}, b stride ${bs}, ${n} elements: as the JavaScript row`, () => {
          const a = values(as ? n : 1, 1 + n), b = values(bs ? n : 1, 2 + n);
          const want = new Float32Array(n);
          if (op === 'relu') unaryRow('relu', want, 0, a, 0, n);
          else BINARY[op](want, 0, a, 0, as, b, 0, bs, n);
          // Operands at odd float offsets of the kernel's memory, as a thread job passes them.
          const ao = 5, bo = ao + a.length + 3, oo = bo + b.length + 1;
          const M = wasmMatmul!.view(oo + n + 8);
          M.set(a, ao);
          M.set(b, bo);
          const ran = simdRow(op, M, oo, ao, as, bo, bs, n);
          // A single value on the left runs on the SIMD rows only for add and mul (swapped).
          expect(ran).toBe(as === 1 || op === 'add' || op === 'mul');
          if (!ran) return;
          const got = M.slice(oo, oo + n);
          if (op === 'relu' || op === 'reluGrad') expect(bits(got)).toEqual(bits(want));
          else expect(canon(got)).toEqual(canon(want));
        });
      }

  it('leave other ops and layouts to the JavaScript rows', () => {
    const M = wasmMatmul!.view(64);
    expect(simdRow('maximum', M, 0, 16, 1, 32, 1, 16)).toBe(false);
    expect(simdRow('add', M, 0, 16, 2, 32, 1, 8)).toBe(false);
    expect(simdRow('sub', M, 0, 16, 0, 32, 1, 8)).toBe(false);
    expect(simdRow('add', M, 0, 16, 1, 32, 1, 3)).toBe(false);
  });

  for (const op of ['sum', 'mean'] as const)
    for (const [outer, n, inner, q0, q1] of [[1, 128, 256, 0, 256], [1, 7, 13, 2, 13], [3, 5, 9, 0, 9], [2, 1, 4, 0, 4], [1, 33, 6, 1, 6], [2, 0, 8, 0, 8], [384, 784, 1, 0, 1], [5, 7, 1, 0, 1], [3, 3, 1, 0, 1], [2, 4, 1, 0, 1], [2, 0, 1, 0, 1], [1, 1, 1, 0, 1]] as const) {
      it(`${inner === 1 ? 'row' : 'column'} ${op}s over [${outer}, ${n}, ${inner}], columns ${q0}–${q1}: as the JavaScript reduction`, () => {
        // Finite values of mixed magnitudes, so a sum in another order rounds differently.
        const x = values(outer * n * inner, 3 + n).map((v, i) => (Number.isFinite(v) ? v : i - 0.3) * (i % 3 === 0 ? 1e7 : 1));
        const want = new Float32Array(outer * inner);
        reduceRange(op, x, 0, want, 0, n, inner, 0, outer, q0, q1);
        const xo = 3, oo = xo + x.length + 5;
        const M = wasmMatmul!.view(oo + want.length + 8);
        M.set(x, xo);
        M.fill(0, oo, oo + want.length);
        simdSumRange(op, M, xo, oo, n, inner, 0, outer, q0, q1);
        expect(bits(M.slice(oo, oo + want.length))).toEqual(bits(want));
      });
    }

  // Sums where the order shows: ±2⁵³ absorbs a 1 added to it, so partial sums in other lanes or
  // another combination give other results.
  it('sums along and over rows in the JavaScript order where the order changes the result', () => {
    const B = 2 ** 53;
    // sumRow's order gives 4 for the first; (s0 + s2) + (s1 + s3) 8, (s0 + s3) + (s1 + s2) 6, ((s0 + s1) + s2) + s3 5, in order 8.
    const rows = [[1, B, -B, 3, B, 2, -B, 2], [1, B, -B, 3, B, 2, -B, 2, 1], [B, 1, -B, 1, 1, 1, 1, 1, 1, 1, 1]];
    for (const r of rows) {
      const n = r.length, x = Float32Array.from(r), want = new Float32Array(1);
      reduceRange('sum', x, 0, want, 0, n, 1, 0, 1, 0, 1);
      const M = wasmMatmul!.view(64);
      M.set(x, 8);
      simdSumRange('sum', M, 8, 40, n, 1, 0, 1, 0, 1);
      expect(M[40]).toBe(want[0]);
      // The same values down a column of 4 (rows of 4, so the SIMD column sums take them).
      const cols = Float32Array.from({ length: 4 * n }, (_, i) => r[i >> 2]! * ((i & 3) + 1)), wantC = new Float32Array(4);
      reduceRange('sum', cols, 0, wantC, 0, n, 4, 0, 1, 0, 4);
      const C = wasmMatmul!.view(4 * n + 64);
      C.set(cols, 4);
      simdSumRange('sum', C, 4, 4 * n + 8, n, 4, 0, 1, 0, 4);
      expect(Array.from(C.slice(4 * n + 8, 4 * n + 12))).toEqual(Array.from(wantC));
    }
  });
});
