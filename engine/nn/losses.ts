/**
 * Loss functions with PyTorch's definitions and `reduction` ('mean' default, 'sum', 'none').
 * crossEntropy takes logits [N, C] (or [C], or [N, C, d1, ...]) with integer class targets,
 * or probability targets shaped like the logits.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { isFloat } from '../core/dtype.ts';
import { scope } from '../core/memory.ts';
import { sameShape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { where } from '../ops/elementwise.ts';
import { crossEntropyFused } from '../ops/crossentropy.ts';
import { cosineSimilarity, pairwiseDistance } from '../ops/manip.ts';
import { fullPrecision } from '../amp/autocast.ts';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, r: Reduction = 'mean'): Tensor {
  return r === 'none' ? loss : r === 'sum' ? loss.sum() : loss.mean();
}

function sameShapes(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new FlowgradError('shape', `${op}: input ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} differ`);
}

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  reduction?: Reduction;
}

/** Class dim is 1 (0 for unbatched [C] logits). */
function classDim(logits: Tensor): number {
  return logits.shape.length === 1 ? 0 : 1;
}

/** Integer targets must have the logits' shape without the class dim. */
function checkTarget(logits: Tensor, target: Tensor, op: string): void {
  const want = logits.shape.filter((_, i) => i !== classDim(logits));
  if (!sameShape(target.shape, want)) {
    throw new FlowgradError('shape', `${op}: target ${fmtShape(target.shape)} does not match input ${fmtShape(logits.shape)} (expected ${fmtShape(want)})`);
  }
}

/** -log p[target] from log-probabilities, per sample (shape of target). */
function pickNll(logp: Tensor, target: Tensor, op: string): Tensor {
  const cd = classDim(logp);
  checkTarget(logp, target, op);
  const t = target.dtype === 'int32' ? target : target.cast('int32');
  return logp.gather(cd, t.unsqueeze(cd)).squeeze(cd).neg();
}

export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  logits = fullPrecision(logits); // float32 under autocast
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new FlowgradError('bad-argument', `crossEntropy: labelSmoothing must be in [0, 1] (got ${eps})`);
  return scope(() => {
    const cd = classDim(logits);
    if (eps === 0 && !(isFloat(target.dtype) && sameShape(target.shape, logits.shape))) {
      checkTarget(logits, target, 'crossEntropy');
      const t = target.dtype === 'int32' ? target : target.cast('int32');
      const fused = crossEntropyFused(logits, t, cd);
      if (fused) return reduce(fused, opts.reduction);
    }
    const logp = logits.logSoftmax(cd);
    let loss: Tensor;
    if (isFloat(target.dtype) && sameShape(target.shape, logits.shape)) {
      const c = logits.shape[cd];
      const q = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
      loss = q.mul(logp).sum(cd).neg();
    } else {
      loss = pickNll(logp, target, 'crossEntropy');
      if (eps > 0) loss = loss.mul(1 - eps).add(logp.mean(cd).neg().mul(eps));
    }
    return reduce(loss, opts.reduction);
  });
}

/** Negative log-likelihood of log-probabilities with integer targets. */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  logProbs = fullPrecision(logProbs); // float32 under autocast
  return scope(() => reduce(pickNll(logProbs, target, 'nllLoss'), opts.reduction));
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('mseLoss', input, target);
  return scope(() => reduce(input.sub(target).square(), opts.reduction));
}

export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('l1Loss', input, target);
  return scope(() => reduce(input.sub(target).abs(), opts.reduction));
}

/** 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta). */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  return scope(() => {
    const d = input.sub(target).abs();
    return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), opts.reduction);
  });
}

