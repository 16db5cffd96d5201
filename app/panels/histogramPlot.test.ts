// The heat strip's re-binning onto a common value axis, and the card's number formatting.
import { describe, expect, it } from 'vitest';
import { commonRange, fmtValue, parseColor, rebin } from './histogramPlot.ts';
import type { ValueHistogram } from '../../workers/api.ts';

/** A histogram over [lo, hi] with these counts (statistics are not used here). */
const vh = (lo: number, hi: number, counts: number[]): ValueHistogram => ({
  count: counts.reduce((a, b) => a + b, 0), nonFinite: 0, min: lo, max: hi, mean: (lo + hi) / 2, std: 0, lo, hi, counts: Uint32Array.from(counts),
});

describe('rebin', () => {
  it('is the identity onto the same bins', () => {
    expect(Array.from(rebin([1, 2, 3], 0, 3, 0, 3, 3))).toEqual([1, 2, 3]);
  });

  it('spreads a bin over the target bins it overlaps, in proportion', () => {
    // [0, 2) holds 4 and [2, 4] holds 2, onto 4 bins of width 1; then onto [−1, 3] in 2 bins of
    // width 2: [−1, 1) gets half the first bin, [1, 3) the other half and half the second.
    expect(Array.from(rebin([4, 2], 0, 4, 0, 4, 4))).toEqual([2, 2, 1, 1]);
    expect(Array.from(rebin([4, 2], 0, 4, -1, 3, 2))).toEqual([2, 3]);
    // A narrow histogram inside a wide axis: all of it lands in the bin that covers it.
    expect(Array.from(rebin([5, 5], 1, 1.5, 0, 4, 4))).toEqual([0, 10, 0, 0]);
  });

  it('keeps the total when the target covers the source; drops what falls outside', () => {
    const src = [3, 0, 7, 1, 9];
    const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
    expect(sum(rebin(src, -1, 1.5, -3, 2, 7))).toBeCloseTo(20, 12);
    expect(Array.from(rebin([2, 2], 0, 2, 1, 2, 1))).toEqual([2]);
    expect(Array.from(rebin([1], 0, 0, 0, 1, 2))).toEqual([0, 0]);
  });
});

describe('commonRange', () => {
  it('covers every histogram with finite values, ignoring empty ones and missing gradients', () => {
    expect(commonRange([vh(0, 1, [1, 1]), null, vh(0, 0, [0, 0]), vh(-2, 0.5, [1, 1])])).toEqual([-2, 1]);
    expect(commonRange([null, vh(0, 0, [0])])).toBeNull();
  });
});

describe('fmtValue and parseColor', () => {
  it('formats in few characters with a real minus sign', () => {
    expect([fmtValue(0.123456), fmtValue(-2), fmtValue(0), fmtValue(1.5e-5), fmtValue(123456), fmtValue(NaN), fmtValue(-Infinity)])
      .toEqual(['0.123', '−2', '0', '1.50e−5', '1.23e+5', '—', '−∞']);
  });

  it('reads the theme colours', () => {
    expect(parseColor('#7c8cff', [0, 0, 0])).toEqual([124, 140, 255]);
    expect(parseColor(' #fff', [0, 0, 0])).toEqual([255, 255, 255]);
    expect(parseColor('rgb(1, 2, 3)', [0, 0, 0])).toEqual([1, 2, 3]);
    expect(parseColor('color-mix(in srgb, red, blue)', [9, 9, 9])).toEqual([9, 9, 9]);
  });
});
