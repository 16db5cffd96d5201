/**
 * Generated numeric sequences for recurrent models ([length, 1] per sample, no download):
 * noisy series that rise (class 1) or fall (class 0) overall, the start and slope drawn per
 * sample. The class shows only across many steps, so a model must read the whole sequence.
 */
import { Rng } from '../core/rng.ts';
import type { ArrayDataset } from '../project/dataTypes.ts';

export const SEQUENCE_LENGTH = 20;

/** `rows` sequences of `length` steps; `noise` is the standard deviation added to each step. */
export function trendSequences(rows: number, seed: number, length = SEQUENCE_LENGTH, noise = 0.3): ArrayDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * length);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 2;
    y[r] = c;
    const slope = ((c === 1 ? 1 : -1) * (0.5 + rng.next())) / length;
    const start = rng.normal() * 0.5;
    for (let i = 0; i < length; i++) x[r * length + i] = start + slope * i * 3 + noise * rng.normal();
  }
  return { x, y, rows, features: length, sampleShape: [length, 1] };
}
