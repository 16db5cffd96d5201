/**
 * Small seeded generators for the templates that no built-in dataset fits yet (token
 * sequences, numeric sequences, images as their own targets). Plain arrays in the
 * ArrayDataset layout the training loop takes; pure, like the rest of engine/templates.
 */
import { Rng } from '../core/rng.ts';
import type { ArrayDataset } from '../data/split.ts';

export { trendSequences } from '../data/sequences.ts';

/**
 * Token sequences of `length` ids in [0, vocab): filler tokens 3..vocab−1, plus one to three
 * copies of a marker — token 1 for class 1, token 2 for class 0 — at random positions.
 */
export function tokenSequences(rows: number, seed: number, length = 16, vocab = 20): ArrayDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * length);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % 2;
    y[r] = c;
    for (let i = 0; i < length; i++) x[r * length + i] = 3 + rng.int(vocab - 3);
    const marks = 1 + rng.int(3);
    for (let k = 0; k < marks; k++) x[r * length + rng.int(length)] = c === 1 ? 1 : 2;
  }
  return { x, y, rows, features: length, sampleShape: [length] };
}

/** An image dataset whose targets are its inputs (for autoencoders). */
export function asOwnTargets(d: ArrayDataset): ArrayDataset {
  return { ...d, y: Float32Array.from(d.x) };
}
