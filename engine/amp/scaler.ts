/**
 * Dynamic loss scaling for float16 training (torch.amp.GradScaler). float16 gradients below
 * ~6e-8 flush to zero, so the loss is multiplied by a large scale S before backward(), and
 * the optimizer uses the gradients times 1/S. When some gradient overflowed (inf/NaN) the
 * step is skipped and S halves; after `growthInterval` good steps in a row S doubles.
 *
 * Everything stays on the device: the overflow check is one norm over all gradients, and the
 * optimizer receives the gradScale tensor [1/S·clip, skip, skipped so far] (optimizer.ts) —
 * the training loop never waits for a readback to decide whether to step. The same norm
 * serves gradient clipping by norm (on the unscaled gradients, as PyTorch's
 * unscale_ + clip_grad_norm_).
 *
 *   const scaler = new GradScaler();
 *   const loss = autocast(() => lossFn(model.forward(x), y));
 *   scaler.scale(loss).backward();
 *   scaler.step(opt);   // unscale, check, maybe skip
 *   scaler.update();    // adjust S
 */
import { noGrad } from '../autograd/mode.ts';
import type { Backend } from '../backend/types.ts';
import { FlowgradError } from '../core/errors.ts';
import { keep, scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { fromValues } from '../ops/creation.ts';
import { concat } from '../ops/shape.ts';
import type { Optimizer } from '../optim/optimizer.ts';

export interface GradScalerOptions {
  /** Starting scale (PyTorch: 2^16). */
  initScale?: number;
  growthFactor?: number;
  backoffFactor?: number;
  /** Good steps in a row before the scale grows. */
  growthInterval?: number;
  /** false: scale() and step() do nothing special (a config switch). */
  enabled?: boolean;
}

export interface ScalerStepOptions {
  /** Clip the unscaled gradients' joint 2-norm to this (clip_grad_norm_). */
  clipGradNorm?: number;
  /** Clamp the unscaled gradients into ±this (clip_grad_value_). */
  clipGradValue?: number;
}

export class GradScaler {
  readonly enabled: boolean;
  private readonly opts: Required<Omit<GradScalerOptions, 'enabled'>>;
  /** [S], [good steps in a row], [skipped steps], [last step overflowed] on the device. */
  private s: { scale: Tensor; tracker: Tensor; skipped: Tensor; found: Tensor } | null = null;

  constructor(opts: GradScalerOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.opts = { initScale: opts.initScale ?? 2 ** 16, growthFactor: opts.growthFactor ?? 2, backoffFactor: opts.backoffFactor ?? 0.5, growthInterval: opts.growthInterval ?? 2000 };
    if (!(this.opts.initScale > 0) || !(this.opts.growthFactor > 1) || !(this.opts.backoffFactor > 0 && this.opts.backoffFactor < 1) || !(this.opts.growthInterval >= 1)) {
      throw new FlowgradError('bad-argument', 'GradScaler: needs initScale > 0, growthFactor > 1, 0 < backoffFactor < 1 and growthInterval ≥ 1');
    }
  }

  private state(be: Backend) {
    if (this.s && this.s.scale._storage.backend !== be) throw new FlowgradError('backend', 'GradScaler: used with tensors of two backends');
    const one = (v: number) => keep(fromValues([v], [1], 'float32', { backend: be }));
    return (this.s ??= { scale: one(this.opts.initScale), tracker: one(0), skipped: one(0), found: one(0) });
  }

  /** loss × S (a float32 loss; the result is what backward() is called on). */
  scale(loss: Tensor): Tensor {
    if (!this.enabled) return loss;
    return loss.mul(this.state(loss._storage.backend).scale);
  }

  /**
   * opt.step() on the unscaled (and optionally clipped) gradients, skipped on the device when
   * one of them is inf/NaN. Call it where you would call opt.step(), then update().
   */
  step(opt: Optimizer, clip: ScalerStepOptions = {}): void {
    const grads = opt.params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    if (grads.length === 0) return;
    if (!this.enabled) throw new FlowgradError('bad-argument', 'GradScaler.step: the scaler is disabled; call opt.step() (with clipping) directly');
    const st = this.state(grads[0]!._storage.backend);
    noGrad(() => scope(() => {
      if (clip.clipGradValue) {
        // The gradients are still scaled: clamp into ±v·S.
        const bound = st.scale.mul(clip.clipGradValue);
        for (const g of grads) g.assign(g.minimum(bound).maximum(bound.neg()));
      }
      const inv = st.scale.reciprocal();
      // The unscaled gradients' squared norm (scaled ones could overflow it on their own). Any
      // inf/NaN element makes it non-finite: one test covers every gradient.
      const norm2 = grads.map((g) => g.mul(inv).square().sum()).reduce((a, b) => a.add(b)).reshape([1]);
      const found = norm2.isFinite().logicalNot().float();
      let mult = inv;
      if (clip.clipGradNorm) mult = mult.mul(norm2.sqrt().add(1e-6).reciprocal().mul(clip.clipGradNorm).clamp(null, 1));
      opt.step({ gradScale: concat([mult, found, st.skipped]) });
      st.found.assign(found);
    }));
  }

  /** Adjusts S after a step: ×backoff after an overflow, ×growth after growthInterval good steps. */
  update(): void {
    const st = this.s;
    if (!this.enabled || !st) return;
    noGrad(() => scope(() => {
      const { growthFactor, backoffFactor, growthInterval } = this.opts;
      const bad = st.found.gt(0);
      const next = st.tracker.add(1);
      const grow = next.ge(growthInterval);
      st.scale.assign(st.scale.mul(backoffFactor).where(bad, st.scale.mul(growthFactor).where(grow, st.scale)));
      const zero = next.mul(0);
      st.tracker.assign(zero.where(bad, zero.where(grow, next)));
      st.skipped.assign(st.skipped.add(st.found));
    }));
  }

  /** The current scale and the steps skipped so far (a readback: for display, not inside the step loop). */
  async read(): Promise<{ scale: number; skippedSteps: number }> {
    if (!this.s) return { scale: this.opts.initScale, skippedSteps: 0 };
    const [s, k] = await Promise.all([this.s.scale.data(), this.s.skipped.data()]);
    return { scale: s[0]!, skippedSteps: k[0]! };
  }

  dispose(): void {
    if (!this.s) return;
    for (const t of Object.values(this.s)) t.dispose();
    this.s = null;
  }
}
