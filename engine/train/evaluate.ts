/**
 * Evaluation shared by the training loop and the session: slicing an in-memory dataset into
 * batch tensors in order (in the model's sample shape), deciding which metrics apply to a
 * model's output, and evaluating a whole dataset (loss + metrics) with asynchronous reads
 * only, so it runs on every backend. Training batches come from the data loader instead
 * (shuffled, augmented, prefetched: see fit.ts).
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { adoptTensor } from '../ops/creation.ts';
import { MetricAccumulator, type MetricName, type MetricValues } from '../metrics/accumulator.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from './graphModel.ts';
import { CLASS_LOSSES } from './losses.ts';
import type { ArrayDataset } from '../data/split.ts';

export interface Batch {
  x: Tensor;
  y: Tensor;
  /** The labels / targets on the host (for metrics without reading y back). */
  yHost: Int32Array | Float32Array;
}

/** Gathers rows idx[from..to) into batch tensors (fresh arrays, so the tensors adopt them). */
export function batchTensors(d: ArrayDataset, idx: Int32Array, from: number, to: number): Batch {
  const n = to - from;
  const f = d.features;
  const ySize = d.y.length / d.rows;
  const xb = new Float32Array(n * f);
  const yb = d.y instanceof Int32Array ? new Int32Array(n * ySize) : new Float32Array(n * ySize);
  for (let i = 0; i < n; i++) {
    const r = idx[from + i]!;
    xb.set(d.x.subarray(r * f, (r + 1) * f), i * f);
    yb.set(d.y.subarray(r * ySize, (r + 1) * ySize), i * ySize);
  }
  const x = adoptTensor(xb, [n, ...(d.sampleShape ?? [f])]);
  const y = adoptTensor(yb, yb instanceof Int32Array && ySize === 1 ? [n] : [n, ySize]);
  return { x, y, yHost: yb };
}

/** How the model's outputs are scored: classification (labels + scores) or regression. */
export interface MetricPlan {
  classification: boolean;
  /** Columns of the prediction per row (classes; 1 for a binary head). */
  classes: number;
  names: MetricName[];
  topK: number;
  /** For binary heads: whether the prediction is a logit (threshold 0) rather than a probability. */
  logits: boolean;
}

export function metricPlan(model: GraphModel, d: ArrayDataset, cfg: TrainConfig): MetricPlan {
  const labels = d.y instanceof Int32Array && d.y.length === d.rows;
  const predShape = model.analysis.shapes[model.graph.edges.find((e) => e.target === model.lossNodeId)?.source ?? ''] ?? [];
  const perRow = predShape.slice(1).reduce<number>((a, b) => a * (typeof b === 'number' ? b : 1), 1);
  // Token classification: one label per token and [N, S, C] scores; each token is scored as a row of C.
  const tokens = d.y instanceof Int32Array && predShape.length === 3 && typeof predShape[1] === 'number' && d.y.length === d.rows * predShape[1] && CLASS_LOSSES.has(model.lossKind);
  const classification = tokens || (labels && predShape.length === 2 && (perRow >= 2 || model.lossKind === 'bce' || model.lossKind === 'bceWithLogits'));
  const names = cfg.metrics ?? (classification ? ['accuracy'] : ['mae', 'r2']);
  const classes = tokens ? Number(predShape[2]) : perRow;
  return { classification, classes, names, topK: cfg.topK ?? 5, logits: model.lossKind === 'bceWithLogits' };
}

export function newAccumulator(plan: MetricPlan): MetricAccumulator {
  return new MetricAccumulator(plan.classes, plan.classification, plan.logits ? 0 : 0.5);
}

export interface Evaluation {
  loss: number;
  metrics: MetricValues;
  confusion?: number[][];
}

/** Mean loss and metrics over a whole dataset, in eval mode, without gradients. */
export async function evaluate(model: GraphModel, d: ArrayDataset, plan: MetricPlan, batchSize = 256): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const acc = newAccumulator(plan);
  let lossSum = 0;
  const idx = Int32Array.from({ length: d.rows }, (_, i) => i);
  try {
    for (let from = 0; from < d.rows; from += batchSize) {
      const to = Math.min(d.rows, from + batchSize);
      const { loss, pred, yHost } = noGrad(() => scope(() => {
        const b = batchTensors(d, idx, from, to);
        const out = model.lossAndPrediction(b.x, b.y);
        return { loss: out.loss, pred: plan.names.length ? out.prediction : null, yHost: b.yHost };
      }));
      try {
        const [l, p] = await Promise.all([loss.data(), pred?.data()]);
        lossSum += l[0]! * (to - from);
        if (p) acc.add(p, yHost);
      } finally {
        loss.dispose();
        pred?.dispose();
      }
    }
  } finally {
    model.train(wasTraining);
  }
  const m = acc.compute(plan.names, plan.topK);
  return { loss: lossSum / d.rows, metrics: m.values, ...(m.confusion ? { confusion: m.confusion } : {}) };
}
