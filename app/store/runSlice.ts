/**
 * The training run and the current model: run status, the latest metrics, the decision
 * boundary, the trained weights (with the graph and dataset they belong to) and errors the
 * engine pinned on nodes. The loss/accuracy history lives in `series.ts` (mutable arrays read
 * by the chart); `seriesVersion` here tells subscribers it grew.
 */
import type { StateCreator } from 'zustand';
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { DatasetSpec } from '../../engine/project/config.ts';
import type { Preprocessing } from '../../engine/project/preprocessing.ts';
import type { EpochEvent } from '../../workers/api.ts';
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
  /** How raw inputs become model inputs (uploads; null or absent for built-in data): exports carry it. */
  preprocessing?: Preprocessing | null;
}

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
  patchRun(p) {
    set(p);
  },
});
