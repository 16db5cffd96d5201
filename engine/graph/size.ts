/**
 * Whether a model is small enough to train, decided from the analysis before anything is
 * allocated: its parameter count and an estimate of training memory are checked against
 * LIMITS (engine/core/limits.ts). Too large is an error issue on the layer that makes it
 * so; the app blocks Train on node issues, and GraphModel refuses a graph with errors, so
 * the engine, the worker and the CLI all stop before the first allocation.
 */
import { LIMITS, fmtBytes, fmtCount } from '../core/limits.ts';
import type { IssueCode, Shape } from './types.ts';

/** Bytes per parameter while training: the weight, its gradient and two optimizer moments. */
const BYTES_PER_PARAM = 16;
/** Bytes per activation value and sample: the value and its gradient. */
const BYTES_PER_ACTIVATION = 8;

/** Values per sample of an output shape (the batch dimension 'N' counts as 1). */
export function perSample(shape: Shape | null): number {
  if (!shape) return 0;
  let n = 1;
  for (const d of shape) if (d !== 'N') n *= d;
  return n;
}

/** Training memory estimate for one sample per step: parameters' state plus activations. */
export function trainingBytes(params: number, activations: number): number {
  return params * BYTES_PER_PARAM + activations * BYTES_PER_ACTIVATION;
}

type Issue = (nodeId: string | null, code: IssueCode, message: string) => void;

/**
 * Adds a 'too-large' issue on the node with the most parameters (or, when parameters are
 * not the problem, the largest output) when the model is over either limit.
 */
export function checkSize(ids: readonly string[], labels: readonly string[], params: readonly (number | null)[], acts: readonly number[], totalParams: number, issue: Issue): void {
  const totalActs = acts.reduce((s, a) => s + a, 0);
  const bytes = trainingBytes(totalParams, totalActs);
  if (totalParams <= LIMITS.trainParams && bytes <= LIMITS.trainBytes) return;
  const byParams = totalParams * BYTES_PER_PARAM >= totalActs * BYTES_PER_ACTIVATION;
  let at = 0;
  for (let i = 1; i < ids.length; i++) {
    if (byParams ? (params[i] ?? 0) > (params[at] ?? 0) : acts[i]! > acts[at]!) at = i;
  }
  if (ids.length === 0) return;
  const here = byParams ? `${fmtCount(params[at] ?? 0)} parameters here, ${fmtCount(totalParams)} in the model` : `an output of ${fmtCount(acts[at]!)} values per sample`;
  issue(ids[at]!, 'too-large',
    `${labels[at]}: ${here} (about ${fmtBytes(bytes)} to train: weights, gradients, optimizer state and activations); the limit is ${fmtCount(LIMITS.trainParams)} parameters and ${fmtBytes(LIMITS.trainBytes)}. Make this layer smaller so training does not run out of memory`);
}
