/**
 * The fast exp, tanh and sigmoid of the float32 kernels against V8's Math functions: their
 * relative error stays ~100× below float32's rounding (2⁻²⁴ ≈ 6e-8) over the whole range, and
 * the special values come out as Math's do.
 */
import { describe, expect, it } from 'vitest';
import { expFast, sigmoidFast, tanhFast } from './mathfn.ts';

const rel = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

/** Worst relative error of f against g on a dense grid of [lo, hi] plus seeded random points. */
function worst(f: (x: number) => number, g: (x: number) => number, lo: number, hi: number): number {
  let w = 0, s = 7;
  for (let i = 0; i <= 200_000; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    for (const x of [lo + ((hi - lo) * i) / 200_000, lo + ((hi - lo) * s) / 2 ** 32]) w = Math.max(w, rel(f(x), g(x)));
  }
  return w;
}

describe('fast float32 math', () => {
  it('expFast is within 5e-10 of Math.exp over [-700, 700]', () => {
    expect(worst(expFast, Math.exp, -700, 700)).toBeLessThan(5e-10);
    expect(worst(expFast, Math.exp, -1, 1)).toBeLessThan(5e-10);
  });

  it('tanhFast is within 1e-9 of Math.tanh, around its ±1/4 switch too', () => {
    expect(worst(tanhFast, Math.tanh, -30, 30)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, 0.2, 0.3)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, -0.3, -0.2)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, -1e-3, 1e-3)).toBeLessThan(1e-9);
  });

  it('sigmoidFast is within 5e-10 of 1/(1 + Math.exp(-x))', () => {
    expect(worst(sigmoidFast, (x) => 1 / (1 + Math.exp(-x)), -700, 700)).toBeLessThan(5e-10);
    expect(worst(sigmoidFast, (x) => 1 / (1 + Math.exp(-x)), -10, 10)).toBeLessThan(5e-10);
  });

  it('keeps special values: NaN, ±0, ±∞, the largest float32s', () => {
    for (const x of [NaN, 0, -0, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-40, -1e-40, 800, -800]) {
      expect(Object.is(tanhFast(x), Math.tanh(x)), `tanh(${x})`).toBe(true);
      expect(Object.is(sigmoidFast(x), 1 / (1 + Math.exp(-x))), `sigmoid(${x})`).toBe(true);
    }
    expect(expFast(-800)).toBe(0);
    expect(expFast(800)).toBe(Infinity);
    expect(expFast(NaN)).toBeNaN();
  });
});
