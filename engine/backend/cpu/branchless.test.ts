// The branch-free loops of elementwise.ts (relu, where, comparisons on the bits of float32 and
// int32 values) against the plain definitions, on the values where bit tricks go wrong: NaN of
// either sign, ±0, ±∞, subnormals, and scalar operands from a float64 job constant.
import { describe, expect, it } from 'vitest';
import { BINARY, COMPARISONS, selectIfRow, selectRow, unaryRow } from './elementwise.ts';
import type { Comparison } from './elementwise.ts';
import { maxPoolPlanes } from './conv.ts';

const SPECIAL = [NaN, -NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40, 1.5, -1.5, 3.4e38, -3.4e38, 2 ** -126, -(2 ** -126)];
/** 200 values (past the 128 below which the loops stay plain), with both NaN sign bits stored. */
function f32Values(): Float32Array {
  const v = new Float32Array(200);
  for (let i = 0; i < v.length; i++) v[i] = SPECIAL[i % SPECIAL.length]! * (i < SPECIAL.length ? 1 : 0.5 + i / 7);
  new Int32Array(v.buffer)[1] = 0xffc00000 | 0; // a NaN with the sign bit set (x86's default NaN)
  return v;
}
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a).map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual(Array.from(b).map((x) => (Object.is(x, -0) ? '-0' : x)));

