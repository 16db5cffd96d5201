/**
 * Weight and gradient histograms as a callback: at each epoch end, while the last step's
 * gradients are still on the parameters (the next step's zeroGrad drops them), reads them in
 * one transfer (engine/train/histograms.ts) and keeps them for whoever reports the epoch —
 * the session's event emitter, which runs after it. Gradients are unscaled under mixed precision.
 */
import { parameterHistograms, type EpochHistograms } from '../histograms.ts';
import type { EpochReport, FitContext, TrainCallback } from './types.ts';

export class HistogramRecorder implements TrainCallback {
  /** The histograms of the epoch that ended last (null before the first). */
  latest: EpochHistograms | null = null;

  constructor(private readonly bins: number) {}

  async onEpochEnd(r: EpochReport, _control: { stop(): void }, ctx: FitContext): Promise<void> {
    this.latest = await parameterHistograms(ctx.model, { bins: this.bins, gradMultiplier: r.lossScale ? 1 / r.lossScale.scale : 1 });
  }
}
