/**
 * Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on .grad.
 * `clipGradNormTensor` never reads back: the norm stays a tensor and the scale factor
 * min(1, maxNorm/(norm + 1e-6)) is applied on the device, so the training loop can clip on
 * backends that only read asynchronously (WebGPU). `clipGradNorm` returns the norm as a
 * number (a synchronous read; CPU backends only), `clipGradNormAsync` as a promise.
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { zeros } from '../ops/creation.ts';
import { concat } from '../ops/shape.ts';
import { runOptional, supports } from '../ops/op.ts';

/** Scales all gradients so their joint norm is at most maxNorm; returns the norm before clipping (a scalar tensor, owned by the enclosing scope; null without gradients). */
export function clipGradNormTensor(params: Iterable<Tensor>, maxNorm: number, normType = 2): Tensor | null {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return null;
  return noGrad(() => scope(() => {
    let total: Tensor;
    if (normType === Infinity) total = grads.map((g) => g.abs().max()).reduce((a, b) => a.maximum(b));
    else total = grads.map((g) => g.abs().pow(normType).sum()).reduce((a, b) => a.add(b)).pow(1 / normType);
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.assign(g.mul(coef));
    return total;
  }));
}

/**
 * Clipping by norm without touching the gradients: the optimizer's gradScale ([coef, 0, 0],
 * optimizer.ts) that makes its step use them scaled to a joint norm of at most maxNorm. Saves
 * the per-gradient multiply and copy of clipGradNormTensor (on WebGPU, two dispatches per
 * parameter). The tensor belongs to the enclosing scope; null without gradients.
 */
export function clipGradNormScale(params: Iterable<Tensor>, maxNorm: number, normType = 2): Tensor | null {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return null;
  const be = grads[0]!._storage.backend;
  return noGrad(() => scope(() => {
    let total: Tensor;
    if (normType === 2 && supports(be, 'sumSquares') && grads.every((g) => g.dtype === 'float32' && g._storage.backend === be)) {
      // One pass over every gradient instead of two kernels per gradient.
      const n2 = zeros([1], { backend: be.name });
      runOptional(be, 'sumSquares', { xs: grads.map((g) => g._storage.buf), scale: null, out: n2._storage.buf });
      total = n2.sqrt();
    } else if (normType === Infinity) total = grads.map((g) => g.abs().max()).reduce((a, b) => a.maximum(b));
    else total = grads.map((g) => g.abs().pow(normType).sum()).reduce((a, b) => a.add(b)).pow(1 / normType);
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1).reshape([1]);
    return concat([coef, zeros([2], { backend: be.name })]);
  }));
}

/** Scales all gradients so their joint norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  const t = clipGradNormTensor(params, maxNorm, normType);
  if (!t) return 0;
  try {
    return t.item();
  } finally {
    t.dispose();
  }
}

/** clipGradNorm for any backend: the norm arrives asynchronously. */
export async function clipGradNormAsync(params: Iterable<Tensor>, maxNorm: number, normType = 2): Promise<number> {
  const t = clipGradNormTensor(params, maxNorm, normType);
  if (!t) return 0;
  try {
    return (await t.data())[0]!;
  } finally {
    t.dispose();
  }
}

/** Clamps every gradient element into [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  noGrad(() => scope(() => {
    for (const p of params) if (p.grad) p.grad.assign(p.grad.clamp(-clipValue, clipValue));
  }));
}
