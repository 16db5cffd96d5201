/**
 * The training loop for in-memory datasets: seeded shuffling, mini-batches, one scope per
 * step (so temporaries never pile up), validation per epoch, NaN/Inf detection that restores
 * the last good weights, a stop request honoured between steps, and step/epoch reports with
 * samples/s. It yields to the host event loop every ~30 ms so a worker stays responsive to
 * Stop while training.
 */
import { Rng } from '../core/rng.ts';
import { now, yieldToHost } from '../core/host.ts';
import { scope } from '../core/memory.ts';
import { noGrad } from '../autograd/mode.ts';
import { tensor } from '../ops/creation.ts';
import type { Tensor } from '../core/tensor.ts';
import { SGD } from '../optim/sgd.ts';
import { Adam } from '../optim/adam.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { TrainConfig } from './config.ts';
import type { GraphModel } from './graphModel.ts';
import type { ArrayDataset } from './split.ts';

export interface StepReport {
  step: number;
  epoch: number;
  loss: number;
  accuracy?: number;
  lr: number;
  samplesPerSec: number;
}

export interface EpochReport extends StepReport {
  valLoss?: number;
  valAccuracy?: number;
}

export interface FitCallbacks {
  onStep?(r: StepReport): void;
  onEpoch?(r: EpochReport): void;
  shouldStop?(): boolean;
}

export interface FitResult {
  reason: 'completed' | 'stopped' | 'diverged';
  last: EpochReport | null;
  steps: number;
}

export function makeOptimizer(model: GraphModel, cfg: TrainConfig): Optimizer {
  return cfg.optimizer === 'sgd' ? new SGD(model.parameters(), { lr: cfg.lr, momentum: 0.9 }) : new Adam(model.parameters(), { lr: cfg.lr });
}

function batchTensors(d: ArrayDataset, idx: Int32Array, from: number, to: number): { x: Tensor; y: Tensor } {
  const n = to - from;
  const f = d.features;
  const ySize = d.y.length / d.rows;
  const xb = new Float32Array(n * f);
  const yb = d.y instanceof Int32Array ? new Int32Array(n * ySize) : new Float32Array(n * ySize);
  for (let i = 0; i < n; i++) {
    const r = idx[from + i];
    xb.set(d.x.subarray(r * f, (r + 1) * f), i * f);
    yb.set(d.y.subarray(r * ySize, (r + 1) * ySize), i * ySize);
  }
  const x = tensor(xb, { shape: [n, f] });
  const y = yb instanceof Int32Array ? tensor(yb, { shape: ySize === 1 ? [n] : [n, ySize], dtype: 'int32' }) : tensor(yb, { shape: [n, ySize] });
  return { x, y };
}

/** Fraction of rows whose highest-scoring class is the label (classification only). */
function accuracyOf(pred: Tensor, y: Tensor): number | undefined {
  if (y.dtype !== 'int32' || pred.shape.length !== 2 || pred.shape[1] < 2) return undefined;
  const p = pred.dataSync();
  const labels = y.dataSync();
  const [n, c] = pred.shape;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (p[i * c + j] > p[i * c + best]) best = j;
    if (best === labels[i]) hits++;
  }
  return hits / n;
}

/** Mean loss and accuracy over a whole dataset, in eval mode, without gradients. */
export function evaluate(model: GraphModel, d: ArrayDataset, batchSize = 256): { loss: number; accuracy?: number } {
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let hits = 0;
  let counted = 0;
  const idx = Int32Array.from({ length: d.rows }, (_, i) => i);
  noGrad(() => {
    for (let from = 0; from < d.rows; from += batchSize) {
      const to = Math.min(d.rows, from + batchSize);
      scope(() => {
        const { x, y } = batchTensors(d, idx, from, to);
        const { loss, prediction } = model.lossAndPrediction(x, y);
        lossSum += loss.item() * (to - from);
        const acc = accuracyOf(prediction, y);
        if (acc !== undefined) {
          hits += acc * (to - from);
          counted += to - from;
        }
      });
    }
  });
  model.train(wasTraining);
  return { loss: lossSum / d.rows, ...(counted ? { accuracy: hits / counted } : {}) };
}

export async function fit(model: GraphModel, train: ArrayDataset, val: ArrayDataset | null, cfg: TrainConfig, cb: FitCallbacks = {}): Promise<FitResult> {
  const opt = makeOptimizer(model, cfg);
  const rng = new Rng(cfg.seed ^ 0x51ed);
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);
  const batch = Math.max(1, Math.min(cfg.batchSize, train.rows));
  // Copies of the weights after the last epoch with a finite loss, restored on divergence.
  let good = model.parameters().map((p) => Float32Array.from(p.dataSync()));
  let step = 0;
  let last: EpochReport | null = null;
  let lastYield = now();
  try {
    model.train();
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      rng.shuffle(order);
      const t0 = now();
      let lossSum = 0;
      let accSum = 0;
      let accRows = 0;
      let seen = 0;
      for (let from = 0; from < train.rows; from += batch) {
        if (cb.shouldStop?.()) return { reason: 'stopped', last, steps: step };
        const to = Math.min(train.rows, from + batch);
        const n = to - from;
        const { loss, acc } = scope(() => {
          const { x, y } = batchTensors(train, order, from, to);
          opt.zeroGrad();
          const out = model.lossAndPrediction(x, y);
          out.loss.backward();
          const lossValue = out.loss.item();
          // A non-finite loss means the parameters that produced it are already bad: skip the update.
          if (Number.isFinite(lossValue)) opt.step();
          return { loss: lossValue, acc: noGrad(() => accuracyOf(out.prediction, y)) };
        });
        step++;
        if (!Number.isFinite(loss)) {
          model.parameters().forEach((p, i) => p.assign(good[i]));
          return { reason: 'diverged', last, steps: step };
        }
        lossSum += loss * n;
        seen += n;
        if (acc !== undefined) {
          accSum += acc * n;
          accRows += n;
        }
        const elapsed = Math.max(1e-3, now() - t0);
        cb.onStep?.({ step, epoch, loss, ...(acc !== undefined ? { accuracy: acc } : {}), lr: opt.lr, samplesPerSec: (seen / elapsed) * 1000 });
        if (now() - lastYield > 30) {
          await yieldToHost();
          lastYield = now();
        }
      }
      const elapsed = Math.max(1e-3, now() - t0);
      const v = val ? evaluate(model, val) : null;
      last = {
        step,
        epoch,
        loss: lossSum / seen,
        ...(accRows ? { accuracy: accSum / accRows } : {}),
        lr: opt.lr,
        samplesPerSec: (seen / elapsed) * 1000,
        ...(v ? { valLoss: v.loss, ...(v.accuracy !== undefined ? { valAccuracy: v.accuracy } : {}) } : {}),
      };
      good = model.parameters().map((p) => Float32Array.from(p.dataSync()));
      cb.onEpoch?.(last);
      await yieldToHost();
      lastYield = now();
    }
    return { reason: 'completed', last, steps: step };
  } finally {
    model.eval();
    opt.dispose();
  }
}
