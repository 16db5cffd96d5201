/**
 * The learning rate over a run, for the scheduler preview. Uses the engine's own
 * `lrCurve(config, stepsPerEpoch)` (engine/train/schedule.ts) when that module exists, so the
 * preview is exactly what training will do; until then a local rendition of PyTorch's
 * schedules, per epoch (per step for one-cycle). Plateau scheduling depends on the validation
 * loss, so its preview is flat.
 */
import type { SchedulerConfig, TrainConfig } from '../../engine/project/config.ts';

type Curve = (config: TrainConfig, stepsPerEpoch: number) => ArrayLike<number> | { step?: ArrayLike<number>; lr: ArrayLike<number> };
const mods = import.meta.glob<{ lrCurve?: Curve }>('../../engine/train/schedule.ts', { eager: true });
const engineCurve = Object.values(mods)[0]?.lrCurve;

/** LR at epoch e (0-based) for per-epoch schedules. */
function atEpoch(s: SchedulerConfig, lr: number, e: number, epochs: number): number {
  switch (s.type) {
    case 'step': return lr * s.gamma ** Math.floor(e / Math.max(1, s.stepSize));
    case 'multiStep': return lr * s.gamma ** s.milestones.filter((m) => m <= e).length;
    case 'exponential': return lr * s.gamma ** e;
    case 'cosine': {
      const t = s.tMax ?? epochs;
      const min = s.etaMin ?? 0;
      return min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(e, t)) / t))) / 2;
    }
    case 'cosineWarmRestarts': {
      let t = Math.max(1, s.t0);
      let ep = e;
      while (ep >= t) {
        ep -= t;
        t *= s.tMult ?? 1;
      }
      const min = s.etaMin ?? 0;
      return min + ((lr - min) * (1 + Math.cos((Math.PI * ep) / t))) / 2;
    }
    case 'linear': {
      const a = s.startFactor ?? 1 / 3;
      const b = s.endFactor ?? 1;
      const n = s.totalIters ?? 5;
      return lr * (a + (b - a) * Math.min(1, e / n));
    }
    default: return lr;
  }
}

/** [x (epoch, fractional for per-step schedules), lr] pairs over the whole run. */
export function lrPreview(config: TrainConfig, stepsPerEpoch: number): { x: number[]; lr: number[] } {
  // Per-step curves of very long runs would be millions of points: keep ≤ ~100k steps (the
  // shape of every schedule is preserved; per-epoch schedules do not depend on it at all).
  const spe = Math.max(1, Math.min(Math.round(stepsPerEpoch), Math.floor(100_000 / Math.max(1, config.epochs))));
  if (engineCurve) {
    try {
      const out = engineCurve(config, spe);
      const all = Array.from('lr' in out ? out.lr : (out as ArrayLike<number>));
      // Thin to ≤ 1,000 points for drawing, keeping the first and last step.
      const k = Math.max(1, Math.ceil(all.length / 1000));
      const idx = all.map((_, i) => i).filter((i) => i % k === 0 || i === all.length - 1);
      return { x: idx.map((i) => i / spe), lr: idx.map((i) => all[i]!) };
    } catch {
      // Fall through to the local rendition.
    }
  }
  const s = config.scheduler ?? { type: 'none' };
  const epochs = Math.max(1, config.epochs);
  if (s.type === 'oneCycle') {
    const total = epochs * spe;
    const up = Math.max(1, Math.round(total * (s.pctStart ?? 0.3)));
    const x: number[] = [];
    const lr: number[] = [];
    const start = s.maxLr / 25;
    const end = start / 1e4;
    const n = Math.min(total, 400);
    for (let k = 0; k <= n; k++) {
      const i = Math.round((k / n) * total);
      const v = i <= up ? start + ((s.maxLr - start) * (1 - Math.cos((Math.PI * i) / up))) / 2 : end + ((s.maxLr - end) * (1 + Math.cos((Math.PI * (i - up)) / Math.max(1, total - up)))) / 2;
      x.push(i / spe);
      lr.push(v);
    }
    return { x, lr };
  }
  const x: number[] = [];
  const lr: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const v = atEpoch(s, config.lr, e, epochs);
    x.push(e, e + 1);
    lr.push(v, v);
  }
  return { x, lr };
}