describe('branch-free elementwise loops', () => {
  it('relu keeps NaN (either sign), maps −0 and −∞ to 0, on float32 and int32, at an offset', () => {
    const x = f32Values(), o = new Float32Array(x.length + 3);
    unaryRow('relu', o, 3, x, 0, x.length);
    same(o.subarray(3), Array.from(x, (v) => (v !== v ? NaN : v <= 0 ? 0 : v)));
    expect(new Int32Array(o.buffer)[4]).toBe(0xffc00000 | 0); // the NaN's bits pass through unchanged
    const xi = Int32Array.from({ length: 200 }, (_, i) => (i % 2 ? -1 : 1) * i * 12345 + (i === 7 ? -(2 ** 31) : 0));
    const oi = new Int32Array(200);
    unaryRow('relu', oi, 0, xi, 0, 200);
    same(oi, Array.from(xi, (v) => Math.max(v, 0)));
  });

  it('where selects exact bits: arrays, a scalar on either side or both, float32 and int32, strided condition', () => {
    const a = f32Values(), b = Float32Array.from(a, (v, i) => -v + i), n = a.length;
    const c = Uint8Array.from({ length: 2 * n }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
    const cond = (i: number) => c[2 * i] !== 0;
    const want = (pa: (i: number) => number, pb: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => (cond(i) ? pa(i) : pb(i)));
    const o = new Float32Array(n);
    selectRow(o, 0, c, 0, 2, a, 0, 1, b, 0, 1, n);
    same(o, want((i) => a[i]!, (i) => b[i]!));
    expect(new Int32Array(o.buffer)[1]).toBe(cond(1) ? 0xffc00000 | 0 : new Int32Array(b.buffer)[1]);
    const k = new Float64Array([0, 0.1, -0]);
    selectRow(o, 0, c, 0, 2, a, 0, 1, k, 1, 0, n); // b = 0.1 from float64 constants, rounded as float32 would be
    same(o, want((i) => a[i]!, () => Math.fround(0.1)));
    selectRow(o, 0, c, 0, 2, k, 2, 0, b, 0, 1, n); // a = −0
    same(o, want(() => -0, (i) => b[i]!));
    selectRow(o, 0, c, 0, 2, k, 1, 0, k, 0, 0, n);
    same(o, want(() => Math.fround(0.1), () => 0));
    const ai = Int32Array.from({ length: n }, (_, i) => i * 1000 - 7), bi = Int32Array.from({ length: n }, (_, i) => -i), oi = new Int32Array(n);
    selectRow(oi, 0, c, 0, 2, ai, 0, 1, bi, 0, 1, n);
    same(oi, Array.from({ length: n }, (_, i) => (cond(i) ? ai[i]! : bi[i]!)));
    // Mixed element types fall back to the plain loop with the same result.
    const of64 = new Float64Array(n);
    selectRow(of64, 0, c, 0, 2, a, 0, 1, b, 0, 1, n);
    same(of64, want((i) => a[i]!, (i) => b[i]!));
  });

  it('comparisons give 0/1 with NaN unordered (only ne is 1)', () => {
    const a = f32Values(), b = Float32Array.from(a, (_, i) => SPECIAL[(i * 5) % SPECIAL.length]!), n = a.length;
    const ops = { eq: (x: number, y: number) => x === y, ne: (x: number, y: number) => x !== y, gt: (x: number, y: number) => x > y, lt: (x: number, y: number) => x < y, ge: (x: number, y: number) => x >= y, le: (x: number, y: number) => x <= y, and: (x: number, y: number) => x !== 0 && y !== 0, or: (x: number, y: number) => x !== 0 || y !== 0 };
    for (const [op, f] of Object.entries(ops)) {
      const o = new Uint8Array(n);
      BINARY[op as keyof typeof ops](o, 0, a, 0, 1, b, 0, 1, n);
      expect(Array.from(o), op).toEqual(Array.from(a, (x, i) => (f(x, b[i]!) ? 1 : 0)));
    }
  });

  it('2×2 max pooling picks the first of equal values and the last NaN, keeping −0 and ∞, like the plain window loop', () => {
    const nc = 5, h = 7, w = 6, oh = 3, ow = 3;
    // Few distinct values, so windows hold ties, NaNs, ±0 and ±∞ together.
    const pick = [NaN, 0, -0, 1, 1, -1, Infinity, -Infinity, 2, 2];
    const X = Float32Array.from({ length: 4 + nc * h * w }, (_, i) => pick[(i * 7 + ((i * i) % 11)) % pick.length]!);
    // And windows that decide each rule alone (plane 1): −0 before 0, ∞ last, the second of two NaNs.
    const put = (oy: number, ox: number, v: number[]) => v.forEach((x, k) => (X[4 + h * w + (2 * oy + (k >> 1)) * w + 2 * ox + (k & 1)] = x));
    put(0, 0, [-0, 0, -1, -0]);
    put(0, 1, [-Infinity, -Infinity, -1, Infinity]);
    put(0, 2, [NaN, 2, NaN, 1]);
    const g = { h, w, oh, ow, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1 };
    const O = new Float32Array(2 + nc * oh * ow).fill(9), AM = new Int32Array(1 + nc * oh * ow).fill(-9);
    maxPoolPlanes(X, 4, O, 2, AM, 1, g, 1, nc); // planes 1.. only: plane 0 untouched
    const wantO: number[] = [9, 9, ...Array<number>(oh * ow).fill(9)], wantAM: number[] = [-9, ...Array<number>(oh * ow).fill(-9)];
    for (let p = 1; p < nc; p++) {
      for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity, at = -1;
        for (let ki = 0; ki < 2; ki++) for (let kj = 0; kj < 2; kj++) {
          const i = (2 * oy + ki) * w + 2 * ox + kj, v = X[4 + p * h * w + i]!;
          if (v > best || at < 0 || v !== v) { best = v; at = i; }
        }
        wantO.push(best);
        wantAM.push(at);
      }
    }
    same(O, wantO);
    expect(Array.from(AM)).toEqual(wantAM);
    expect(wantAM.slice(1 + oh * ow, 4 + oh * ow)).toEqual([0, w + 3, w + 4]);
  });

  it('where(x <cmp> y, a, b) in one pass: every comparison, NaN compared false, exact bits, scalar or strided operands', () => {
    const x = f32Values(), n = x.length, a = Float32Array.from(x, (v, i) => (i % 3 ? -v : v) + 0.25), b = Float32Array.from(x, (_, i) => -i);
    const cmps: Record<Comparison, (p: number, q: number) => boolean> = { gt: (p, q) => p > q, lt: (p, q) => p < q, ge: (p, q) => p >= q, le: (p, q) => p <= q, eq: (p, q) => p === q, ne: (p, q) => p !== q };
    expect(Object.keys(cmps).sort()).toEqual([...COMPARISONS].sort());
    const k = new Float32Array([0, -0, 7]);
    for (const [cmp, f] of Object.entries(cmps) as [Comparison, (p: number, q: number) => boolean][]) {
      for (const y of [0, 1.5, NaN, -Infinity]) {
        // [x stride, a stride, b stride]: ReLU's backward (1, 1, 0), scalar a, both arrays, a strided condition.
        for (const [xs, as, bs] of [[1, 1, 0], [1, 0, 1], [1, 1, 1], [2, 1, 0]]) {
          const len = Math.floor(n / xs), o = new Float32Array(len + 2);
          selectIfRow(cmp, o, 2, x, 0, xs, y, as ? a : k, as ? 0 : 1, as, bs ? b : k, bs ? 0 : 1, bs, len);
          same(o.subarray(2), Array.from({ length: len }, (_, i) => (f(x[i * xs]!, y) ? (as ? a[i]! : -0) : bs ? b[i]! : -0)));
        }
      }
    }
    const xi = Int32Array.from({ length: 200 }, (_, i) => i - 100), oi = new Int32Array(200), gi = Int32Array.from({ length: 200 }, (_, i) => i * 31);
    selectIfRow('gt', oi, 0, xi, 0, 1, 0, gi, 0, 1, new Int32Array([5]), 0, 0, 200);
    same(oi, Array.from(xi, (v, i) => (v > 0 ? gi[i]! : 5)));
  });

  it('reluGrad passes the gradient where the input is > 0 (NaN, ±0 and −∞ inputs give +0), exact bits, dense or strided input', () => {
    const x = f32Values(), n = x.length, g = Float32Array.from(x, (v, i) => (i % 5 === 0 ? NaN : -v + i));
    for (const bs of [1, 0]) {
      const o = new Float32Array(n + 1);
      BINARY.reluGrad(o, 1, g, 0, 1, x, 3, bs, n - 3);
      same(o.subarray(1, n - 2), Array.from({ length: n - 3 }, (_, i) => (x[3 + i * bs]! > 0 ? g[i]! : 0)));
    }
    const gi = Int32Array.from({ length: 200 }, (_, i) => i * 7 - 50), xi = Int32Array.from({ length: 200 }, (_, i) => 100 - i), oi = new Int32Array(200);
    BINARY.reluGrad(oi, 0, gi, 0, 1, xi, 0, 1, 200);
    same(oi, Array.from(gi, (v, i) => (xi[i]! > 0 ? v : 0)));
  });
});
