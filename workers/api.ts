/**
 * The contract between the app and the engine worker: plain data in and out (structured
 * clone), big buffers transferred. The app imports only these types and `client.ts`; the
 * worker implements `EngineApi` in `engine.worker.ts`.
 */
import type { GraphJSON } from '../engine/graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../engine/train/config.ts';

export type { DatasetSpec, TrainConfig, OptimizerName } from '../engine/train/config.ts';

export interface TrainRequest {
  runId: string;
  graph: GraphJSON;
  dataset: DatasetSpec;
  config: TrainConfig;
  /** Side of the square grid the decision boundary is sampled on (0: none). */
  boundaryResolution: number;
}

export interface StepEvent {
  type: 'step';
  runId: string;
  step: number;
  epoch: number;
  loss: number;
  metrics: { accuracy?: number };
  lr: number;
  samplesPerSec: number;
}

export interface EpochEvent {
  type: 'epoch';
  runId: string;
  step: number;
  epoch: number;
  loss: number;
  metrics: { accuracy?: number; valLoss?: number; valAccuracy?: number };
  lr: number;
  samplesPerSec: number;
  /** Probability of each class at each grid point, row-major [res*res*classes], row 0 at the top (largest y); 2-D data only. */
  boundary?: { resolution: number; classes: number; extent: [number, number, number, number]; probs: Float32Array };
}

export interface DoneEvent {
  type: 'done';
  runId: string;
  step: number;
  epoch: number;
  /** 'completed' | 'stopped' by the user | 'diverged' (NaN/Inf loss; the last good weights kept). */
  reason: 'completed' | 'stopped' | 'diverged';
  loss: number;
  metrics: { accuracy?: number; valLoss?: number; valAccuracy?: number };
  message?: string;
}

export interface ErrorEvent {
  type: 'error';
  runId: string;
  code: string;
  message: string;
  /** The node the error belongs to, when there is one. */
  nodeId?: string;
}

export type TrainEvent = StepEvent | EpochEvent | DoneEvent | ErrorEvent;

export interface RunResult {
  runId: string;
  reason: DoneEvent['reason'] | 'error';
  /** The trained weights as a standard safetensors file (null on error before any step). */
  weights: Uint8Array | null;
  final: DoneEvent | ErrorEvent;
}

export interface EngineInfo {
  backend: string;
  crossOriginIsolated: boolean;
  webgpu: { available: boolean; adapter?: string; fallback?: boolean };
}

export interface EngineApi {
  info(): Promise<EngineInfo>;
  /** Trains; events are batched (≤ 20 calls/s) into `onEvents`. Resolves when the run ends. */
  train(req: TrainRequest, onEvents: (events: TrainEvent[]) => void): Promise<RunResult>;
  /** Asks a run to stop after its current step; its weights so far are kept. */
  stop(runId: string): Promise<void>;
  /** Runs the model on rows of inputs ([rows × features], row-major); returns its outputs. */
  predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number): Promise<Float32Array>;
  /** Decision-boundary grid for 2-D inputs, as in EpochEvent.boundary. */
  boundary(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number): Promise<NonNullable<EpochEvent['boundary']>>;
}
