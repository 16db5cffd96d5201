/**
 * Seeded, stratified train/validation/test split (each class split in the same proportions,
 * so small classes still appear in every part), gathering rows into ArrayDatasets, and
 * normalisation statistics computed on the training rows only, then applied to every part.
 */
import { Rng } from '../core/rng.ts';
import { classShares } from '../project/dataPlan.ts';
import type { ArrayDataset, NormalizeMode, NormStats } from '../project/dataTypes.ts';

export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/** Row indices of each part; `labels` (class per row) stratifies, null splits at random. */
export function stratifiedSplit(rows: number, labels: Int32Array | null, valFraction: number, testFraction: number, seed: number): SplitIndices {
  const rng = new Rng((seed ^ 0x5eed) >>> 0);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const key = labels ? labels[r] : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const tr: number[] = [], va: number[] = [], te: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const order = rng.shuffle(Int32Array.from(groups.get(key)!));
    // The panels show these sizes before splitting: one rule for both (plan.ts).
    const { val: nVal, test: nTest } = classShares(order.length, valFraction, testFraction);
    order.forEach((r, i) => (i < nTest ? te : i < nTest + nVal ? va : tr).push(r));
  }
  const sorted = (a: number[]) => rng.shuffle(Int32Array.from(a));
  return { train: sorted(tr), val: sorted(va), test: sorted(te) };
}

/** The rows `idx` of row-major x [rows × features] and y [rows × ySize]. */
export function gather(x: Float32Array, y: Int32Array | Float32Array, features: number, idx: Int32Array): ArrayDataset {
  const rows = idx.length;
  const ySize = y.length / Math.max(1, x.length / Math.max(1, features));
  const xo = new Float32Array(rows * features);
  const yo = y instanceof Int32Array ? new Int32Array(rows * ySize) : new Float32Array(rows * ySize);
  for (let i = 0; i < rows; i++) {
    const r = idx[i];
    xo.set(x.subarray(r * features, (r + 1) * features), i * features);
    if (ySize === 1) yo[i] = y[r];
    else yo.set(y.subarray(r * ySize, (r + 1) * ySize), i * ySize);
  }
  return { x: xo, y: yo, rows, features };
}

/**
 * Per-group statistics over the training rows. `groupOf[f]` maps feature f to its group
 * (a feature itself for tables, a channel for images; -1: left alone, e.g. one-hot columns).
 */
export function computeStats(train: ArrayDataset, mode: NormalizeMode, groupOf: Int32Array, groups: number): NormStats {
  const shift = new Float32Array(groups);
  const scale = new Float32Array(groups).fill(1);
  if (mode === 'none' || train.rows === 0) return { mode, shift, scale };
  const n = new Float64Array(groups), sum = new Float64Array(groups), sq = new Float64Array(groups);
  const lo = new Float64Array(groups).fill(Infinity), hi = new Float64Array(groups).fill(-Infinity);
  const f = train.features;
  for (let r = 0; r < train.rows; r++) {
    for (let j = 0; j < f; j++) {
      const g = groupOf[j];
      if (g < 0) continue;
      const v = train.x[r * f + j];
      if (Number.isNaN(v)) continue;
      n[g]++;
      sum[g] += v;
      sq[g] += v * v;
      if (v < lo[g]) lo[g] = v;
      if (v > hi[g]) hi[g] = v;
    }
  }
  for (let g = 0; g < groups; g++) {
    if (n[g] === 0) continue;
    const mean = sum[g] / n[g];
    if (mode === 'standardize') {
      const sd = Math.sqrt(Math.max(0, sq[g] / n[g] - mean * mean));
      shift[g] = mean;
      scale[g] = sd > 1e-8 ? sd : 1;
    } else {
      shift[g] = lo[g];
      scale[g] = hi[g] - lo[g] > 1e-8 ? hi[g] - lo[g] : 1;
    }
  }
  return { mode, shift, scale };
}

/** Applies stats in place: x = (x − shift[g]) / scale[g]. */
export function applyStats(d: ArrayDataset, stats: NormStats, groupOf: Int32Array): void {
  if (stats.mode === 'none') return;
  const f = d.features;
  for (let r = 0; r < d.rows; r++) {
    for (let j = 0; j < f; j++) {
      const g = groupOf[j];
      if (g >= 0) d.x[r * f + j] = (d.x[r * f + j] - stats.shift[g]) / stats.scale[g];
    }
  }
}
