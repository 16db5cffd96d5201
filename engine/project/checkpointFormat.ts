/**
 * The plain-JSON half of a training checkpoint (project.json's `checkpoint` entry): what the
 * project file stores and reads back. The behaviour (restoring it into a run, capturing it)
 * is train/checkpoint.ts; the format lives here so the project contract needs nothing above it.
 */
import type { ScalerState } from '../amp/scaler.ts';
import type { PlateauState } from '../optim/lr.ts';
import type { OptimizerName } from './config.ts';

/** A run schedule's state in a checkpoint: the steps taken, and ReduceLROnPlateau's counters. */
export type SchedulerState =
  | { kind: 'closedForm'; t: number }
  | ({ kind: 'plateau' } & PlateauState);

export const CHECKPOINT_VERSION = 1;
/** At most this many epochs of history are kept (the oldest are dropped). */
export const MAX_HISTORY = 10_000;

/** One epoch of the run's metrics history. */
export interface EpochRecord {
  epoch: number;
  step: number;
  loss: number;
  lr: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** The plain-JSON part of a checkpoint. */
export interface CheckpointMeta {
  version: typeof CHECKPOINT_VERSION;
  /** Epochs fully trained. */
  epoch: number;
  /** Training batches of the next epoch already trained (a run stopped mid-epoch). */
  batchInEpoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** The loader's seed (with the epoch, it fixes the batch order and the augmentation). */
  seed: number;
  /** The optimizer the state in optimizer.safetensors belongs to; null: no optimizer state (a diverged run). */
  optimizer: { kind: OptimizerName; step: number; lr: number; paramSteps: Record<string, number> } | null;
  scheduler: SchedulerState | null;
  rng: { state: number; spare: number | null };
  scaler: ScalerState | null;
  best: { loss: number; epoch: number } | null;
  sinceBest: number;
  history: EpochRecord[];
}

export interface Checkpoint {
  meta: CheckpointMeta;
  /** The model's parameters and buffers (safetensors, `<nodeId>.<param>`). */
  weights: Uint8Array;
  /** Optimizer state tensors (safetensors, `<nodeId>.<param>/<state>`); null with meta.optimizer null. */
  optimizer: Uint8Array | null;
}
