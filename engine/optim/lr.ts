/**
 * Learning-rate schedulers (optim.lr.*) with torch.optim.lr_scheduler's names, arguments
 * (camelCase) and formulas. Each step() advances one epoch or iteration and writes the new
 * rate into `optimizer.lr`; `lastLr` reads it back. Schedulers only touch `.lr`, so they work
 * on anything with an `lr` field — engine/train/schedule.ts runs them on a plain object to
 * draw the LR preview without tensors, and the same code then drives training.
 *
 * Like PyTorch, the first scheduler attached to an optimizer records its learning rate as
 * the initial one (`initial_lr`); every scheduler computes from that base, so schedulers
 * combined by SequentialLR share it.
 */

/** What a scheduler drives: an optimizer, or any object with a learning rate. */
export interface LRTarget {
  lr: number;
}

const initialLr = new WeakMap<LRTarget, number>();

export abstract class LRScheduler {
  /** Steps taken so far (PyTorch's last_epoch). */
  t = 0;
  readonly baseLr: number;
  constructor(readonly optimizer: LRTarget) {
    if (!initialLr.has(optimizer)) initialLr.set(optimizer, optimizer.lr);
    this.baseLr = initialLr.get(optimizer)!;
  }
  /** The rate after `t` steps (closed form). */
  abstract rate(t: number): number;
  /** Sets the rate for step 0 (PyTorch's initial step); call at the end of a constructor. */
  protected start(): void {
    this.optimizer.lr = this.rate(0);
  }
  step(): void {
    this.t++;
    this.optimizer.lr = this.rate(this.t);
  }
  get lastLr(): number {
    return this.optimizer.lr;
  }
  /** The steps taken (the rate follows from it: every closed-form scheduler is a function of t). */
  stateDict(): { t: number } {
    return { t: this.t };
  }
  /** Continues from a stateDict(): sets the step and the rate for it. */
  loadStateDict(s: { t: number }): void {
    if (!(Number.isInteger(s.t) && s.t >= 0)) throw new Error(`${this.constructor.name}.loadStateDict: invalid step ${s.t}`);
    this.t = s.t;
    this.optimizer.lr = this.rate(this.t);
  }
}

const cosine = (base: number, min: number, t: number, period: number) => min + ((base - min) * (1 + Math.cos((Math.PI * t) / period))) / 2;

/** CosineAnnealingLR: lr = etaMin + (base − etaMin)·(1 + cos(π·t/tMax))/2. */
export class CosineAnnealing extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { tMax: number; etaMin?: number }) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    return cosine(this.baseLr, this.opts.etaMin ?? 0, t, this.opts.tMax);
  }
}
/** PyTorch's name for CosineAnnealing. */
export const CosineAnnealingLR = CosineAnnealing;

/** StepLR: lr = base·gamma^⌊t/stepSize⌋ (gamma 0.1). */
export class StepLR extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { stepSize: number; gamma?: number }) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    return this.baseLr * (this.opts.gamma ?? 0.1) ** Math.floor(t / this.opts.stepSize);
  }
}

/** MultiStepLR: lr = base·gamma^(number of milestones ≤ t) (gamma 0.1). */
export class MultiStepLR extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { milestones: number[]; gamma?: number }) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    return this.baseLr * (this.opts.gamma ?? 0.1) ** this.opts.milestones.filter((m) => m <= t).length;
  }
}

/** ExponentialLR: lr = base·gamma^t. */
export class ExponentialLR extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { gamma: number }) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    return this.baseLr * this.opts.gamma ** t;
  }
}

/** LinearLR: factor moves linearly from startFactor (1/3) to endFactor (1) over totalIters (5) steps (warm-up). */
export class LinearLR extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    const s = this.opts.startFactor ?? 1 / 3, e = this.opts.endFactor ?? 1, n = this.opts.totalIters ?? 5;
    return this.baseLr * (s + ((e - s) * Math.min(t, n)) / n);
  }
}

/**
 * CosineAnnealingWarmRestarts: cosine from base to etaMin over periods of t0, t0·tMult,
 * t0·tMult², ... steps, restarting at base after each: lr = etaMin + (base − etaMin)·(1 +
 * cos(π·Tcur/Ti))/2.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  constructor(opt: LRTarget, readonly opts: { t0: number; tMult?: number; etaMin?: number }) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    const mult = this.opts.tMult ?? 1;
    let ti = this.opts.t0, cur = t;
    while (cur >= ti) {
      cur -= ti;
      ti *= mult;
    }
    return cosine(this.baseLr, this.opts.etaMin ?? 0, cur, ti);
  }
}

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

/**
 * OneCycleLR (stepped every batch): from maxLr/divFactor up to maxLr over pctStart of the
 * steps, then down to initial/finalDivFactor (three-phase: back to initial, then down).
 * Momentum cycling (cycle_momentum) is not done: the equivalent of cycle_momentum=False.
 */
