/**
 * The fast tanh of the float32 kernels against V8's Math.tanh: its relative error stays ~100×
 * below float32's rounding (2⁻²⁴ ≈ 6e-8) over the whole range, around its switch at ±1/4
 * too, and the special values come out as Math's do.
 */
import { describe, expect, it } from 'vitest';
import { tanhFast } from './mathfn.ts';

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

describe('fast float32 tanh', () => {
  it('is within 1e-9 of Math.tanh, around its ±1/4 switch too', () => {
    expect(worst(tanhFast, Math.tanh, -30, 30)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, 0.2, 0.3)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, -0.3, -0.2)).toBeLessThan(1e-9);
    expect(worst(tanhFast, Math.tanh, -1e-3, 1e-3)).toBeLessThan(1e-9);
  });

  it('keeps the special values: NaN, ±0, ±∞, the largest float32s', () => {
    for (const x of [NaN, 0, -0, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-40, -1e-40, 800, -800]) {
      expect(Object.is(tanhFast(x), Math.tanh(x)), `tanh(${x})`).toBe(true);
    }
  });
});
