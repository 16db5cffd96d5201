/**
 * The Output / Loss node's criteria, applied to a batch: turns the dataset's labels into the
 * target each loss expects (class indices, one-hot rows, or numbers shaped like the
 * prediction) and adds what nn.functional's losses lack here — cross-entropy / NLL with
 * class weights, with PyTorch's weighted-mean normalisation (divide by Σ w[y]), label
 * smoothing included exactly as torch.nn.functional.cross_entropy does it. Cross-entropy and
 * NLL also take one label per token ([N, S] labels against [N, S, C] scores).
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { arange, tensor } from '../ops/creation.ts';
import * as F from '../nn/functional.ts';
import type { LossName } from '../graph/catalog/io.ts';

export interface LossSpec {
  kind: LossName;
  labelSmoothing: number;
  delta: number;
  classWeights: number[];
}

/** Losses that take class indices ([N] int32 labels) against [N, classes] scores. */
export const CLASS_LOSSES: ReadonlySet<LossName> = new Set(['crossEntropy', 'nll']);

function labels(y: Tensor, what: string): Tensor {
  if (y.dtype === 'int32') return y.shape.length === 2 && y.shape[1] === 1 ? y.reshape([y.shape[0]!]) : y;
  throw new FlowgradError('dtype', `${what} needs class labels; this dataset has numeric targets — choose mse, l1 or huber`);
}

/** Integer labels as one-hot float rows [N, C]; numeric targets reshaped like the prediction. */
function dense(y: Tensor, pred: Tensor): Tensor {
  const c = pred.shape[pred.shape.length - 1]!;
  if (y.dtype === 'int32' && c > 1 && pred.shape.length === 2) return labels(y, 'this loss').unsqueeze(-1).eq(arange(0, c, 1, { backend: pred.backend })).cast('float32');
  if (y.size !== pred.size) throw new FlowgradError('shape', `the targets have ${y.size / Math.max(1, y.shape[0] ?? 1)} values per sample but the prediction has ${pred.size / Math.max(1, pred.shape[0] ?? 1)}`);
  return y.cast('float32').reshape(pred.shape);
}

/**
 * Token classification: [N, S, C] scores (class dim last, as a Dense over a sequence leaves
 * them) with [N, S] labels become N·S rows of C scores and N·S labels — the mean over every
 * token. Null when the shapes are not that.
 */
function perToken(scores: Tensor, y: Tensor): [Tensor, Tensor] | null {
  if (scores.shape.length !== 3 || y.dtype !== 'int32') return null;
  const [n, s, c] = scores.shape as [number, number, number];
  if (y.size !== n * s) return null;
  return [scores.reshape([n * s, c]), y.reshape([n * s])];
}

/** Σ w[y]·(−logp[y]) / Σ w[y], plus PyTorch's weighted label-smoothing term. */
function weightedNll(logp: Tensor, y: Tensor, weights: number[], smoothing: number): Tensor {
  const c = logp.shape[1]!;
  const w = tensor(weights, { backend: logp.backend });
  const wy = w.indexSelect(0, y);
  const denom = wy.sum();
  const nll = logp.gather(1, y.unsqueeze(1)).squeeze(1).neg().mul(wy).sum().div(denom);
  if (smoothing === 0) return nll;
  const smooth = logp.mul(w).sum(1).neg().sum().div(denom);
  return nll.mul(1 - smoothing).add(smooth.mul(smoothing / c));
}

/**
 * The loss for one batch. `logits` is the tensor before a final Softmax / Sigmoid node when
 * the compiler found one (cross-entropy and BCE then use the stable fused forms), otherwise
 * the prediction itself.
 */
export function batchLoss(spec: LossSpec, prediction: Tensor, logits: Tensor, y: Tensor): Tensor {
  const weighted = spec.classWeights.length > 0;
  switch (spec.kind) {
    case 'crossEntropy': {
      if (y.dtype !== 'int32' && y.size === logits.size) return F.crossEntropy(logits, y.cast('float32').reshape(logits.shape), { labelSmoothing: spec.labelSmoothing });
      const tok = perToken(logits, y);
      if (tok) [logits, y] = tok;
      const t = labels(y, 'cross-entropy');
      return weighted ? weightedNll(logits.logSoftmax(1), t, spec.classWeights, spec.labelSmoothing) : F.crossEntropy(logits, t, { labelSmoothing: spec.labelSmoothing });
    }
    case 'nll': {
      const tok = perToken(prediction, y);
      if (tok) [prediction, y] = tok;
      const t = labels(y, 'NLL');
      return weighted ? weightedNll(prediction, t, spec.classWeights, 0) : F.nllLoss(prediction, t);
    }
    case 'mse': return F.mseLoss(prediction, dense(y, prediction));
    case 'l1': return F.l1Loss(prediction, dense(y, prediction));
    case 'huber': return F.huberLoss(prediction, dense(y, prediction), { delta: spec.delta });
    case 'bce':
      return logits !== prediction ? F.binaryCrossEntropyWithLogits(logits, dense(y, prediction)) : F.binaryCrossEntropy(prediction, dense(y, prediction));
    case 'bceWithLogits': return F.binaryCrossEntropyWithLogits(prediction, dense(y, prediction));
    case 'klDiv': return F.klDiv(prediction, dense(y, prediction), { reduction: 'batchmean' });
  }
}
