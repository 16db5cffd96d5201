/**
 * Functional normalisation, embedding and attention, composed from table ops (so their
 * gradients, including second order, come from the op table). batchNorm updates running
 * statistics in place, outside autograd, exactly as PyTorch (unbiased variance for the
 * running estimate, biased for normalising).
 */
import { noGrad } from '../autograd/mode.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { scope } from '../core/memory.ts';
import { sameShape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { fromValues } from '../ops/creation.ts';
import { where } from '../ops/elementwise.ts';
import { dropout } from './functional.ts';
import { fullPrecision } from '../amp/autocast.ts';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/** x [N, C, ...]: normalise per channel C with batch statistics (training) or running ones. */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  if (x.shape.length < 2) throw new FlowgradError('shape', `batchNorm: expected input [N, C, ...], got ${fmtShape(x.shape)}`);
  const c = x.shape[1];
  const training = opts.training ?? false, eps = opts.eps ?? 1e-5, momentum = opts.momentum ?? 0.1;
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  return scope(() => {
    x = fullPrecision(x);
    let mean: Tensor, v: Tensor;
    if (training || !runningMean || !runningVar) {
      mean = x.mean(dims, true);
      v = x.sub(mean).square().mean(dims, true);
      const n = x.size / c;
      if (training && runningMean && runningVar) {
        if (n <= 1) throw new FlowgradError('shape', `batchNorm: need more than one value per channel when training (input ${fmtShape(x.shape)})`);
        noGrad(() => {
          runningMean.assign(runningMean.mul(1 - momentum).add(mean.reshape([c]).mul(momentum)));
          runningVar.assign(runningVar.mul(1 - momentum).add(v.reshape([c]).mul((momentum * n) / (n - 1))));
        });
      }
    } else {
      mean = runningMean.reshape(bshape);
      v = runningVar.reshape(bshape);
    }
    let y = x.sub(mean).mul(v.add(eps).rsqrt());
    if (opts.weight) y = y.mul(opts.weight.reshape(bshape));
    if (opts.bias) y = y.add(opts.bias.reshape(bshape));
    return y;
  });
}

/** Normalises over the trailing dims given by normalizedShape. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || k > x.shape.length || !sameShape(x.shape.slice(-k), normalizedShape)) {
    throw new FlowgradError('shape', `layerNorm: input ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(normalizedShape)}`);
  }
  const dims = Array.from({ length: k }, (_, i) => x.shape.length - k + i);
  return scope(() => {
    x = fullPrecision(x);
    const mean = x.mean(dims, true);
    const d = x.sub(mean);
    let y = d.mul(d.square().mean(dims, true).add(eps).rsqrt());
    if (weight) y = y.mul(weight);
    if (bias) y = y.add(bias);
    return y;
  });
}

/** Rows of weight [V, D] for integer ids of any shape → [...ids.shape, D]. */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  if (weight.shape.length !== 2) throw new FlowgradError('shape', `embedding: weight must be [V, D], got ${fmtShape(weight.shape)}`);
  return scope(() => {
    const flat = ids.dtype === 'int32' ? ids.reshape([ids.size]) : ids.cast('int32').reshape([ids.size]);
    return weight.indexSelect(0, flat).reshape([...ids.shape, weight.shape[1]]);
  });
}

export interface AttentionOptions {
  /** bool mask (true = may attend) or additive float mask, broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  isCausal?: boolean;
  /** Defaults to 1/√E. */
  scale?: number;
  dropoutP?: number;
  training?: boolean;
}

/** softmax(q·kᵀ·scale + mask)·v for q [..., L, E], k [..., S, E], v [..., S, Ev]. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const e = q.shape[q.shape.length - 1];
  if (q.shape.length < 2 || k.shape[k.shape.length - 1] !== e || k.shape[k.shape.length - 2] !== v.shape[v.shape.length - 2]) {
    throw new FlowgradError('shape', `scaledDotProductAttention: q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)} do not fit`);
  }
  return scope(() => {
    const L = q.shape[q.shape.length - 2], S = k.shape[k.shape.length - 2];
    let s = q.matmul(k.transpose(-2, -1)).mul(opts.scale ?? 1 / Math.sqrt(e));
    if (opts.isCausal) {
      const m = new Uint8Array(L * S);
      for (let i = 0; i < L; i++) for (let j = 0; j <= Math.min(i, S - 1); j++) m[i * S + j] = 1;
      s = where(fromValues(m, [L, S], 'bool', { backend: q._storage.backend }), s, -Infinity);
    }
    if (opts.attnMask) s = opts.attnMask.dtype === 'bool' ? where(opts.attnMask, s, -Infinity) : s.add(opts.attnMask);
    let p = s.softmax(-1);
    if (opts.dropoutP) p = dropout(p, opts.dropoutP, opts.training ?? true);
    return p.matmul(v);
  });
}
