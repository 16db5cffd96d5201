/**
 * Dynamic loss scaling for float16 training (torch.amp.GradScaler). float16 gradients below
 * ~6e-8 flush to zero, so the loss is multiplied by a large scale S before backward(), and
 * the optimizer uses the gradients times 1/S. When some gradient overflowed (inf/NaN) the
 * step is skipped and S halves; after `growthInterval` good steps in a row S doubles.
 *
 * Everything stays on the device: one sumSquares pass gives the unscaled gradients' squared
 * norm (inf/NaN when any element is), one ampUpdate kernel turns it into the optimizer's
 * gradScale [coef/S, skip, skipped so far] (optimizer.ts) and moves S — the training loop
 * never waits for a readback to decide whether to step. The same norm serves clipping by
 * norm (of the unscaled gradients, as PyTorch's unscale_ + clip_grad_norm_).
 *
 *   const scaler = new GradScaler();
 *   const loss = autocast(() => lossFn(model.forward(x), y));
 *   scaler.scale(loss).backward();
 *   scaler.step(opt);   // unscale, check, maybe skip, adjust S
 *   scaler.update();    // (a no-op, for PyTorch-shaped code)
 */
import { noGrad } from '../autograd/mode.ts';
import type { Backend } from '../backend/types.ts';
import { FlowgradError } from '../core/errors.ts';
import { keep, scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { fromValues } from '../ops/creation.ts';
import { runOptional, supports } from '../ops/op.ts';

/**
 * What step() needs of an optimizer (engine/optim's Optimizer fits): named structurally so
 * amp/, part of the tensor kernel, does not import optim/, which sits above it.
 */
export interface ScalableOptimizer {
  readonly params: readonly Tensor[];
  step(opts?: { gradScale?: Tensor }): void;
}

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
  /** [S], [good steps in a row, skipped steps], and the per-step [norm²] and gradScale [3], reused, on the device. */
  private s: { scale: Tensor; counts: Tensor; norm2: Tensor; gradScale: Tensor } | null = null;
  /** State from loadStateDict, used when the device tensors are created (the backend is known then). */
  private loaded: ScalerState | null = null;

  constructor(opts: GradScalerOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.opts = { initScale: opts.initScale ?? 2 ** 16, growthFactor: opts.growthFactor ?? 2, backoffFactor: opts.backoffFactor ?? 0.5, growthInterval: opts.growthInterval ?? 2000 };
    if (!(this.opts.initScale > 0) || !(this.opts.growthFactor > 1) || !(this.opts.backoffFactor > 0 && this.opts.backoffFactor < 1) || !(this.opts.growthInterval >= 1)) {
      throw new FlowgradError('bad-argument', 'GradScaler: needs initScale > 0, growthFactor > 1, 0 < backoffFactor < 1 and growthInterval ≥ 1');
    }
  }

  private state(be: Backend) {
    if (this.s && this.s.scale._storage.backend !== be) throw new FlowgradError('backend', 'GradScaler: used with tensors of two backends');
    if (!this.s && !(supports(be, 'sumSquares') && supports(be, 'ampUpdate'))) {
      throw new FlowgradError('unsupported', `GradScaler: backend '${be.name}' lacks the sumSquares and ampUpdate kernels`);
    }
    return (this.s ??= {
      scale: keep(fromValues([this.loaded?.scale ?? this.opts.initScale], [1], 'float32', { backend: be })),
      counts: keep(fromValues([this.loaded?.goodSteps ?? 0, this.loaded?.skippedSteps ?? 0], [2], 'float32', { backend: be })),
      norm2: keep(fromValues([0], [1], 'float32', { backend: be })),
      gradScale: keep(fromValues([1, 0, 0], [3], 'float32', { backend: be })),
    });
  }

  /** loss × S (a float32 loss; the result is what backward() is called on). */
  scale(loss: Tensor): Tensor {
    if (!this.enabled) return loss;
    return loss.mul(this.state(loss._storage.backend).scale);
  }

  /**
   * opt.step() on the unscaled (and optionally clipped) gradients, skipped on the device when
   * one of them is inf/NaN; the scale moves to the next step's value in the same pass (two or
   * three dispatches in all on WebGPU, whatever the parameter count). Call it where you would
   * call opt.step().
   */
  step(opt: ScalableOptimizer, clip: ScalerStepOptions = {}): void {
    const grads = opt.params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    if (grads.length === 0) return;
    if (!this.enabled) throw new FlowgradError('bad-argument', 'GradScaler.step: the scaler is disabled; call opt.step() (with clipping) directly');
    const be = grads[0]!._storage.backend;
    const st = this.state(be);
    noGrad(() => scope(() => {
      if (clip.clipGradValue) {
        // The gradients are still scaled: clamp into ±v·S.
        const bound = st.scale.mul(clip.clipGradValue);
        for (const g of grads) g.assign(g.minimum(bound).maximum(bound.neg()));
      }
      const f32 = grads.map((g) => (g.dtype === 'float32' ? g : g.float()));
      const { norm2, gradScale } = st;
      runOptional(be, 'sumSquares', { xs: f32.map((g) => g._storage.buf), scale: st.scale._storage.buf, out: norm2._storage.buf });
      runOptional(be, 'ampUpdate', {
        norm2: norm2._storage.buf, scale: st.scale._storage.buf, counts: st.counts._storage.buf, gradScale: gradScale._storage.buf,
        maxNorm: clip.clipGradNorm ?? 0, growthFactor: this.opts.growthFactor, backoffFactor: this.opts.backoffFactor, growthInterval: this.opts.growthInterval,
      });
      opt.step({ gradScale });
    }));
  }

  /**
   * PyTorch's GradScaler.update(). Here step() already moved the scale (on the device, in the
   * kernel that decided the step), so this does nothing; it is kept so code written for
   * PyTorch runs unchanged.
   */
  update(): void {}

  /** The current scale and the steps skipped so far (a readback: for display, not inside the step loop). */
  async read(): Promise<{ scale: number; skippedSteps: number }> {
    if (!this.s) return { scale: this.opts.initScale, skippedSteps: 0 };
    const [s, c] = await Promise.all([this.s.scale.data(), this.s.counts.data()]);
    return { scale: s[0]!, skippedSteps: c[1]! };
  }

  /** The scale and its counters (a readback; for checkpoints, as PyTorch's state_dict). */
  async stateDict(): Promise<ScalerState> {
    if (!this.s) return this.loaded ?? { scale: this.opts.initScale, goodSteps: 0, skippedSteps: 0 };
    const [s, c] = await Promise.all([this.s.scale.data(), this.s.counts.data()]);
    return { scale: s[0]!, goodSteps: c[0]!, skippedSteps: c[1]! };
  }

  /** Continues from stateDict(); call before the first step. */
  loadStateDict(st: ScalerState): void {
    if (!(st.scale > 0) || !(st.goodSteps >= 0) || !(st.skippedSteps >= 0)) throw new FlowgradError('bad-argument', 'GradScaler.loadStateDict: invalid state');
    if (this.s) throw new FlowgradError('bad-argument', 'GradScaler.loadStateDict: call it before the first step');
    this.loaded = { ...st };
  }

  dispose(): void {
    if (!this.s) return;
    for (const t of Object.values(this.s)) t.dispose();
    this.s = null;
  }
}

export interface ScalerState {
  scale: number;
  /** Steps without overflow since the scale last changed. */
  goodSteps: number;
  skippedSteps: number;
}
