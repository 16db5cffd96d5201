/**
 * The optimizer a TrainConfig names, built over a model's parameters with PyTorch's defaults
 * for whatever the config leaves out (SGD's momentum defaults to 0.9 here, as the app shows).
 */
import { SGD } from '../optim/sgd.ts';
import { Adam, AdamW } from '../optim/adam.ts';
import { Adagrad, Lion, RMSprop } from '../optim/rmsprop.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from './graphModel.ts';

export function makeOptimizer(model: GraphModel, cfg: TrainConfig): Optimizer {
  const o = cfg.optimizerOptions ?? {};
  const ps = model.parameters();
  const common = { lr: cfg.lr, ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}), ...(o.maximize !== undefined ? { maximize: o.maximize } : {}) };
  switch (cfg.optimizer) {
    case 'sgd': return new SGD(ps, { ...common, momentum: o.momentum ?? 0.9, dampening: o.dampening, nesterov: o.nesterov });
    case 'adam': return new Adam(ps, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'adamw': return new AdamW(ps, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'rmsprop': return new RMSprop(ps, { ...common, alpha: o.alpha, eps: o.eps, momentum: o.momentum, centered: o.centered });
    case 'adagrad': return new Adagrad(ps, { ...common, eps: o.eps, lrDecay: o.lrDecay, initialAccumulatorValue: o.initialAccumulatorValue });
    case 'lion': return new Lion(ps, { ...common, betas: o.betas });
  }
}
