/**
 * Built-in generated 2-D classification datasets (as in TensorFlow Playground): spirals,
 * circles, XOR and moons. Seeded, so a dataset is fully described by (name, samples, noise,
 * seed) and can be regenerated anywhere instead of being stored or transferred.
 *
 * Pure (no tensors): the app imports it for the scatter preview.
 */
import { Rng } from '../core/rng.ts';
import type { Builtin2DName } from '../project/config.ts';

export { BUILTIN_2D, type Builtin2DName } from '../project/config.ts';

export interface Dataset2D {
  /** Points, row-major [samples × 2]. */
  x: Float32Array;
  /** Class index of each point. */
  y: Int32Array;
  classes: number;
  /** [xMin, xMax, yMin, yMax]: the square the points live in (for plots and boundaries). */
  extent: [number, number, number, number];
}

export interface Builtin2DOptions {
  samples: number;
  /** Standard deviation of the Gaussian noise added to each coordinate, in data units. */
  noise: number;
  seed: number;
}

type Gen = (i: number, n: number, rng: Rng) => [number, number, number];

const generators: Record<Builtin2DName, Gen> = {
  // Two interleaved spiral arms, 1.75 turns each.
  spirals(i, n, rng) {
    const cls = i % 2;
    const t = (Math.floor(i / 2) / Math.max(1, Math.ceil(n / 2))) * 1.75 * 2 * Math.PI + rng.uniform(0, 0.05);
    const r = (t / (3.5 * Math.PI)) * 4.5 + 0.3;
    const a = t + cls * Math.PI;
    return [r * Math.sin(a), r * Math.cos(a), cls];
  },
  // Inner disc (class 0) inside a ring (class 1).
  circles(i, _n, rng) {
    const cls = i % 2;
    const r = cls === 0 ? rng.uniform(0, 2) : rng.uniform(3.2, 4.8);
    const a = rng.uniform(0, 2 * Math.PI);
    return [r * Math.sin(a), r * Math.cos(a), cls];
  },
  // Class is whether x and y have the same sign; a margin keeps the quadrants apart.
  xor(_i, _n, rng) {
    const pad = 0.3;
    let x = rng.uniform(-5, 5);
    let y = rng.uniform(-5, 5);
    x += x > 0 ? pad : -pad;
    y += y > 0 ? pad : -pad;
    return [x, y, x * y >= 0 ? 0 : 1];
  },
  // Two interleaving half circles, scaled to the same extent as the others.
  moons(i, _n, rng) {
    const cls = i % 2;
    const a = rng.uniform(0, Math.PI);
    const x = cls === 0 ? Math.cos(a) : 1 - Math.cos(a);
    const y = cls === 0 ? Math.sin(a) : 0.5 - Math.sin(a);
    return [(x - 0.5) * 3.5, (y - 0.25) * 3.5, cls];
  },
};

/** What every built-in 2-D dataset looks like to a model: 2 features, 2 classes. */
export const BUILTIN_2D_SIGNATURE = { sampleShape: [2], classes: 2 };

export function makeBuiltin2D(name: Builtin2DName, opts: Builtin2DOptions): Dataset2D {
  const gen = generators[name];
  if (!gen) throw new Error(`unknown built-in dataset '${name}'`);
  const n = Math.max(2, Math.floor(opts.samples));
  const rng = new Rng(opts.seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [px, py, c] = gen(i, n, rng);
    x[2 * i] = px + opts.noise * rng.normal();
    x[2 * i + 1] = py + opts.noise * rng.normal();
    y[i] = c;
  }
  return { x, y, classes: 2, extent: [-6, 6, -6, 6] };
}
