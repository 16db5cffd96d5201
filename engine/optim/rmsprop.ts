/**
 * RMSprop, Adagrad and Lion written with tensor ops (any backend; in place through assign,
 * outside autograd). RMSprop and Adagrad follow torch.optim's documented algorithms exactly;
 * Lion follows the paper (Chen et al. 2023, "Symbolic Discovery of Optimization
 * Algorithms") as its reference implementations do, with decoupled weight decay.
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { Optimizer, type StepOptions } from './optimizer.ts';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

/**
 * torch.optim.RMSprop: g += wd·p; v = α·v + (1−α)·g²; ṽ = v − ḡ² when centered (ḡ = α·ḡ +
 * (1−α)·g); with momentum b = μ·b + g/(√ṽ + eps), p −= lr·b; else p −= lr·g/(√ṽ + eps).
 */
export class RMSprop extends Optimizer {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
  override readonly stateNames: readonly string[] = ['squareAvg', 'gradAvg', 'momentumBuffer'];
  constructor(params: Iterable<Tensor>, opts: RMSpropOptions = {}) {
    super(params, opts.lr ?? 1e-2);
    this.alpha = opts.alpha ?? 0.99;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.momentum = opts.momentum ?? 0;
    this.centered = opts.centered ?? false;
    this.maximize = opts.maximize ?? false;
  }
  step(opts: StepOptions = {}): void {
    this.stepCount++;
    for (const [p, grad] of this.withGrads()) {
      const v = this.slot(p, 'squareAvg');
      const gAvg = this.centered ? this.slot(p, 'gradAvg') : null;
      const buf = this.momentum > 0 ? this.slot(p, 'momentumBuffer') : null;
      noGrad(() => scope(() => {
        const sc = this.scaled(opts.gradScale);
        let g = this.maximize ? sc.grad(grad).neg() : sc.grad(grad);
        if (this.weightDecay) g = g.add(p.mul(this.weightDecay));
        sc.put(v, v.mul(this.alpha).add(g.square().mul(1 - this.alpha)));
        let avg = v;
        if (gAvg) {
          sc.put(gAvg, gAvg.mul(this.alpha).add(g.mul(1 - this.alpha)));
          avg = v.sub(gAvg.square());
        }
        const step = g.div(avg.sqrt().add(this.eps));
        if (buf) {
          sc.put(buf, buf.mul(this.momentum).add(step));
          sc.put(p, p.sub(buf.mul(this.lr)));
        } else {
          sc.put(p, p.sub(step.mul(this.lr)));
        }
      }));
      if (grad !== p.grad) grad.dispose();
    }
  }
}

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

/** torch.optim.Adagrad: g += wd·p; clr = lr/(1 + (t−1)·lrDecay); s += g²; p −= clr·g/(√s + eps). */
export class Adagrad extends Optimizer {
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
  override readonly stateNames: readonly string[] = ['sum'];
  constructor(params: Iterable<Tensor>, opts: AdagradOptions = {}) {
    super(params, opts.lr ?? 1e-2);
    this.lrDecay = opts.lrDecay ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.initialAccumulatorValue = opts.initialAccumulatorValue ?? 0;
    this.eps = opts.eps ?? 1e-10;
    this.maximize = opts.maximize ?? false;
  }
  step(opts: StepOptions = {}): void {
    this.stepCount++;
    for (const [p, grad] of this.withGrads()) {
      const t = (this.paramSteps.get(p) ?? 0) + 1;
      this.paramSteps.set(p, t);
      const fresh = !this.state.get(p)?.sum;
      const sum = this.slot(p, 'sum');
      noGrad(() => scope(() => {
        if (fresh && this.initialAccumulatorValue) sum.assign(sum.add(this.initialAccumulatorValue));
        const sc = this.scaled(opts.gradScale);
        let g = this.maximize ? sc.grad(grad).neg() : sc.grad(grad);
        if (this.weightDecay) g = g.add(p.mul(this.weightDecay));
        const clr = this.lr / (1 + (t - 1) * this.lrDecay);
        sc.put(sum, sum.add(g.square()));
        sc.put(p, p.sub(g.div(sum.sqrt().add(this.eps)).mul(clr)));
      }));
      if (grad !== p.grad) grad.dispose();
    }
  }
}

export interface LionOptions {
  lr?: number;
  betas?: [number, number];
  weightDecay?: number;
  maximize?: boolean;
}

/** Lion: p *= 1 − lr·wd; p −= lr·sign(β1·m + (1−β1)·g); m = β2·m + (1−β2)·g. */
export class Lion extends Optimizer {
  betas: [number, number];
  weightDecay: number;
  maximize: boolean;
  override readonly stateNames: readonly string[] = ['expAvg'];
  constructor(params: Iterable<Tensor>, opts: LionOptions = {}) {
    super(params, opts.lr ?? 1e-4);
    this.betas = opts.betas ?? [0.9, 0.99];
    this.weightDecay = opts.weightDecay ?? 0;
    this.maximize = opts.maximize ?? false;
  }
  step(opts: StepOptions = {}): void {
    this.stepCount++;
    const [b1, b2] = this.betas;
    for (const [p, grad] of this.withGrads()) {
      const m = this.slot(p, 'expAvg');
      noGrad(() => scope(() => {
        const sc = this.scaled(opts.gradScale);
        const g = this.maximize ? sc.grad(grad).neg() : sc.grad(grad);
        const decayed = this.weightDecay ? p.mul(1 - this.lr * this.weightDecay) : p;
        const update = m.mul(b1).add(g.mul(1 - b1)).sign();
        sc.put(p, decayed.sub(update.mul(this.lr)));
        sc.put(m, m.mul(b2).add(g.mul(1 - b2)));
      }));
      if (grad !== p.grad) grad.dispose();
    }
  }
}
