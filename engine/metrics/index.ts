/**
 * engine/metrics: evaluation metrics as pure functions over arrays, and the accumulator the
 * training loop feeds batch by batch. No tensors: the app may import it.
 */
export * from './metrics.ts';
export * from './accumulator.ts';
