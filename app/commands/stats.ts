/**
 * Model totals for the status bar: parameters, FLOPs per sample, and an estimate of the
 * memory a training step needs at the current batch size — parameters with their gradients
 * and optimizer state, plus every layer's activations (kept for backward) and their
 * gradients, all float32. An estimate, not an allocation plan: fused kernels and buffer reuse
 * in the engine usually need less.
 */
import type { GraphAnalysis } from '../../engine/graph/types.ts';
import type { OptimizerName } from '../../engine/project/config.ts';

export interface ModelStats {
  params: number;
  flopsPerSample: number;
  /** Forward + backward (≈ 3× forward) FLOPs for one batch. */
  flopsPerStep: number;
  activationBytes: number;
  paramBytes: number;
  /** Everything a training step holds at once. */
  trainingBytes: number;
}

/** Extra float32 tensors per parameter that each optimizer keeps. */
export const OPTIMIZER_STATES: Record<OptimizerName, number> = { sgd: 1, adam: 2, adamw: 2, rmsprop: 1, adagrad: 1, lion: 1 };

export function modelStats(analysis: GraphAnalysis, batchSize: number, optimizer: OptimizerName = 'adam'): ModelStats {
  let activations = 0;
  for (const shape of Object.values(analysis.shapes)) {
    if (!shape || shape.length === 0) continue;
    activations += shape.reduce<number>((p, d) => p * (d === 'N' ? batchSize : d), 1);
  }
  const params = analysis.totalParams;
  const paramBytes = params * 4;
  const activationBytes = activations * 4;
  const states = OPTIMIZER_STATES[optimizer] ?? 2;
  return {
    params,
    flopsPerSample: analysis.totalFlops,
    flopsPerStep: analysis.totalFlops * batchSize * 3,
    activationBytes,
    paramBytes,
    trainingBytes: paramBytes * (2 + states) + activationBytes * 2,
  };
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(b < 10 * 1024 ? 1 : 0)} KB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toFixed(b < 10 * 1024 ** 2 ? 1 : 0)} MB`;
  return `${(b / 1024 ** 3).toFixed(2)} GB`;
}
