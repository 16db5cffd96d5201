// Metrics against values computed by hand.
import { describe, expect, it } from 'vitest';
import { MetricAccumulator, accuracy, argmaxRows, confusionMatrix, macroScores, mae, mse, r2, topKAccuracy } from './index.ts';

// 3 classes, 6 samples. Scores rows → argmax: 0, 1, 2, 1, 0, 2.
const scores = [
  0.7, 0.2, 0.1,
  0.1, 0.8, 0.1,
  0.2, 0.3, 0.5,
  0.3, 0.4, 0.3,
  0.5, 0.1, 0.4,
  0.1, 0.2, 0.7,
];
const labels = [0, 1, 1, 2, 2, 2];

describe('classification metrics', () => {
  it('accuracy and argmax', () => {
    const p = argmaxRows(scores, 3);
    expect(Array.from(p)).toEqual([0, 1, 2, 1, 0, 2]);
    expect(accuracy(p, labels)).toBeCloseTo(3 / 6, 12); // rows 0, 1, 5
  });
  it('top-k accuracy', () => {
    // top-2 sets: {0,1} {1,0|2} {2,1} {1,0|2 tie→0} {0,2} {2,1}
    // row1: 0.1 ties for 0 and 2 → earlier class 0 wins → {1,0}; label 1 ✓. row3 ties 0.3 (classes 0 and 2) → {1,0}; label 2 ✗. row4 {0,2} label 2 ✓.
    expect(topKAccuracy(scores, 3, labels, 2)).toBeCloseTo(5 / 6, 12);
    expect(topKAccuracy(scores, 3, labels, 1)).toBeCloseTo(3 / 6, 12);
    expect(topKAccuracy(scores, 3, labels, 3)).toBe(1);
  });
  it('confusion matrix and macro precision/recall/F1', () => {
    const m = confusionMatrix([0, 1, 2, 1, 0, 2], labels, 3);
    expect(m).toEqual([[1, 0, 0], [0, 1, 1], [1, 1, 1]]);
    // class 0: P 1/2 R 1 F1 2/3; class 1: P 1/2 R 1/2 F1 1/2; class 2: P 1/2 R 1/3 F1 0.4
    const s = macroScores(m);
    expect(s.precision).toBeCloseTo(0.5, 12);
    expect(s.recall).toBeCloseTo((1 + 0.5 + 1 / 3) / 3, 12);
    expect(s.f1).toBeCloseTo((2 / 3 + 0.5 + 0.4) / 3, 12);
  });
  it('a class never predicted scores 0 (zero_division=0)', () => {
    expect(macroScores([[2, 0], [1, 0]])).toEqual({ precision: (2 / 3 + 0) / 2, recall: (1 + 0) / 2, f1: (0.8 + 0) / 2 });
  });
});

describe('regression metrics', () => {
  const t = [3, -0.5, 2, 7], p = [2.5, 0, 2, 8];
  it('MAE, MSE and R² (scikit-learn docs example: R² = 0.9486...)', () => {
    expect(mae(p, t)).toBeCloseTo((0.5 + 0.5 + 0 + 1) / 4, 12);
    expect(mse(p, t)).toBeCloseTo((0.25 + 0.25 + 0 + 1) / 4, 12);
    expect(r2(p, t)).toBeCloseTo(0.9486081370449679, 12);
    expect(r2([1, 1], [2, 2])).toBeNaN();
  });
});

describe('MetricAccumulator', () => {
  it('joins batches and reports the configured metrics with a confusion matrix', () => {
    const acc = new MetricAccumulator(3, true);
    acc.add(scores.slice(0, 9), Int32Array.from(labels.slice(0, 3)));
    acc.add(scores.slice(9), Int32Array.from(labels.slice(3)));
    const r = acc.compute(['accuracy', 'topK', 'f1'], 2);
    expect(r.values.accuracy).toBeCloseTo(0.5, 12);
    expect(r.values.topK).toBeCloseTo(5 / 6, 12);
    expect(r.values.f1).toBeCloseTo((2 / 3 + 0.5 + 0.4) / 3, 12);
    expect(r.values.precision).toBeUndefined();
    expect(r.confusion).toEqual([[1, 0, 0], [0, 1, 1], [1, 1, 1]]);
  });
  it('binary heads threshold one probability per row; regression gives MAE/R²', () => {
    const b = new MetricAccumulator(1, true);
    b.add([0.9, 0.2, 0.6, 0.4], Int32Array.from([1, 0, 0, 0]));
    expect(b.compute(['accuracy']).values.accuracy).toBe(0.75);
    const r = new MetricAccumulator(1, false);
    r.add([2.5, 0, 2, 8], Float32Array.from([3, -0.5, 2, 7]));
    expect(r.compute(['mae', 'r2']).values).toEqual({ mae: 0.5, r2: expect.closeTo(0.9486081370449679, 6) });
  });
});
