/**
 * Learning-rate schedulers (optim.lr.*) with PyTorch's closed forms. Each step() advances
 * one epoch/iteration and writes the new rate into optimizer.lr; lastLr reads it back.
 */
import type { Optimizer } from './optimizer.ts';

export abstract class LRScheduler {
  /** Steps taken so far (PyTorch's last_epoch). */
  t = 0;
  readonly baseLr: number;
  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }
  protected abstract rate(t: number): number;
  step(): void {
    this.t++;
    this.optimizer.lr = this.rate(this.t);
  }
  get lastLr(): number {
    return this.optimizer.lr;
  }
}

/** lr = etaMin + (base − etaMin)·(1 + cos(π·t/tMax))/2. */
export class CosineAnnealing extends LRScheduler {
  constructor(opt: Optimizer, readonly opts: { tMax: number; etaMin?: number }) { super(opt); }
  protected rate(t: number): number {
    const m = this.opts.etaMin ?? 0;
    return m + ((this.baseLr - m) * (1 + Math.cos((Math.PI * t) / this.opts.tMax))) / 2;
  }
}

/** lr = base·gamma^⌊t/stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(opt: Optimizer, readonly opts: { stepSize: number; gamma?: number }) { super(opt); }
  protected rate(t: number): number {
    return this.baseLr * (this.opts.gamma ?? 0.1) ** Math.floor(t / this.opts.stepSize);
  }
}

/** lr = base·gamma^t. */
export class ExponentialLR extends LRScheduler {
  constructor(opt: Optimizer, readonly opts: { gamma: number }) { super(opt); }
  protected rate(t: number): number {
    return this.baseLr * this.opts.gamma ** t;
  }
}

/** Factor moving linearly from startFactor to endFactor over totalIters steps (warm-up). */
export class LinearLR extends LRScheduler {
  constructor(opt: Optimizer, readonly opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(opt);
    opt.lr = this.rate(0);
  }
  protected rate(t: number): number {
    const s = this.opts.startFactor ?? 1 / 3, e = this.opts.endFactor ?? 1, n = this.opts.totalIters ?? 5;
    return this.baseLr * (s + ((e - s) * Math.min(t, n)) / n);
  }
}