/** Sigmoid + binary cross-entropy in the stable form max(x,0) - x·y + log(1 + e^-|x|). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: { reduction?: Reduction; posWeight?: Tensor } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('binaryCrossEntropyWithLogits', input, target);
  return scope(() => {
    const softplusNeg = input.abs().neg().exp().add(1).log().add(input.neg().relu()); // log(1 + e^-x)
    const loss = opts.posWeight
      ? target.neg().add(1).mul(input).add(opts.posWeight.sub(1).mul(target).add(1).mul(softplusNeg))
      : target.neg().add(1).mul(input).add(softplusNeg);
    return reduce(loss, opts.reduction);
  });
}

/** Binary cross-entropy on probabilities; logs clamped at -100 like PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('binaryCrossEntropy', input, target);
  return scope(() => {
    const lp = input.log().clamp(-100), lq = input.neg().add(1).log().clamp(-100);
    return reduce(target.mul(lp).add(target.neg().add(1).mul(lq)).neg(), opts.reduction);
  });
}

/** KL(target ‖ input) with input as log-probabilities; 'batchmean' divides the sum by N. */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('klDiv', input, target);
  return scope(() => {
    const pointwise = opts.logTarget
      ? target.exp().mul(target.sub(input))
      : where(target.gt(0), target.mul(target.log().sub(input)), 0);
    if (opts.reduction === 'batchmean') return pointwise.sum().div(input.shape[0] ?? 1);
    return reduce(pointwise, opts.reduction);
  });
}

/** 0.5·d²/β where |d| < β, else |d| − 0.5·β (F.smoothL1Loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number } = {}): Tensor {
  input = fullPrecision(input); // float32 under autocast
  sameShapes('smoothL1Loss', input, target);
  const beta = opts.beta ?? 1;
  return scope(() => {
    const d = input.sub(target).abs();
    return reduce(where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), opts.reduction);
  });
}

/** log(1 + e^(−y·x)) for labels y = ±1. */
export function softMarginLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShapes('softMarginLoss', input, target);
  return scope(() => {
    const z = input.mul(target).neg();
    return reduce(z.relu().add(z.abs().neg().exp().add(1).log()), opts.reduction);
  });
}

/** max(0, −y·(x1 − x2) + margin). */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, opts: { reduction?: Reduction; margin?: number } = {}): Tensor {
  sameShapes('marginRankingLoss', x1, x2);
  return scope(() => reduce(x1.sub(x2).mul(target).neg().add(opts.margin ?? 0).relu(), opts.reduction));
}

/** x where y = 1, max(0, margin − x) where y = −1. */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; margin?: number } = {}): Tensor {
  sameShapes('hingeEmbeddingLoss', input, target);
  return scope(() => reduce(where(target.eq(1), input, input.neg().add(opts.margin ?? 1).relu()), opts.reduction));
}

/** Poisson negative log-likelihood: e^x − y·x (logInput, default) or x − y·log(x + eps). */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; logInput?: boolean; eps?: number } = {}): Tensor {
  sameShapes('poissonNllLoss', input, target);
  return scope(() => {
    const loss = opts.logInput ?? true ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(opts.eps ?? 1e-8).log()));
    return reduce(loss, opts.reduction);
  });
}

/** 0.5·(log(max(var, eps)) + (x − y)² / max(var, eps)). */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: { reduction?: Reduction; eps?: number } = {}): Tensor {
  sameShapes('gaussianNllLoss', input, target);
  return scope(() => {
    const v = variance.clamp(opts.eps ?? 1e-6);
    return reduce(v.log().add(input.sub(target).square().div(v)).mul(0.5), opts.reduction);
  });
}

/** 1 − cos(x1, x2) where y = 1, max(0, cos − margin) where y = −1; x [N, D], y [N]. */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, opts: { reduction?: Reduction; margin?: number } = {}): Tensor {
  sameShapes('cosineEmbeddingLoss', x1, x2);
  return scope(() => {
    const cos = cosineSimilarity(x1, x2, -1);
    return reduce(where(target.eq(1), cos.neg().add(1), cos.sub(opts.margin ?? 0).relu()), opts.reduction);
  });
}

/** max(d(a, p) − d(a, n) + margin, 0) with the p-norm pairwise distance. */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: { reduction?: Reduction; margin?: number; p?: number } = {}): Tensor {
  return scope(() => {
    const dp = pairwiseDistance(anchor, positive, opts.p ?? 2), dn = pairwiseDistance(anchor, negative, opts.p ?? 2);
    return reduce(dp.sub(dn).add(opts.margin ?? 1).relu(), opts.reduction);
  });
}
