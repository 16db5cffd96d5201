/**
 * The training run and the current model: run status, the latest metrics, the decision
 * boundary, the trained weights (with the graph and dataset they belong to) and errors the
 * engine pinned on nodes. The loss/accuracy history lives in `series.ts` (mutable arrays read
 * by the chart); `seriesVersion` here tells subscribers it grew.
 */
import type { StateCreator } from 'zustand';
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../../engine/project/config.ts';
import type { Checkpoint, EpochEvent, EvaluateResult, Preprocessing } from '../../workers/api.ts';
import type { AppState } from './index.ts';
import type { HistogramHistory } from './histograms.ts';

export type RunStatus = 'idle' | 'running' | 'paused' | 'stopping' | 'done' | 'error';
export type Boundary = NonNullable<EpochEvent['boundary']>;

export interface RunMetrics {
  step: number;
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  samplesPerSec?: number;
  lr?: number;
  /** Validation (or training) confusion matrix: rows = true class, columns = predicted. */
  confusion?: number[][];
}

export interface TrainedModel {
  weights: Uint8Array;
  /** The graph the weights were trained for (the canvas may have changed since). */
  graph: GraphJSON;
  dataset: DatasetSpec;
  metrics: RunMetrics | null;
  /** The settings it was trained with (Evaluate re-creates the same split from them). */
  config?: TrainConfig;
  /** The run's state to continue from (weights + optimizer + meta); absent for weights alone. */
  checkpoint?: Checkpoint | null;
  /** How raw inputs become model inputs (uploads; null for built-in data). */
  preprocessing?: Preprocessing | null;
  /**
   * The model kept as int8 (a compressed variant): its int8 file (engine/compress/quantFile.ts).
   * Evaluate, predictions, the boundary and the exports compute with it; `weights` hold its
   * dequantized float32 values (what training goes on from, dropping the int8 state).
   */
  int8?: Uint8Array | null;
}

/** Train's choice when the project has a model: go on from its checkpoint, or start fresh. */
export type TrainMode = 'continue' | 'restart';

/** The Evaluate view's state: the report of the current model on the test split. */
export type EvaluationState =
  | { status: 'running'; model: TrainedModel }
  | { status: 'done'; model: TrainedModel; result: EvaluateResult }
  | { status: 'error'; model: TrainedModel; message: string };

export interface RunSlice {
  status: RunStatus;
  runId: string | null;
  /** When the running run started (ms since epoch), for the ETA. */
  startedAt: number;
  /** Epochs requested for the running run (progress display). */
  totalEpochs: number;
  metrics: RunMetrics | null;
  boundary: Boundary | null;
  model: TrainedModel | null;
  /** What the last run ended with, in words. */
  runMessage: { kind: 'info' | 'warn' | 'error'; text: string } | null;
  /** Engine errors pinned on nodes (cleared by the next edit or run). */
  engineErrors: Record<string, string>;
  seriesVersion: number;
  /** Set when the GPU was lost mid-run: the weights of its last finished epoch, to continue from. */
  recovery: { weights: Uint8Array } | null;
  /** The current run's weight and gradient histograms per epoch (histograms.ts). */
  histograms: HistogramHistory | null;
  trainMode: TrainMode;
  evaluation: EvaluationState | null;
  patchRun(p: Partial<Omit<RunSlice, 'patchRun'>>): void;
}

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  status: 'idle',
  runId: null,
  startedAt: 0,
  totalEpochs: 0,
  metrics: null,
  boundary: null,
  model: null,
  runMessage: null,
  engineErrors: {},
  seriesVersion: 0,
  recovery: null,
  histograms: null,
  trainMode: 'restart',
  evaluation: null,
  patchRun(p) {
    set(p);
  },
});
