/**
 * Keep-best (TrainConfig.keepBest): copies the weights of each epoch that improves the
 * monitored loss (a device clone, no readback) and puts the best back when the run ends —
 * unless it diverged, where the NaN guard already put back the last good weights.
 */
import { WeightSnapshot } from '../snapshot.ts';
import type { EpochReport, FitContext, FitResult, TrainCallback } from './types.ts';

export class KeepBest implements TrainCallback {
  private best: { epoch: number; weights: WeightSnapshot } | null = null;

  onEpochEnd(r: EpochReport, _control: { stop(): void }, ctx: FitContext): void {
    if (!r.best) return;
    this.best?.weights.dispose();
    this.best = { epoch: r.epoch, weights: WeightSnapshot.of(ctx.model) };
  }

  onTrainEnd(r: FitResult, ctx: FitContext): void {
    if (!this.best || r.reason === 'diverged') return;
    this.best.weights.restore(ctx.model);
    r.restoredEpoch = this.best.epoch;
  }

  dispose(): void {
    this.best?.weights.dispose();
    this.best = null;
  }
}