export class OneCycleLR extends LRScheduler {
  private readonly phases: { end: number; from: number; to: number }[];
  constructor(opt: LRTarget, readonly opts: OneCycleOptions) {
    super(opt);
    const total = opts.totalSteps, pct = opts.pctStart ?? 0.3;
    const initial = opts.maxLr / (opts.divFactor ?? 25);
    const min = initial / (opts.finalDivFactor ?? 1e4);
    this.phases = opts.threePhase
      ? [
        { end: pct * total - 1, from: initial, to: opts.maxLr },
        { end: 2 * pct * total - 2, from: opts.maxLr, to: initial },
        { end: total - 1, from: initial, to: min },
      ]
      : [
        { end: pct * total - 1, from: initial, to: opts.maxLr },
        { end: total - 1, from: opts.maxLr, to: min },
      ];
    this.start();
  }
  rate(t: number): number {
    let startStep = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const ph = this.phases[i]!;
      if (t <= ph.end || i === this.phases.length - 1) {
        const pct = (t - startStep) / (ph.end - startStep);
        return this.opts.annealStrategy === 'linear' ? (ph.to - ph.from) * pct + ph.from : ph.to + ((ph.from - ph.to) / 2) * (Math.cos(Math.PI * pct) + 1);
      }
      startStep = ph.end;
    }
    return this.phases[this.phases.length - 1]!.to;
  }
}

/** LambdaLR: lr = base·lrLambda(t). */
export class LambdaLR extends LRScheduler {
  constructor(opt: LRTarget, readonly lrLambda: (t: number) => number) {
    super(opt);
    this.start();
  }
  rate(t: number): number {
    return this.baseLr * this.lrLambda(t);
  }
}

/**
 * SequentialLR: schedulers[i] runs from milestones[i−1] on, restarted at its own step 0 (as
 * PyTorch's step(0) at each milestone), all from the shared initial learning rate.
 */
export class SequentialLR extends LRScheduler {
  constructor(opt: LRTarget, readonly schedulers: LRScheduler[], readonly milestones: number[]) {
    super(opt);
    if (schedulers.length !== milestones.length + 1) throw new Error(`SequentialLR: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones (got ${milestones.length})`);
    this.start();
  }
  rate(t: number): number {
    const idx = this.milestones.filter((m) => m <= t).length;
    return this.schedulers[idx]!.rate(t - (idx > 0 ? this.milestones[idx - 1]! : 0));
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/**
 * ReduceLROnPlateau: step(metric) once per epoch; after more than `patience` epochs without
 * an improvement beyond `threshold`, lr = max(lr·factor, minLr) (changes smaller than eps are
 * skipped), then `cooldown` epochs pass before counting again.
 */
export class ReduceLROnPlateau {
  best: number;
  badEpochs = 0;
  cooldownCounter = 0;
  t = 0;
  constructor(readonly optimizer: LRTarget, readonly opts: ReduceLROnPlateauOptions = {}) {
    this.best = (opts.mode ?? 'min') === 'min' ? Infinity : -Infinity;
  }
  private better(a: number): boolean {
    const th = this.opts.threshold ?? 1e-4, rel = (this.opts.thresholdMode ?? 'rel') === 'rel';
    if ((this.opts.mode ?? 'min') === 'min') return rel ? a < this.best * (1 - th) : a < this.best - th;
    return rel ? a > this.best * (1 + th) : a > this.best + th;
  }
  step(metric: number): void {
    this.t++;
    if (this.better(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > (this.opts.patience ?? 10)) {
      const old = this.optimizer.lr;
      const next = Math.max(old * (this.opts.factor ?? 0.1), this.opts.minLr ?? 0);
      if (old - next > (this.opts.eps ?? 1e-8)) this.optimizer.lr = next;
      this.cooldownCounter = this.opts.cooldown ?? 0;
      this.badEpochs = 0;
    }
  }
  get lastLr(): number {
    return this.optimizer.lr;
  }
  /** Everything the next step() depends on, the current rate included (it is not a closed form). */
  stateDict(): PlateauState {
    return { t: this.t, best: this.best, badEpochs: this.badEpochs, cooldownCounter: this.cooldownCounter, lr: this.optimizer.lr };
  }
  loadStateDict(s: PlateauState): void {
    if (![s.t, s.badEpochs, s.cooldownCounter].every((n) => Number.isInteger(n) && n >= 0) || !(s.lr >= 0)) throw new Error('ReduceLROnPlateau.loadStateDict: invalid state');
    this.t = s.t;
    this.best = s.best;
    this.badEpochs = s.badEpochs;
    this.cooldownCounter = s.cooldownCounter;
    this.optimizer.lr = s.lr;
  }
}

export interface PlateauState {
  t: number;
  /** JSON writes ±Infinity as null: null means no epoch seen yet. */
  best: number;
  badEpochs: number;
  cooldownCounter: number;
  lr: number;
}
