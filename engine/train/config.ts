/**
 * Training run configuration, shared by the worker, the CLI and project files. Plain JSON.
 */
import type { Builtin2DName } from '../data/builtin2d.ts';

export interface DatasetSpec {
  kind: 'builtin2d';
  name: Builtin2DName;
  samples: number;
  noise: number;
  seed: number;
}

export type OptimizerName = 'sgd' | 'adam';

export interface TrainConfig {
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  epochs: number;
  /** Seeds weight init, shuffling and dropout: same seed, same run. */
  seed: number;
  /** Fraction of the data held out for validation (0 disables it). */
  validationSplit: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  optimizer: 'adam',
  lr: 0.01,
  batchSize: 32,
  epochs: 40,
  seed: 1,
  validationSplit: 0.2,
};

export const DEFAULT_DATASET: DatasetSpec = { kind: 'builtin2d', name: 'circles', samples: 400, noise: 0.2, seed: 7 };
