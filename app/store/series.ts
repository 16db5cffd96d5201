/**
 * Loss and accuracy history of the current run, as growing arrays in uPlot's column layout.
 * Kept out of React state on purpose: events append here at up to 20 batches/s and the chart
 * redraws at most once per animation frame, so long runs never copy big arrays per event.
 */
export interface Series {
  /** x: training step. */
  step: number[];
  loss: (number | null)[];
  /** Training accuracy in percent. */
  accuracy: (number | null)[];
}

export const series: Series = { step: [], loss: [], accuracy: [] };

export function resetSeries(): void {
  series.step = [];
  series.loss = [];
  series.accuracy = [];
}

const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

export function pushPoint(step: number, loss: number, accuracy: number | undefined): void {
  series.step.push(step);
  series.loss.push(finite(loss));
  const a = finite(accuracy);
  series.accuracy.push(a === null ? null : a * 100);
}
