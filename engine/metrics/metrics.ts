/**
 * Evaluation metrics as pure functions over plain arrays (no tensors), so the training loop
 * computes them from async reads on any backend, and the app or tests can call them
 * directly. Classification takes scores [n × classes] (row-major) or predicted labels, and
 * integer labels; regression takes predictions and targets of equal length.
 */

type Nums = ArrayLike<number>;

/** Index of the largest score in each row of scores [n × classes]. */
export function argmaxRows(scores: Nums, classes: number): Int32Array {
  const n = Math.floor(scores.length / classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (scores[i * classes + j]! > scores[i * classes + best]!) best = j;
    out[i] = best;
  }
  return out;
}

/** Fraction of predicted labels equal to the true labels (NaN for no rows). */
export function accuracy(predicted: Nums, labels: Nums): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return labels.length ? hits / labels.length : NaN;
}

/** Fraction of rows whose true label is among the k highest scores (ties: earlier classes first). */
export function topKAccuracy(scores: Nums, classes: number, labels: Nums, k: number): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const sy = scores[i * classes + y]!;
    let above = 0;
    for (let j = 0; j < classes; j++) {
      const s = scores[i * classes + j]!;
      if (s > sy || (s === sy && j < y)) above++;
    }
    if (above < k) hits++;
  }
  return labels.length ? hits / labels.length : NaN;
}

/** counts[true][predicted], classes × classes. */
export function confusionMatrix(predicted: Nums, labels: Nums, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!, p = predicted[i]!;
    if (t >= 0 && t < classes && p >= 0 && p < classes) m[t]![p]!++;
  }
  return m;
}

export interface MacroScores {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Macro-averaged precision, recall and F1 from a confusion matrix: the unweighted mean over
 * classes; a class with no predictions (or no true samples) scores 0 there, as
 * scikit-learn's zero_division=0. F1 is the mean of the per-class F1 scores.
 */
export function macroScores(confusion: number[][]): MacroScores {
  const c = confusion.length;
  let p = 0, r = 0, f = 0;
  for (let k = 0; k < c; k++) {
    const tp = confusion[k]![k]!;
    let predicted = 0, actual = 0;
    for (let j = 0; j < c; j++) {
      predicted += confusion[j]![k]!;
      actual += confusion[k]![j]!;
    }
    const pk = predicted ? tp / predicted : 0, rk = actual ? tp / actual : 0;
    p += pk;
    r += rk;
    f += pk + rk ? (2 * pk * rk) / (pk + rk) : 0;
  }
  return c ? { precision: p / c, recall: r / c, f1: f / c } : { precision: NaN, recall: NaN, f1: NaN };
}

/** Mean absolute error. */
export function mae(pred: Nums, target: Nums): number {
  let s = 0;
  for (let i = 0; i < target.length; i++) s += Math.abs(pred[i]! - target[i]!);
  return target.length ? s / target.length : NaN;
}

/** Mean squared error. */
export function mse(pred: Nums, target: Nums): number {
  let s = 0;
  for (let i = 0; i < target.length; i++) s += (pred[i]! - target[i]!) ** 2;
  return target.length ? s / target.length : NaN;
}

/** Coefficient of determination 1 − SS_res/SS_tot (NaN when the targets are all equal). */
export function r2(pred: Nums, target: Nums): number {
  const n = target.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += target[i]!;
  mean /= n;
  let res = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    res += (target[i]! - pred[i]!) ** 2;
    tot += (target[i]! - mean) ** 2;
  }
  return tot > 0 ? 1 - res / tot : NaN;
}
