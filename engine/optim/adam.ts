/**
 * Adam and AdamW exactly as torch.optim: bias-corrected moments, eps added after the
 * bias-corrected square root, optional AMSGrad; Adam adds weightDecay·p to the gradient,
 * AdamW decays the weights directly (p ← p·(1 − lr·wd)) before the update. One
 * multi-tensor kernel call updates every parameter (see optimizer.ts).
 */
import type { Tensor } from '../core/tensor.ts';
import { Optimizer, runMulti, type StepOptions } from './optimizer.ts';

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
  override readonly stateNames: readonly string[] = ['expAvg', 'expAvgSq', 'maxExpAvgSq'];

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, opts.lr ?? 1e-3, { pack: true });
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.amsgrad = opts.amsgrad ?? false;
    this.maximize = opts.maximize ?? false;
  }

  step(opts: StepOptions = {}): void {
    this.stepCount++;
    const items = [...this.withGrads()];
    if (items.length === 0) return;
    const steps = items.map(([p]) => {
      // Per-parameter step counts: a parameter without a gradient does not advance.
      const t = (this.paramSteps.get(p) ?? 0) + 1;
      this.paramSteps.set(p, t);
      return t;
    });
    const buf = (name: string) => items.map(([p]) => this.slot(p, name)._storage.buf);
    const m = buf('expAvg'), v = buf('expAvgSq'), vMax = this.amsgrad ? buf('maxExpAvgSq') : null;
    const common = {
      lr: this.lr, beta1: this.betas[0], beta2: this.betas[1], eps: this.eps, weightDecay: this.weightDecay,
      decoupled: this.decoupled, maximize: this.maximize, gradScale: opts.gradScale?._storage.buf ?? null,
    };
    const params = items.map(([p]) => p._storage.buf), grads = items.map(([, g]) => g._storage.buf);
    runMulti(items[0]![0]._storage.backend, 'adamMulti', { ...common, params, grads, m, v, vMax, steps });
    for (const [p, g] of items) if (g !== p.grad) g.dispose();
  }
}

export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Iterable<Tensor>, opts: AdamOptions = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }
}
