import { beforeEach, describe, expect, it } from 'vitest';
import { chartColumns, compact, pushEpoch, pushPoint, resetSeries, series, SERIES_CAP } from './series.ts';

describe('training series', () => {
  beforeEach(() => resetSeries());

  it('puts validation metrics on the epoch’s last step', () => {
    pushPoint(1, 0.9, 0.5, 0.01);
    pushPoint(2, 0.8, 0.6, 0.01);
    pushEpoch(2, 0.7, 0.65);
    expect(series.valLoss).toEqual([null, 0.7]);
    expect(series.valAccuracy[1]).toBeCloseTo(65);
    pushEpoch(3, 0.6, undefined);
    expect(series.step).toEqual([1, 2, 3]);
    expect(series.loss[2]).toBeNull();
  });

  it('thins for drawing without losing validation points, and compacts long runs', () => {
    for (let i = 1; i <= 5000; i++) {
      pushPoint(i, 1 / i, 0.5, 0.01);
      if (i % 100 === 0) pushEpoch(i, 2 / i, 0.6);
    }
    const c = chartColumns(1000);
    expect(c.step.length).toBeLessThanOrEqual(1001);
    expect(c.step[c.step.length - 1]).toBe(5000);
    expect(c.valLoss.filter((v) => v !== null)).toHaveLength(50);
    compact();
    expect(series.step).toHaveLength(2501); // every other row, plus the last
    expect(series.valLoss.filter((v) => v !== null)).toHaveLength(50);
    resetSeries();
    for (let i = 0; i < SERIES_CAP + 10; i++) pushPoint(i, 1, undefined);
    expect(series.step.length).toBeLessThan(SERIES_CAP);
  });
});
