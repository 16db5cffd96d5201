/**
 * Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on .grad.
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';

/** Scales all gradients so their joint norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  return noGrad(() => scope(() => {
    let total: number;
    if (normType === Infinity) total = Math.max(...grads.map((g) => g.abs().max().item()));
    else total = grads.reduce((s, g) => s + g.abs().pow(normType).sum().item(), 0) ** (1 / normType);
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const g of grads) g.assign(g.mul(coef));
    return total;
  }));
}

/** Clamps every gradient element into [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  noGrad(() => scope(() => {
    for (const p of params) if (p.grad) p.grad.assign(p.grad.clamp(-clipValue, clipValue));
  }));
}
