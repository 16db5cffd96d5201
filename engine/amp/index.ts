/** Mixed precision: autocast (float16 matmuls and convolutions) and dynamic loss scaling. */
export { autocast, autocastDtype, mixedPrecisionUnavailable } from './autocast.ts';
export type { AutocastOptions } from './autocast.ts';
export { GradScaler } from './scaler.ts';
export type { GradScalerOptions, ScalerStepOptions } from './scaler.ts';
