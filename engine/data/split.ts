/**
 * Seeded train/validation split of an in-memory classification dataset, stratified by class
 * so a small validation set still sees every class in proportion.
 */
import { Rng } from '../core/rng.ts';
import type { ArrayDataset } from '../project/dataTypes.ts';

export type { ArrayDataset } from '../project/dataTypes.ts';

function take(d: ArrayDataset, idx: number[]): ArrayDataset {
  const x = new Float32Array(idx.length * d.features);
  const ySize = d.y.length / d.rows;
  const y = d.y instanceof Int32Array ? new Int32Array(idx.length * ySize) : new Float32Array(idx.length * ySize);
  idx.forEach((r, i) => {
    x.set(d.x.subarray(r * d.features, (r + 1) * d.features), i * d.features);
    y.set(d.y.subarray(r * ySize, (r + 1) * ySize), i * ySize);
  });
  return { x, y, rows: idx.length, features: d.features, ...(d.sampleShape ? { sampleShape: d.sampleShape } : {}) };
}

export function splitDataset(d: ArrayDataset, valFraction: number, seed: number): { train: ArrayDataset; val: ArrayDataset | null } {
  if (valFraction <= 0 || d.rows < 4) return { train: d, val: null };
  const rng = new Rng(seed ^ 0x5eed);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < d.rows; r++) {
    // Stratified by class when each row has one label (per-token labels: one group).
    const key = d.y instanceof Int32Array && d.y.length === d.rows ? d.y[r] : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  for (const g of groups.values()) {
    const order = rng.shuffle(Int32Array.from(g));
    const nVal = Math.round(order.length * valFraction);
    order.forEach((r, i) => (i < nVal ? valIdx : trainIdx).push(r));
  }
  if (valIdx.length === 0 || trainIdx.length === 0) return { train: d, val: null };
  return { train: take(d, trainIdx), val: take(d, valIdx) };
}
