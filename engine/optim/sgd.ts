/**
 * SGD exactly as torch.optim.SGD: weight decay added to the gradient, momentum buffer
 * initialised to the first gradient, optional dampening and Nesterov.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { Optimizer } from './optimizer.ts';

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

  constructor(params: Iterable<Tensor>, opts: SGDOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    this.maximize = opts.maximize ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new FlowgradError('bad-argument', 'SGD: Nesterov momentum requires momentum > 0 and zero dampening');
    }
  }

  step(): void {
    this.stepCount++;
    for (const [p, g] of this.withGrads()) {
      let buf: Tensor | null = null;
      let first = false;
      if (this.momentum !== 0) {
        first = !this.state.get(p)?.momentumBuffer;
        buf = this.slot(p, 'momentumBuffer');
      }
      p._storage.backend.run('sgd', {
        param: p._storage.buf, grad: g._storage.buf, buf: buf ? buf._storage.buf : null, lr: this.lr,
        momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay,
        first, maximize: this.maximize,
      });
      if (g !== p.grad) g.dispose();
    }
  }
}
