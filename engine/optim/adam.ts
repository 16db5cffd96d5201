/**
 * Adam and AdamW exactly as torch.optim: bias-corrected moments, eps added after the
 * bias-corrected square root, optional AMSGrad; Adam adds weightDecay·p to the gradient,
 * AdamW decays the weights directly (p ← p·(1 − lr·wd)) before the update.
 */
import type { Tensor } from '../core/tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export class Adam extends Optimizer {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  protected readonly decoupled: boolean = false;
  /** Per-parameter step counts (a parameter without a gradient does not advance). */
  private readonly steps = new Map<Tensor, number>();

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.amsgrad = opts.amsgrad ?? false;
    this.maximize = opts.maximize ?? false;
  }

  step(): void {
    this.stepCount++;
    for (const [p, g] of this.withGrads()) {
      const t = (this.steps.get(p) ?? 0) + 1;
      this.steps.set(p, t);
      const m = this.slot(p, 'expAvg'), v = this.slot(p, 'expAvgSq');
      const vMax = this.amsgrad ? this.slot(p, 'maxExpAvgSq') : null;
      p._storage.backend.run('adam', {
        param: p._storage.buf, grad: g._storage.buf, m: m._storage.buf, v: v._storage.buf, vMax: vMax ? vMax._storage.buf : null,
        lr: this.lr, beta1: this.betas[0], beta2: this.betas[1], eps: this.eps, weightDecay: this.weightDecay,
        decoupled: this.decoupled, step: t, maximize: this.maximize,
      });
      if (g !== p.grad) g.dispose();
    }
  }
}

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }
}
