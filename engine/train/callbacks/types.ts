/**
 * The training callback API: what fit() reports and the hooks it calls, in the order of a
 * run (Keras callbacks, Lightning hooks). The loop itself (fit.ts) only steps, reads back and
 * reports; early stopping, keep-best weights, the NaN/Inf guard and histograms are callbacks
 * written against this file, like any user's (docs/engine-api.md, "Training callbacks").
 */
import type { Tensor } from '../../core/tensor.ts';
import type { MetricValues } from '../../metrics/accumulator.ts';
import type { Optimizer } from '../../optim/optimizer.ts';
import type { TrainConfig } from '../../project/config.ts';
import type { GraphModel } from '../graphModel.ts';

export interface StepReport {
  step: number;
  epoch: number;
  loss: number;
  accuracy?: number;
  lr: number;
  samplesPerSec: number;
  /** Estimated seconds until the run ends (at the current speed). */
  etaSec: number;
  /** Optimizer steps per epoch and in the whole run. */
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface EpochReport extends StepReport {
  valLoss?: number;
  valAccuracy?: number;
  /** The configured metrics on the training batches of this epoch. */
  metrics: MetricValues;
  /** The same on the validation set. */
  valMetrics?: MetricValues;
  /** counts[true][predicted] on the validation set (the training set without one); classification only. */
  confusion?: number[][];
  /** Whether this epoch has the best monitored loss so far (validation loss, else training loss). */
  best: boolean;
  /** The monitored loss (validation, else training) that `best` compares. */
  monitored: number;
  /** Mixed precision: the loss scale S the gradients on the parameters are multiplied by, and the steps skipped so far. */
  lossScale?: { scale: number; skippedSteps: number };
}

export interface FitResult {
  reason: 'completed' | 'stopped' | 'diverged';
  last: EpochReport | null;
  steps: number;
  /** Early stopping (or a callback) ended the run before the last epoch. */
  earlyStopped?: boolean;
  /** How the steps ran: through a compiled plan, or eagerly (with the reason, trainStep.ts). */
  execution?: 'compiled' | 'eager';
  eagerReason?: string;
  /** The epoch whose weights the model holds at the end when keepBest restored them. */
  restoredEpoch?: number;
  /** Why the run diverged, naming the step and epoch (reason 'diverged'). */
  message?: string;
}

/** One optimizer step as read back from the device (its micro-batches' losses, in order). */
export interface StepRead {
  step: number;
  epoch: number;
  losses: number[];
  /** What the step's `probe` hook returned, read with the loss (null when no hook gave one). */
  probe: number | null;
}

/** The run as callbacks see it. */
export interface FitContext {
  readonly model: GraphModel;
  readonly optimizer: Optimizer;
  readonly config: TrainConfig;
  /** Mixed precision is on: the GradScaler skips steps whose gradients overflow. */
  readonly mixedPrecision: boolean;
  /** Ends the run as diverged with this message (the callback restores the weights it trusts). */
  diverge(message: string): void;
}

/** A training callback. Every hook is optional; async hooks are awaited. */
export interface TrainCallback {
  onTrainStart?(ctx: FitContext): void;
  onEpochStart?(epoch: number, ctx: FitContext): void;
  /**
   * Inside a step's scope, after backward and before the optimizer step (last micro-batch
   * of a step only): a scalar tensor to read back together with the step's loss — no extra
   * device round trip. One callback per run may probe (the NaN guard does).
   */
  probe?(ctx: FitContext): Tensor | null;
  /**
   * Inside a step's scope, right after the optimizer (and scheduler) step: a callback may
   * rewrite parameters in place here (pruning keeps its masks applied: engine/compress).
   */
  onOptimizerStep?(ctx: FitContext): void;
  /** The steps just read back, before they are reported; a callback may end the run here (ctx.diverge) — steps from the first one it names as bad on are dropped. Returns that index, or nothing. */
  onReadback?(reads: readonly StepRead[], ctx: FitContext): number | void;
  /** After a step is read back (every `readEvery` steps and at each epoch end, in step order). */
  onStep?(r: StepReport, ctx: FitContext): void;
  /** `control.stop()` ends the run after this epoch (reason 'completed', earlyStopped). */
  onEpochEnd?(r: EpochReport, control: { stop(): void }, ctx: FitContext): void | Promise<void>;
  /** Last; a callback may amend the result (keep-best sets restoredEpoch). */
  onTrainEnd?(r: FitResult, ctx: FitContext): void;
  /** Always called, also when the run throws: free what the callback holds. */
  dispose?(): void;
}
