/**
 * SGD exactly as torch.optim.SGD: weight decay added to the gradient, momentum buffer
 * initialised to the first gradient, optional dampening and Nesterov.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { Optimizer, runMulti, type StepOptions } from './optimizer.ts';

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
  override readonly stateNames: readonly string[] = ['momentumBuffer'];

  constructor(params: Iterable<Tensor>, opts: SGDOptions = {}) {
    super(params, opts.lr ?? 1e-3, { pack: true });
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    this.maximize = opts.maximize ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new FlowgradError('bad-argument', 'SGD: Nesterov momentum requires momentum > 0 and zero dampening');
    }
  }

  step(opts: StepOptions = {}): void {
    this.stepCount++;
    const items = [...this.withGrads()];
    if (items.length === 0) return;
    const momentum = this.momentum !== 0;
    const first = items.map(([p]) => momentum && !this.state.get(p)?.momentumBuffer);
    const bufs = momentum ? items.map(([p]) => this.slot(p, 'momentumBuffer')._storage.buf) : null;
    runMulti(items[0]![0]._storage.backend, 'sgdMulti', {
      params: items.map(([p]) => p._storage.buf), grads: items.map(([, g]) => g._storage.buf), bufs, first,
      lr: this.lr, momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay,
      maximize: this.maximize, gradScale: opts.gradScale?._storage.buf ?? null,
    });
    for (const [p, g] of items) if (g !== p.grad) g.dispose();
  }
}
