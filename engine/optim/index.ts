/**
 * The optim namespace: optimizers (schedulers and clipping join here later).
 */
export { Optimizer } from './optimizer.ts';
export { SGD } from './sgd.ts';
export type { SGDOptions } from './sgd.ts';
export { Adam, AdamW } from './adam.ts';
export type { AdamOptions } from './adam.ts';
