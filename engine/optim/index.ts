/**
 * The optim namespace: optimizers, learning-rate schedulers (optim.lr) and gradient clipping.
 */
export { Optimizer } from './optimizer.ts';
export { SGD } from './sgd.ts';
export type { SGDOptions } from './sgd.ts';
export { Adam, AdamW } from './adam.ts';
export type { AdamOptions } from './adam.ts';
export { RMSprop, Adagrad, Lion } from './rmsprop.ts';
export type { RMSpropOptions, AdagradOptions, LionOptions } from './rmsprop.ts';
export * as lr from './lr.ts';
export { clipGradNorm, clipGradNormAsync, clipGradNormScale, clipGradNormTensor, clipGradValue } from './clip.ts';
