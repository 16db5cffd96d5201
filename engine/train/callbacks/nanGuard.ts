/**
 * The NaN/Inf guard: ends a run whose loss or gradients stop being finite, and puts back the
 * last weights known to be good, so a run never "completes" with NaN weights (issue #11).
 *
 * Cheap on every backend: after backward, one fused sumSquares pass over all gradients gives a
 * scalar that is finite exactly when every gradient element is (a NaN or ±Inf anywhere makes
 * the sum non-finite); the loop reads it back in the same transfer as the step's loss, so no
 * step waits for it. Mixed precision skips the gradient check: there, overflowing gradients
 * are normal and the GradScaler already skips those steps on the device.
 *
 * Which weights are good: the loop reads back every `readEvery` steps; at each read the guard
 * copies the weights (a device clone) as a candidate, confirmed good once the next step's
 * first loss — computed with exactly those weights — is finite. A bad gradient at step s was
 * computed from the weights before s, so a finite loss there still confirms them.
 */
import { noGrad } from '../../autograd/mode.ts';
import { scope } from '../../core/memory.ts';
import type { Tensor } from '../../core/tensor.ts';
import { zeros } from '../../ops/creation.ts';
import { runOptional, supports } from '../../ops/op.ts';
import { WeightSnapshot } from '../snapshot.ts';
import type { FitContext, StepRead, TrainCallback } from './types.ts';

/** Σ g² over every gradient as a [1] tensor (one fused pass where the backend has sumSquares); null without gradients. */
export function gradientSquareSum(params: readonly Tensor[]): Tensor | null {
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return null;
  const be = grads[0]!._storage.backend;
  return noGrad(() => scope(() => {
    if (supports(be, 'sumSquares') && grads.every((g) => g.dtype === 'float32' && g._storage.backend === be)) {
      const out = zeros([1], { backend: be.name });
      runOptional(be, 'sumSquares', { xs: grads.map((g) => g._storage.buf), scale: null, out: out._storage.buf });
      return out;
    }
    return grads.map((g) => g.float().square().sum()).reduce((a, b) => a.add(b)).reshape([1]);
  }));
}

export class NanGuard implements TrainCallback {
  /** Weights confirmed good, and the step they are from (0: the start). */
  private good: { weights: WeightSnapshot; step: number } | null = null;
  /** Weights taken at the last read, not yet confirmed. */
  private candidate: { weights: WeightSnapshot; step: number } | null = null;

  onTrainStart(ctx: FitContext): void {
    this.good = { weights: WeightSnapshot.of(ctx.model), step: 0 };
  }

  probe(ctx: FitContext): Tensor | null {
    return ctx.mixedPrecision ? null : gradientSquareSum(ctx.optimizer.params);
  }

  onReadback(reads: readonly StepRead[], ctx: FitContext): number | void {
    if (reads.length === 0) return;
    const firstFinite = Number.isFinite(reads[0]!.losses[0]);
    const bad = reads.findIndex((r) => !r.losses.every(Number.isFinite) || (r.probe !== null && !Number.isFinite(r.probe)));
    if (bad >= 0) {
      const kept = this.candidate && firstFinite ? this.candidate : this.good!;
      kept.weights.restore(ctx.model);
      const r = reads[bad]!;
      const what = r.losses.every(Number.isFinite)
        ? `the gradients became ${Number.isNaN(r.probe) ? 'NaN' : 'infinite'} while the loss was still finite (${r.losses.at(-1)!.toPrecision(4)})`
        : 'the loss became NaN or infinite';
      const from = kept.step === 0 ? 'the weights the run started from were kept' : `the weights after step ${kept.step} (the last known good ones) were kept`;
      ctx.diverge(`Training diverged at step ${r.step} (epoch ${r.epoch}): ${what}; ${from} — check the data for NaN/Inf values, or try a lower learning rate.`);
      return bad;
    }
    if (this.candidate && firstFinite) {
      this.good!.weights.dispose();
      this.good = this.candidate;
    } else {
      this.candidate?.weights.dispose();
    }
    this.candidate = { weights: WeightSnapshot.of(ctx.model), step: reads.at(-1)!.step };
  }

  dispose(): void {
    this.good?.weights.dispose();
    this.candidate?.weights.dispose();
    this.good = this.candidate = null;
  }
}
