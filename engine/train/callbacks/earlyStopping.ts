/**
 * Early stopping (TrainConfig.earlyStopping): ends the run once `patience` epochs in a row
 * did not improve the monitored loss (validation, else training; by more than minDelta —
 * the loop's `best` flag already applies it).
 */
import type { EpochReport, TrainCallback } from './types.ts';

export class EarlyStopping implements TrainCallback {
  /** `sinceBest`: epochs without improvement already counted (a resumed run goes on counting). */
  constructor(private readonly patience: number, private sinceBest = 0) {}

  onEpochEnd(r: EpochReport, control: { stop(): void }): void {
    this.sinceBest = r.best ? 0 : this.sinceBest + 1;
    if (this.sinceBest >= this.patience) control.stop();
  }
}
