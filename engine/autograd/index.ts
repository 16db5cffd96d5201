/**
 * The autograd namespace: functional gradients and numerical gradient checking.
 */
export { grad, backward } from './backward.ts';
export type { BackwardOptions, GradOptions } from './backward.ts';
export { gradcheck } from './gradcheck.ts';
export type { GradcheckResult } from './gradcheck.ts';
export { noGrad, enableGrad, isGradEnabled } from './mode.ts';
