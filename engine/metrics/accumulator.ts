/**
 * Collects predictions and targets batch by batch (plain arrays, read asynchronously from
 * whatever backend) and turns them into the configured metrics at the end of an epoch:
 * classification (labels + class scores) gives accuracy, top-k accuracy, macro
 * precision/recall/F1 and a confusion matrix; regression gives MAE, MSE and R².
 */
import { accuracy, argmaxRows, confusionMatrix, macroScores, mae, mse, r2, topKAccuracy } from './metrics.ts';

export type MetricName = 'accuracy' | 'topK' | 'precision' | 'recall' | 'f1' | 'mae' | 'mse' | 'r2';

export const CLASSIFICATION_METRICS: readonly MetricName[] = ['accuracy', 'topK', 'precision', 'recall', 'f1'];
export const REGRESSION_METRICS: readonly MetricName[] = ['mae', 'mse', 'r2'];

export interface MetricValues {
  accuracy?: number;
  topK?: number;
  precision?: number;
  recall?: number;
  f1?: number;
  mae?: number;
  mse?: number;
  r2?: number;
}

export class MetricAccumulator {
  private readonly preds: Float32Array[] = [];
  private readonly targets: (Int32Array | Float32Array)[] = [];
  private rows = 0;

  /**
   * `classes` > 1 with integer targets means classification (pred: scores [n × classes]);
   * classes = 1 with integer targets is binary (pred: probability or logit of class 1, see
   * `binaryThreshold`); float targets are regression.
   */
  constructor(readonly classes: number, readonly classification: boolean, readonly binaryThreshold = 0.5) {}

  add(pred: ArrayLike<number>, target: Int32Array | Float32Array): void {
    this.preds.push(Float32Array.from(pred));
    this.targets.push(target);
    this.rows += target.length;
  }

  get count(): number {
    return this.rows;
  }

  private joined(): { pred: Float32Array; target: Float64Array } {
    const pred = new Float32Array(this.preds.reduce((s, p) => s + p.length, 0));
    const target = new Float64Array(this.rows);
    let o = 0, t = 0;
    for (const p of this.preds) {
      pred.set(p, o);
      o += p.length;
    }
    for (const y of this.targets) {
      target.set(y, t);
      t += y.length;
    }
    return { pred, target };
  }

  /** Predicted labels (classification only). */
  private labelsOf(pred: Float32Array): Int32Array {
    if (this.classes > 1) return argmaxRows(pred, this.classes);
    return Int32Array.from(pred, (p) => (p >= this.binaryThreshold ? 1 : 0));
  }

  /** The metrics in `names` that apply to this task, plus a confusion matrix for classification. */
  compute(names: readonly MetricName[], topK = 5): { values: MetricValues; confusion?: number[][] } {
    if (this.rows === 0) return { values: {} };
    const { pred, target } = this.joined();
    const values: MetricValues = {};
    if (this.classification) {
      const k = Math.max(2, this.classes);
      const predicted = this.labelsOf(pred);
      const confusion = confusionMatrix(predicted, target, k);
      if (names.includes('accuracy')) values.accuracy = accuracy(predicted, target);
      if (names.includes('topK') && this.classes > 1) values.topK = topKAccuracy(pred, this.classes, target, topK);
      if (names.some((n) => n === 'precision' || n === 'recall' || n === 'f1')) {
        const s = macroScores(confusion);
        if (names.includes('precision')) values.precision = s.precision;
        if (names.includes('recall')) values.recall = s.recall;
        if (names.includes('f1')) values.f1 = s.f1;
      }
      return { values, confusion };
    }
    if (names.includes('mae')) values.mae = mae(pred, target);
    if (names.includes('mse')) values.mse = mse(pred, target);
    if (names.includes('r2')) values.r2 = r2(pred, target);
    return { values };
  }
}
