/**
 * Random image augmentation for training batches, seeded: mirror, shift (crop with padding),
 * rotation, brightness, contrast and Gaussian noise. Works in place on channels-first floats
 * that may already be normalised: `stats` tells what a raw 0 is (the fill for uncovered
 * pixels) and how large one raw unit is, so the strengths mean the same on any data. Pure:
 * the data panel uses it for its live preview too.
 */
import { Rng } from '../core/rng.ts';
import type { AugmentConfig, NormStats } from '../project/dataTypes.ts';

/** One sample [C,H,W] at `off`, transformed in place (scratch: ≥ C·H·W floats). */
export function augmentSample(x: Float32Array, off: number, shape: readonly number[], cfg: AugmentConfig, stats: NormStats | null, rng: Rng, scratch: Float32Array): void {
  const [C, H, W] = shape.length === 3 ? shape : [1, 1, shape[0]];
  const plane = H * W;
  const unit = (c: number) => (stats && stats.mode !== 'none' ? 1 / (stats.scale[c] ?? stats.scale[0] ?? 1) : 1);
  const zero = (c: number) => (stats && stats.mode !== 'none' ? -(stats.shift[c] ?? stats.shift[0] ?? 0) * unit(c) : 0);
  const flip = cfg.flip && rng.next() < 0.5;
  const tx = cfg.cropPadding > 0 ? rng.int(2 * cfg.cropPadding + 1) - cfg.cropPadding : 0;
  const ty = cfg.cropPadding > 0 ? rng.int(2 * cfg.cropPadding + 1) - cfg.cropPadding : 0;
  const angle = cfg.rotation > 0 ? (rng.uniform(-cfg.rotation, cfg.rotation) * Math.PI) / 180 : 0;
  if (H > 1 && (flip || tx !== 0 || ty !== 0 || angle !== 0)) {
    const cos = Math.cos(angle), sin = Math.sin(angle);
    const cx = (W - 1) / 2, cy = (H - 1) / 2;
    scratch.set(x.subarray(off, off + C * plane));
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        let u = xx - cx;
        const v = y - cy;
        if (flip) u = -u;
        const sx = cos * u + sin * v + cx - tx;
        const sy = -sin * u + cos * v + cy - ty;
        const x0 = Math.floor(sx), y0 = Math.floor(sy);
        const fx = sx - x0, fy = sy - y0;
        for (let c = 0; c < C; c++) {
          const z = zero(c);
          const at = (px: number, py: number) => (px < 0 || py < 0 || px >= W || py >= H ? z : scratch[c * plane + py * W + px]);
          const val = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
          x[off + c * plane + y * W + xx] = val;
        }
      }
    }
  }
  const bright = cfg.brightness > 0 ? rng.uniform(-cfg.brightness, cfg.brightness) : 0;
  const contrast = cfg.contrast > 0 ? 1 + rng.uniform(-cfg.contrast, cfg.contrast) : 1;
  if (bright !== 0 || contrast !== 1 || cfg.noise > 0) {
    for (let c = 0; c < C; c++) {
      const base = off + c * plane;
      let mean = 0;
      if (contrast !== 1) {
        for (let p = 0; p < plane; p++) mean += x[base + p];
        mean /= plane;
      }
      const b = bright * unit(c);
      const s = cfg.noise * unit(c);
      for (let p = 0; p < plane; p++) {
        let v = x[base + p];
        if (contrast !== 1) v = (v - mean) * contrast + mean;
        v += b;
        if (s > 0) v += s * rng.normal();
        x[base + p] = v;
      }
    }
  }
}

/** Augments `rows` samples of a batch in place. */
export function augmentBatch(x: Float32Array, rows: number, shape: readonly number[], cfg: AugmentConfig, stats: NormStats | null, rng: Rng): void {
  const per = shape.reduce((a, b) => a * b, 1);
  const scratch = new Float32Array(per);
  for (let i = 0; i < rows; i++) augmentSample(x, i * per, shape, cfg, stats, rng, scratch);
}

/** True when the config changes anything (so the loop can skip augmentation entirely). */
export function isAugmenting(cfg: AugmentConfig): boolean {
  return cfg.flip || cfg.cropPadding > 0 || cfg.rotation > 0 || cfg.brightness > 0 || cfg.contrast > 0 || cfg.noise > 0;
}
