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

/** -log p[target] from log-probabilities, per sample (shape of target). */
function pickNll(logp: Tensor, target: Tensor, op: string): Tensor {
  const cd = classDim(logp);
  const want = logp.shape.filter((_, i) => i !== cd);
  if (!sameShape(target.shape, want)) {
    throw new FlowgradError('shape', `${op}: target ${fmtShape(target.shape)} does not match input ${fmtShape(logp.shape)} (expected ${fmtShape(want)})`);
  }
  const t = target.dtype === 'int32' ? target : target.cast('int32');
  return logp.gather(cd, t.unsqueeze(cd)).squeeze(cd).neg();
}

export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new FlowgradError('bad-argument', `crossEntropy: labelSmoothing must be in [0, 1] (got ${eps})`);
  return scope(() => {
    const cd = classDim(logits);
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
  return scope(() => reduce(pickNll(logProbs, target, 'nllLoss'), opts.reduction));
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShapes('mseLoss', input, target);
  return scope(() => reduce(input.sub(target).square(), opts.reduction));
}

export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShapes('l1Loss', input, target);
  return scope(() => reduce(input.sub(target).abs(), opts.reduction));
}

/** 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta). */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  sameShapes('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  return scope(() => {
    const d = input.sub(target).abs();
    return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), opts.reduction);
  });
}

/** Sigmoid + binary cross-entropy in the stable form max(x,0) - x·y + log(1 + e^-|x|). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: { reduction?: Reduction; posWeight?: Tensor } = {}): Tensor {
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
  sameShapes('binaryCrossEntropy', input, target);
  return scope(() => {
    const lp = input.log().clamp(-100), lq = input.neg().add(1).log().clamp(-100);
    return reduce(target.mul(lp).add(target.neg().add(1).mul(lq)).neg(), opts.reduction);
  });
}

/** KL(target ‖ input) with input as log-probabilities; 'batchmean' divides the sum by N. */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  sameShapes('klDiv', input, target);
  return scope(() => {
    const pointwise = opts.logTarget
      ? target.exp().mul(target.sub(input))
      : where(target.gt(0), target.mul(target.log().sub(input)), 0);
    if (opts.reduction === 'batchmean') return pointwise.sum().div(input.shape[0] ?? 1);
    return reduce(pointwise, opts.reduction);
  });
}
