/**
 * The evaluation report of a trained model on a held-out split (NNC's evaluation tab, the
 * CLI's `evaluate`): loss and accuracy, per-class precision / recall / F1 with support, the
 * confusion matrix, the worst-classified samples (highest loss), or for regression MAE, MSE,
 * RMSE, R² and predicted-vs-true points. Pure host arithmetic on predictions already read
 * back; `evaluateReport` in train/evaluation.ts feeds it.
 */
import { argmaxRows, confusionMatrix } from './metrics.ts';

export interface ClassScore {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Samples of this class in the split. */
  support: number;
}

export interface WorstSample {
  /** Row of the evaluated split. */
  index: number;
  trueClass: number;
  predicted: number;
  /** Probability the model gave the true class. */
  pTrue: number;
  /** Probability of the predicted class. */
  confidence: number;
}

export interface EvaluationReport {
  task: 'classification' | 'regression';
  rows: number;
  loss: number;
  accuracy?: number;
  classNames?: string[];
  perClass?: ClassScore[];
  /** Macro averages over classes with samples. */
  macro?: { precision: number; recall: number; f1: number };
  /** counts[true][predicted]. */
  confusion?: number[][];
  worst?: WorstSample[];
  regression?: { mae: number; mse: number; rmse: number; r2: number };
  /** Predicted vs true (the first target column; at most MAX_POINTS rows). */
  points?: { true: number[]; predicted: number[] };
}

export const MAX_POINTS = 2000;

/** Rows of class probabilities: kept when they already are (non-negative, summing to 1), else softmax. */
export function probabilityRows(pred: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(pred.length);
  for (let r = 0; r < pred.length / classes; r++) {
    const row = pred.subarray(r * classes, (r + 1) * classes);
    let sum = 0, neg = false, max = -Infinity;
    for (const v of row) {
      sum += v;
      neg ||= v < 0;
      max = Math.max(max, v);
    }
    if (!neg && Math.abs(sum - 1) < 1e-3) {
      out.set(row, r * classes);
      continue;
    }
    let z = 0;
    for (const v of row) z += Math.exp(v - max);
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.exp(row[c]! - max) / z;
  }
  return out;
}

/**
 * Classification report from predictions [rows × classes] (or [rows] for a binary head:
 * probability, or logit when `logits`) and integer labels.
 */
export function classificationReport(pred: Float32Array, y: Int32Array, opts: { classes: number; logits?: boolean; loss: number; classNames?: string[] | null; worst?: number }): EvaluationReport {
  const rows = y.length;
  const k = Math.max(2, opts.classes);
  const probs = opts.classes > 1
    ? probabilityRows(pred, opts.classes)
    : Float32Array.from({ length: rows * 2 }, (_, i) => {
      const p = opts.logits ? 1 / (1 + Math.exp(-pred[i >> 1]!)) : pred[i >> 1]!;
      return i % 2 ? p : 1 - p;
    });
  const predicted = argmaxRows(probs, k);
  const confusion = confusionMatrix(predicted, y, k);
  const names = Array.from({ length: k }, (_, c) => opts.classNames?.[c] ?? `class ${c}`);
  const perClass: ClassScore[] = names.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = predictedC ? tp / predictedC : 0, recall = support ? tp / support : 0;
    return { name, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  const present = perClass.filter((s) => s.support > 0);
  const mean = (f: (s: ClassScore) => number) => (present.length ? present.reduce((a, s) => a + f(s), 0) / present.length : 0);
  let hits = 0;
  for (let i = 0; i < rows; i++) if (predicted[i] === y[i]) hits++;
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => probs[a * k + y[a]!]! - probs[b * k + y[b]!]! || a - b);
  const worst = order.slice(0, Math.max(0, opts.worst ?? 12)).filter((i) => predicted[i] !== y[i]).map((i) => ({
    index: i, trueClass: y[i]!, predicted: predicted[i]!, pTrue: probs[i * k + y[i]!]!, confidence: probs[i * k + predicted[i]!]!,
  }));
  return {
    task: 'classification', rows, loss: opts.loss, accuracy: rows ? hits / rows : 0, classNames: names, perClass,
    macro: { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1) }, confusion, worst,
  };
}

/** Regression report from predictions and targets of the same layout [rows × outputs]. */
export function regressionReport(pred: Float32Array, y: Float32Array, rows: number, loss: number): EvaluationReport {
  const n = y.length, per = Math.max(1, n / Math.max(1, rows));
  let abs = 0, sq = 0, mean = 0, tot = 0;
  for (let i = 0; i < n; i++) mean += y[i]! / n;
  for (let i = 0; i < n; i++) {
    const e = pred[i]! - y[i]!;
    abs += Math.abs(e);
    sq += e * e;
    tot += (y[i]! - mean) ** 2;
  }
  const shown = Math.min(MAX_POINTS, rows);
  return {
    task: 'regression', rows, loss,
    regression: { mae: abs / n, mse: sq / n, rmse: Math.sqrt(sq / n), r2: tot > 0 ? 1 - sq / tot : 0 },
    points: { true: Array.from({ length: shown }, (_, i) => y[i * per]!), predicted: Array.from({ length: shown }, (_, i) => pred[i * per]!) },
  };
}
