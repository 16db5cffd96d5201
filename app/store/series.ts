/**
 * The current run's curves, as growing arrays in uPlot's column layout: per step the training
 * loss, accuracy and learning rate; once per epoch the validation loss and accuracy (written
 * at that epoch's last step, null elsewhere — the charts span the gaps). Kept out of React
 * state on purpose: events append here at up to ~12 batches/s (one per 80 ms) and the charts redraw at most
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

/** Rows kept before older history is thinned 2:1 (bounds memory and per-event work on long runs). */
export const SERIES_CAP = 40_000;

/** Keeps every other row (and the last), carrying sparse validation values so none is lost. */
export function compact(): void {
  const n = series.step.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i += 2) keep.push(i); // row 0 stays: the run's first loss
  if (keep[keep.length - 1] !== n - 1) keep.push(n - 1);
  // A validation value on a dropped odd row moves to the kept row just before it.
  const dense = (a: (number | null)[]) => keep.map((i) => a[i] ?? null);
  const sparse = (a: (number | null)[]) => keep.map((i) => a[i] ?? (i + 1 < n - 1 ? a[i + 1] : null) ?? null);
  series.step = keep.map((i) => series.step[i]!);
  series.loss = dense(series.loss);
  series.accuracy = dense(series.accuracy);
  series.lr = dense(series.lr);
  series.valLoss = sparse(series.valLoss);
  series.valAccuracy = sparse(series.valAccuracy);
}

export function pushPoint(step: number, loss: number, accuracy: number | undefined, lr?: number): void {
  if (series.step.length >= SERIES_CAP) compact();
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

/** Columns as the charts draw them: the series thinned to at most `max` rows (every k-th, keeping the last). */
export type ChartColumns = Series;

let thinned: { n: number; src: Series['step']; cols: ChartColumns } | null = null;

/**
 * The current run's curves thinned for drawing: a chart is a few hundred pixels wide, so
 * redrawing tens of thousands of points 20 times a second is wasted work on the main thread.
 * Sparse columns (validation, once per epoch) keep the latest value seen in each bucket, so
 * they never vanish. Cached until the series grows.
 */
export function chartColumns(max = 2000): ChartColumns {
  const n = series.step.length;
  if (n <= max) return series;
  if (thinned && thinned.n === n && thinned.src === series.step) return thinned.cols;
  const k = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = k - 1; i < n; i += k) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  const dense = (a: (number | null)[]) => idx.map((i) => a[i] ?? null);
  const sparse = (a: (number | null)[]) =>
    idx.map((i, j) => {
      const from = j === 0 ? 0 : idx[j - 1]! + 1;
      for (let t = i; t >= from; t--) if (a[t] != null) return a[t]!;
      return null;
    });
  const cols: ChartColumns = {
    step: idx.map((i) => series.step[i]!),
    loss: dense(series.loss),
    accuracy: dense(series.accuracy),
    valLoss: sparse(series.valLoss),
    valAccuracy: sparse(series.valAccuracy),
    lr: dense(series.lr),
  };
  thinned = { n, src: series.step, cols };
  return cols;
}
