/**
 * Activations and elementwise math built from table ops (softplus, mish, hard* family, selu,
 * log1p, tan, fmod, ...). Each is a short composition, so its gradient — and its gradient's
 * gradient — comes from the table's rules, and every backend runs it with no new kernel.
 * Numerically delicate ones use the stable form (softplus via relu + log(1 + e^-|x|)).
 */
import { scope } from '../core/memory.ts';
import { Tensor } from '../core/tensor.ts';
import type { TensorLike } from '../core/tensor.ts';
import { where } from './elementwise.ts';
import { chunk } from './manip.ts';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** log(1 + e^(βx)) / β, linear above `threshold` (PyTorch's softplus). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return scope(() => {
    const bx = x.mul(beta);
    const soft = bx.relu().add(bx.abs().neg().exp().add(1).log()).div(beta);
    return where(bx.gt(threshold), x, soft);
  });
}

export const logSigmoid = (x: Tensor): Tensor => scope(() => softplus(x.neg()).neg());
export const mish = (x: Tensor): Tensor => scope(() => x.mul(softplus(x).tanh()));
export const hardtanh = (x: Tensor, min = -1, max = 1): Tensor => x.clamp(min, max);
export const relu6 = (x: Tensor): Tensor => x.clamp(0, 6);
export const hardsigmoid = (x: Tensor): Tensor => scope(() => x.div(6).add(0.5).clamp(0, 1));
export const hardswish = (x: Tensor): Tensor => scope(() => x.mul(hardsigmoid(x)));
export const selu = (x: Tensor): Tensor => scope(() => x.elu(SELU_ALPHA).mul(SELU_SCALE));
/** max(0, x) + min(0, α(e^(x/α) − 1)) = α·elu(x/α). */
export const celu = (x: Tensor, alpha = 1): Tensor => scope(() => x.div(alpha).elu(1).mul(alpha));
export const softsign = (x: Tensor): Tensor => scope(() => x.div(x.abs().add(1)));
export const tanhshrink = (x: Tensor): Tensor => scope(() => x.sub(x.tanh()));
export const softmin = (x: Tensor, dim = -1): Tensor => scope(() => x.neg().softmax(dim));
/** x − λ·sign(x) where |x| > λ, else 0. */
export const softshrink = (x: Tensor, lambda = 0.5): Tensor =>
  scope(() => where(x.gt(lambda), x.sub(lambda), where(x.lt(-lambda), x.add(lambda), 0)));
/** x where |x| > λ, else 0; NaN stays NaN (as PyTorch). */
export const hardshrink = (x: Tensor, lambda = 0.5): Tensor => scope(() => where(x.abs().le(lambda), 0, x));
/** Gated linear unit: a·σ(b) for the two halves of x along dim. */
export function glu(x: Tensor, dim = -1): Tensor {
  return scope(() => {
    const [a, b] = chunk(x, 2, dim);
    return a.mul(b.sigmoid());
  });
}
/** max(0, x) + w·min(0, x) with w of one element or one per channel (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  return scope(() => {
    const w = weight.size === 1 || x.shape.length < 2 ? weight.reshape([]) : weight.reshape([x.shape[1], ...x.shape.slice(2).map(() => 1)]);
    return where(x.gt(0), x, x.mul(w));
  });
}

// ---- math ----------------------------------------------------------------------------

export const log1p = (x: Tensor): Tensor => scope(() => x.add(1).log());
export const expm1 = (x: Tensor): Tensor => scope(() => x.exp().sub(1));
export const log2 = (x: Tensor): Tensor => scope(() => x.log().div(Math.LN2));
export const log10 = (x: Tensor): Tensor => scope(() => x.log().div(Math.LN10));
export const exp2 = (x: Tensor): Tensor => scope(() => x.mul(Math.LN2).exp());
export const tan = (x: Tensor): Tensor => scope(() => x.sin().div(x.cos()));
export const sinh = (x: Tensor): Tensor => scope(() => x.exp().sub(x.neg().exp()).mul(0.5));
export const cosh = (x: Tensor): Tensor => scope(() => x.exp().add(x.neg().exp()).mul(0.5));
/** Rounds toward zero (no gradient, like floor). */
export const trunc = (x: Tensor): Tensor => scope(() => x.sign().mul(x.abs().floor()));

const lift = (v: TensorLike, like: Tensor): Tensor => (v instanceof Tensor ? v : like.mul(0).add(v));

/** C-style remainder a − trunc(a/b)·b (sign of a), as torch.fmod. */
export function fmod(a: Tensor, b: TensorLike): Tensor {
  return scope(() => {
    const bt = lift(b, a);
    return a.sub(trunc(a.div(bt)).mul(bt));
  });
}

/** Python-style remainder a − floor(a/b)·b (sign of b), as torch.remainder. */
export function remainder(a: Tensor, b: TensorLike): Tensor {
  return scope(() => {
    const bt = lift(b, a);
    return a.sub(a.div(bt).floor().mul(bt));
  });
}

/** a + w·(b − a). */
export const lerp = (a: Tensor, b: Tensor, w: TensorLike): Tensor => scope(() => a.add(b.sub(a).mul(w)));
/** √(a² + b²). */
export const hypot = (a: Tensor, b: Tensor): Tensor => scope(() => a.square().add(b.square()).sqrt());
/** log(e^a + e^b), stable around the (detached) larger one. */
export function logaddexp(a: Tensor, b: Tensor): Tensor {
  return scope(() => {
    const m = a.maximum(b).detach();
    return a.sub(m).exp().add(b.sub(m).exp()).log().add(m);
  });
}
/** The angle of the point (x, y) in (−π, π] (torch.atan2); atan2(0, 0) = 0. */
export function atan2(y: Tensor, x: TensorLike): Tensor {
  return scope(() => {
    const xt = lift(x, y);
    const base = y.div(xt).atan();
    const pi = y.ge(0).cast(base.dtype).mul(2 * Math.PI).sub(Math.PI); // +π where y ≥ 0, else −π
    return where(xt.eq(0).and(y.eq(0)), 0, base.add(where(xt.lt(0), pi, 0)));
  });
}
/** x + value·a·b (torch.addcmul). */
export const addcmul = (x: Tensor, a: Tensor, b: Tensor, value = 1): Tensor => scope(() => x.add(a.mul(b).mul(value)));
