/**
 * Training run configuration, shared by the app, the worker, the CLI and project files.
 * Plain JSON; every field added after version 1 of the project format is optional, so old
 * projects load unchanged.
 */
import type { MetricName } from '../metrics/accumulator.ts';

export type { MetricName } from '../metrics/accumulator.ts';

/** The generated 2-D datasets (engine/data/builtin2d.ts makes them), in the order the app lists them. */
export type Builtin2DName = 'spirals' | 'circles' | 'xor' | 'moons';
export const BUILTIN_2D: readonly Builtin2DName[] = ['circles', 'xor', 'moons', 'spirals'];

/** A generated 2-D dataset, fully described by its parameters (regenerated anywhere). */
export interface Builtin2DSpec {
  kind: 'builtin2d';
  name: Builtin2DName;
  samples: number;
  noise: number;
  seed: number;
}

/** Other generated datasets (blobs, sine regression, synthetic digits...). */
export interface BuiltinSpec {
  kind: 'builtin';
  name: string;
  samples: number;
  noise: number;
  seed: number;
}

/**
 * A dataset the user uploaded: stored in IndexedDB under `id` (the worker reads it there),
 * with the preparation chosen in the data panel.
 */
export interface UploadSpec {
  kind: 'upload';
  id: string;
  name: string;
  /** Parser-specific preparation: column roles, normalisation, image size, split... */
  prep?: Record<string, unknown>;
}

export type DatasetSpec = Builtin2DSpec | BuiltinSpec | UploadSpec;

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad' | 'lion';

/** Optimizer options in PyTorch's meaning, camelCase; absent fields take PyTorch's defaults. */
export interface OptimizerOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  amsgrad?: boolean;
  /** RMSprop smoothing constant. */
  alpha?: number;
  centered?: boolean;
  /** Adagrad learning-rate decay and starting accumulator. */
  lrDecay?: number;
  initialAccumulatorValue?: number;
  /** Maximize the objective instead of minimizing it. */
  maximize?: boolean;
}

/**
 * Learning-rate schedule, named and parametrised as PyTorch's torch.optim.lr_scheduler
 * (engine/optim/lr.ts). Counted in epochs (the scheduler steps after each epoch) unless
 * `interval` is 'step' (after each optimizer step); oneCycle always counts steps and its
 * total is epochs × steps per epoch. Missing tMax (cosine) / totalIters (linear) mean the
 * whole run. engine/train/schedule.ts builds them and previews the curve.
 */
export type SchedulerConfig = (
  | { type: 'none' }
  | { type: 'step'; stepSize: number; gamma: number }
  | { type: 'multiStep'; milestones: number[]; gamma: number }
  | { type: 'exponential'; gamma: number }
  | { type: 'cosine'; tMax?: number; etaMin?: number }
  | { type: 'cosineWarmRestarts'; t0: number; tMult?: number; etaMin?: number }
  | { type: 'linear'; startFactor?: number; endFactor?: number; totalIters?: number }
  | { type: 'oneCycle'; maxLr: number; pctStart?: number; divFactor?: number; finalDivFactor?: number; annealStrategy?: 'cos' | 'linear'; threePhase?: boolean }
  | { type: 'reduceOnPlateau'; factor?: number; patience?: number; minLr?: number; threshold?: number; cooldown?: number }
  | { type: 'sequential'; schedulers: SchedulerConfig[]; milestones: number[] }
) & { interval?: 'epoch' | 'step' };

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface TrainConfig {
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  epochs: number;
  /** Seeds weight init, shuffling and dropout: same seed, same run. */
  seed: number;
  /** Fraction of the data held out for validation (0 disables it). */
  validationSplit: number;
  optimizerOptions?: OptimizerOptions;
  /** Stepped once per epoch unless the scheduler says otherwise (oneCycle: per step). */
  scheduler?: SchedulerConfig;
  /** Stop when the validation loss has not improved by minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta: number } | null;
  /** At the end, restore the weights of the epoch with the best validation loss. */
  keepBest?: boolean;
  /** Clip the global gradient norm to this value (null: no clipping). */
  clipGradNorm?: number | null;
  /** Clamp every gradient element into [-v, v] (null: no clipping); applied before clipGradNorm. */
  clipGradValue?: number | null;
  /** Sum gradients over this many batches before each optimizer step (1: no accumulation). */
  gradAccumSteps?: number;
  /** Metrics reported per epoch (default: accuracy for classification, mae and r2 for regression). */
  metrics?: MetricName[];
  /** k for the 'topK' metric (default 5). */
  topK?: number;
  /** Read the loss back every this many steps (and at epoch ends); default 10. */
  readEvery?: number;
  backend?: BackendChoice;
  /**
   * CPU kernel threads (0 or absent: Auto, the machine's cores capped at 8). Results do not
   * depend on it; it needs cross-origin isolation in a page (one thread otherwise).
   */
  threads?: number;
  /**
   * How the Threads count is spent on the CPU: 'kernel' threads splitting each large kernel,
   * 'replicas' (one engine per worker on a shard of every batch, engine/train/replicas), or
   * 'auto' (absent): picked by the model's size. Same results either way (to float rounding).
   */
  threadMode?: 'auto' | 'kernel' | 'replicas';
  /**
   * Mixed precision: matmuls and convolutions in float16 (autocast) with float32 master
   * weights and dynamic loss scaling (engine/amp). For WebGPU adapters with shader-f16 — half
   * the memory traffic of float32 activations; on the CPU it works but is slower (float16 is
   * only a storage format there).
   */
  mixedPrecision?: boolean;
  /**
   * Train through a compiled static plan when the step allows it (engine/train/trainStep.ts;
   * Custom Code, Dropout and distillation train eagerly). Default true; false: always eager.
   */
  compiled?: boolean;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  optimizer: 'adam',
  lr: 0.01,
  batchSize: 32,
  epochs: 40,
  seed: 1,
  validationSplit: 0.2,
};

export const DEFAULT_DATASET: Builtin2DSpec = { kind: 'builtin2d', name: 'circles', samples: 400, noise: 0.2, seed: 7 };
