/**
 * The current run's curves, as growing arrays in uPlot's column layout: per step the training
 * loss, accuracy and learning rate; once per epoch the validation loss and accuracy (written
 * at that epoch's last step, null elsewhere — the charts span the gaps). Kept out of React
 * state on purpose: events append here at up to 20 batches/s and the charts redraw at most
 * once per animation frame, so long runs never copy big arrays per event.
 */
export interface Series {
  /** x: training step. */
  step: number[];
  loss: (number | null)[];
  /** Training accuracy in percent. */
  accuracy: (number | null)[];
  valLoss: (number | null)[];
  /** Validation accuracy in percent. */
  valAccuracy: (number | null)[];
  lr: (number | null)[];
}

export const series: Series = { step: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [] };

export function resetSeries(): void {
  series.step = [];
  series.loss = [];
  series.accuracy = [];
  series.valLoss = [];
  series.valAccuracy = [];
  series.lr = [];
}

const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);
const pct = (v: number | undefined): number | null => {
  const a = finite(v);
  return a === null ? null : a * 100;
};

export function pushPoint(step: number, loss: number, accuracy: number | undefined, lr?: number): void {
  series.step.push(step);
  series.loss.push(finite(loss));
  series.accuracy.push(pct(accuracy));
  series.valLoss.push(null);
  series.valAccuracy.push(null);
  series.lr.push(finite(lr));
}

/** Validation metrics at the end of an epoch (on its last step's row). */
export function pushEpoch(step: number, valLoss: number | undefined, valAccuracy: number | undefined): void {
  if (valLoss === undefined && valAccuracy === undefined) return;
  const last = series.step.length - 1;
  if (last < 0 || series.step[last] !== step) {
    series.step.push(step);
    series.loss.push(null);
    series.accuracy.push(null);
    series.lr.push(null);
    series.valLoss.push(finite(valLoss));
    series.valAccuracy.push(pct(valAccuracy));
    return;
  }
  series.valLoss[last] = finite(valLoss);
  series.valAccuracy[last] = pct(valAccuracy);
}
