/**
 * Synthetic handwritten-like digits, 28×28 grayscale, rendered procedurally (no download):
 * each digit is a few strokes (lines and arcs) in a unit box; every sample jitters the
 * stroke points, then scales, rotates, shears and shifts them, draws them with a random pen
 * width (anti-aliased distance to the strokes), and adds noise. Varied enough that a CNN
 * learns something real, simple enough to generate thousands in a blink.
 */
import { Rng } from '../core/rng.ts';

type Pt = [number, number];

function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, steps = 14): Pt[] {
  const out: Pt[] = [];
  for (let i = 0; i <= steps; i++) {
    const a = ((a0 + ((a1 - a0) * i) / steps) * Math.PI) / 180;
    out.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return out;
}

/** Strokes (polylines) per digit, in a unit box with y pointing down. */
const STROKES: Pt[][][] = [
  [arc(0.5, 0.5, 0.28, 0.4, 0, 360, 24)],
  [[[0.36, 0.24], [0.54, 0.1], [0.54, 0.9]]],
  [[...arc(0.5, 0.32, 0.27, 0.22, 200, 380), [0.2, 0.9], [0.82, 0.9]]],
  [[...arc(0.5, 0.3, 0.25, 0.2, 200, 450)], arc(0.5, 0.69, 0.28, 0.21, 270, 520)],
  [[[0.66, 0.9], [0.66, 0.1], [0.2, 0.64], [0.86, 0.64]]],
  [[[0.78, 0.1], [0.31, 0.1], [0.28, 0.45], ...arc(0.5, 0.65, 0.27, 0.24, 222, 515)]],
  [[[0.72, 0.13], [0.5, 0.12], [0.33, 0.25], [0.27, 0.45], [0.26, 0.66]], arc(0.5, 0.66, 0.24, 0.22, 0, 360, 20)],
  [[[0.2, 0.1], [0.82, 0.1], [0.42, 0.9]]],
  [arc(0.5, 0.29, 0.2, 0.19, 0, 360, 18), arc(0.5, 0.7, 0.24, 0.21, 0, 360, 20)],
  [arc(0.5, 0.34, 0.24, 0.22, 0, 360, 20), [[0.74, 0.34], [0.72, 0.6], [0.6, 0.9]]],
];

export const DIGIT_SIDE = 28;

/** Draws one digit into out[off .. off+784) as values in 0–1. */
export function drawDigit(digit: number, rng: Rng, noise: number, out: Float32Array, off: number): void {
  const S = DIGIT_SIDE;
  const scale = 19 * rng.uniform(0.78, 1.05);
  const aspect = rng.uniform(0.8, 1.15);
  const rot = rng.uniform(-0.22, 0.22);
  const shear = rng.uniform(-0.25, 0.25);
  const dx = S / 2 + rng.uniform(-2.5, 2.5);
  const dy = S / 2 + rng.uniform(-2.5, 2.5);
  const pen = rng.uniform(1.7, 3.0);
  const ink = rng.uniform(0.75, 1);
  const cos = Math.cos(rot), sin = Math.sin(rot);
  const jit = 0.035;
  const segs: number[] = [];
  for (const stroke of STROKES[digit]) {
    // One smooth wobble per stroke plus a little per-point jitter.
    const wx = rng.uniform(-jit, jit), wy = rng.uniform(-jit, jit);
    let prev: Pt | null = null;
    for (const [px, py] of stroke) {
      let u = (px - 0.5 + wx + rng.uniform(-jit / 3, jit / 3)) * aspect;
      const v = py - 0.5 + wy + rng.uniform(-jit / 3, jit / 3);
      u += shear * v;
      const p: Pt = [dx + scale * (cos * u - sin * v), dy + scale * (sin * u + cos * v)];
      if (prev) segs.push(prev[0], prev[1], p[0], p[1]);
      prev = p;
    }
  }
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const qx = x + 0.5, qy = y + 0.5;
      let best = Infinity;
      for (let s = 0; s < segs.length; s += 4) {
        const ax = segs[s], ay = segs[s + 1], bx = segs[s + 2], by = segs[s + 3];
        const ex = bx - ax, ey = by - ay;
        const len2 = ex * ex + ey * ey;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((qx - ax) * ex + (qy - ay) * ey) / len2)) : 0;
        const ddx = qx - ax - t * ex, ddy = qy - ay - t * ey;
        const d2 = ddx * ddx + ddy * ddy;
        if (d2 < best) best = d2;
      }
      const v = Math.max(0, Math.min(1, pen / 2 + 0.5 - Math.sqrt(best))) * ink + (noise > 0 ? noise * rng.normal() * 0.5 : 0);
      out[off + y * S + x] = Math.max(0, Math.min(1, v));
    }
  }
}

/** `samples` digits, classes balanced and shuffled: x [n × 1 × 28 × 28] in 0–1, y the digit. */
export function makeDigits(samples: number, noise: number, seed: number): { x: Float32Array; y: Int32Array } {
  const n = Math.max(10, Math.floor(samples));
  const rng = new Rng(seed);
  const x = new Float32Array(n * DIGIT_SIDE * DIGIT_SIDE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 10;
  rng.shuffle(y);
  for (let i = 0; i < n; i++) drawDigit(y[i], rng, noise, x, i * DIGIT_SIDE * DIGIT_SIDE);
  return { x, y };
}
