/**
 * The contract between the app and the engine worker: plain data in and out (structured
 * clone), big buffers transferred. The app imports only these types and `client.ts`; the
 * worker implements `EngineApi` in `engine.worker.ts`.
 */
import type { GraphJSON } from '../engine/graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../engine/project/config.ts';

export type { DatasetSpec, TrainConfig, OptimizerName, OptimizerOptions, SchedulerConfig, MetricName } from '../engine/project/config.ts';
import type { BoundaryGrid, DoneEvent, SessionEvent, TrainJob } from '../engine/train/session.ts';
export type { BoundaryGrid, EpochMetrics, SessionEvent } from '../engine/train/session.ts';
import type { CodeProblem } from '../engine/train/builders/custom.ts';
export type { CodeProblem } from '../engine/train/builders/custom.ts';
import type { NormalizeMode } from '../engine/project/dataTypes.ts';
import type { Checkpoint } from '../engine/train/checkpoint.ts';
import type { Preprocessing } from '../engine/project/preprocessing.ts';
import type { OnnxProject } from '../engine/io/onnx/project.ts';
import type { BundleInput } from '../engine/bundle/build.ts';
import type { EvaluationReport } from '../engine/metrics/report.ts';
import type { CompressJob, CompressedVariant } from '../engine/compress/pipeline.ts';
import type { VariantReport } from '../engine/compress/report.ts';
export type { CompressJob, CompressedVariant } from '../engine/compress/pipeline.ts';
export type { VariantReport } from '../engine/compress/report.ts';
export type { PruneMode, SparsitySchedule } from '../engine/compress/prune.ts';
export type { Calibration } from '../engine/compress/quantize.ts';
export type { Checkpoint, CheckpointMeta, EpochRecord } from '../engine/train/checkpoint.ts';
export type { Preprocessing } from '../engine/project/preprocessing.ts';
export type { EvaluationReport, ClassScore, WorstSample } from '../engine/metrics/report.ts';
export type { EpochHistograms, ParamHistogram, ValueHistogram } from '../engine/train/histograms.ts';

/**
 * The training request and the events are the engine's own (engine/train/session.ts): the
 * worker passes them through unchanged, so they are aliased here, never re-declared.
 */
export type TrainRequest = TrainJob;
export type { StepEvent, EpochEvent, DoneEvent, PauseEvent } from '../engine/train/session.ts';
import type { StepEvent, EpochEvent } from '../engine/train/session.ts';

export interface ErrorEvent {
  type: 'error';
  runId: string;
  code: string;
  message: string;
  /** The node the error belongs to, when there is one. */
  nodeId?: string;
  /** The GPU was lost; RunResult.weights holds the last finished epoch's weights to continue from. */
  recoverable?: boolean;
}

/** What the worker sends the app: the session's events, and an error when a run fails. */
export type TrainEvent = SessionEvent | ErrorEvent;

export interface RunResult {
  runId: string;
  reason: DoneEvent['reason'] | 'error';
  /** The trained weights as a standard safetensors file (null on error before any step). */
  weights: Uint8Array | null;
  final: DoneEvent | ErrorEvent;
  /** The run's state at its end, to continue from (absent on error). */
  checkpoint?: Checkpoint;
  /** How raw inputs become model inputs (uploads; null for built-in data). */
  preprocessing?: Preprocessing | null;
  /** What a resume could not carry over (a changed optimizer, seed or schedule). */
  notes?: string[];
}

/** Everything the PyTorch project export needs (workers/host/exportPytorch.ts). */
export interface ExportPytorchRequest {
  name: string;
  graph: GraphJSON;
  /** The trained weights that fit the graph, or null (model.py then starts from fresh weights). */
  weights: Uint8Array | null;
  dataset: DatasetSpec;
  config: TrainConfig;
}

/** A standalone bundle of a trained model (or of a compressed variant's int8 file); the worker adds its runtime. */
export type ExportBundleRequest = Omit<BundleInput, 'runtime'>;

/** Evaluate a trained model on its dataset's test split (workers/host/evaluate.ts). */
export interface EvaluateRequest {
  graph: GraphJSON;
  weights: Uint8Array;
  dataset: DatasetSpec;
  config: TrainConfig;
  /** How many worst-classified samples to return (12). */
  worst?: number;
  /** The model's int8 file (compress format) when it is kept as int8: it is scored as int8 computes. */
  int8?: Uint8Array | null;
}

export interface EvaluateResult {
  split: 'test' | 'validation' | 'training' | 'given';
  report: EvaluationReport;
  sampleShape: number[];
  /** The inputs of report.worst, in its order (prepared as the model sees them). */
  worstInputs: Float32Array[];
}

/** Compress a trained model (engine/compress: the job is the engine's own); Stop(runId) cancels. */
export type CompressRequest = CompressJob & { runId: string };

/**
 * What a compression run reports: fine-tuning and distillation steps and epochs as the
 * training stream's events tagged with their variant, log lines, and each measured variant.
 */
export type CompressEvent =
  | (StepEvent & { variant: string })
  | (EpochEvent & { variant: string })
  | { type: 'log'; runId: string; line: string }
  | { type: 'variant'; runId: string; report: VariantReport };

/** Every variant, baseline first: graph, float32 weights, compressed weight file and report row. */
export interface CompressResult {
  runId: string;
  variants: CompressedVariant[];
}

export interface EngineInfo {
  /** The backend tensors are created on now ('cpu', 'webgpu', ...). */
  backend: string;
  /** What the last run's backend preference resolved to, and why. */
  choice?: { name: string; reason: string; adapter: string | null };
  crossOriginIsolated: boolean;
  /** CPU kernel threads in use now, and the logical cores the browser reports. */
  threads: number;
  cores: number;
  /** What the Auto setting starts here. */
  autoThreads: number;
  /** How the last CPU run spent its workers: replicas, kernel threads of each, and why (null before one). */
  parallel: { replicas: number; threads: number; why: string } | null;
  /** float16: the adapter has shader-f16 (mixed precision can run on it). */
  webgpu: { available: boolean; adapter?: string; fallback?: boolean; float16?: boolean };
}

/** A dataset's sample shape, class names and normalisation x' = (x − shift) / scale (per channel for images; null: none). */
export interface InputPrep {
  sampleShape: number[];
  classNames: string[] | null;
  stats: { mode: NormalizeMode; shift: number[]; scale: number[] } | null;
}

export interface EngineApi {
  info(): Promise<EngineInfo>;
  /**
   * Trains; events are batched (one call per 80 ms at most) into `onEvents`. Resolves when the run ends.
   * `ui`: the page's heartbeat (uiHeartbeat.ts), which the run steps aside for when it goes stale.
   */
  train(req: TrainRequest, onEvents: (events: TrainEvent[]) => void, ui?: SharedArrayBuffer): Promise<RunResult>;
  /** Asks a run to stop after its current step; its weights so far are kept. */
  stop(runId: string): Promise<void>;
  /** Pauses a run between two steps (a 'paused' event follows); Stop still ends a paused run. */
  pause(runId: string): Promise<void>;
  /** Resumes a paused run (a 'resumed' event follows). */
  resume(runId: string): Promise<void>;
  /**
   * Prunes / quantizes / distills a trained model and measures every variant (events batched
   * like training's); `stop(runId)` cancels it (rejects with code 'aborted').
   */
  compress(req: CompressRequest, onEvents: (events: CompressEvent[]) => void): Promise<CompressResult>;
  /** Scores a trained model on the test split (validation, else training, when there is none). */
  evaluate(req: EvaluateRequest): Promise<EvaluateResult>;
  /** The PyTorch project zip (model.py, train.py, data.py + data.npz, weights) for the project. */
  exportPytorch(req: ExportPytorchRequest): Promise<Uint8Array>;
  /** Runs the model on rows of inputs ([rows × features], row-major); returns its outputs. With `int8`, as the int8 model computes. */
  predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number, int8?: Uint8Array | null): Promise<Float32Array>;
  /** Decision-boundary grid for 2-D inputs, as in EpochEvent.boundary (with `int8`, the int8 model's). */
  boundary(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number, int8?: Uint8Array | null): Promise<BoundaryGrid>;
  /** The trained model as an ONNX file (engine/io/onnx); runs no user code (Custom Code cannot be exported). */
  exportOnnx(project: OnnxProject, weights: Uint8Array): Promise<Uint8Array>;
  /** The standalone inference bundle zip (engine/bundle): runtime module, model.json, weights, README, example page. */
  exportBundle(req: ExportBundleRequest): Promise<Uint8Array>;
  /** An int8 compressed variant as QDQ ONNX (QuantizeLinear/DequantizeLinear; engine/compress/onnx.ts), from its int8 weight file. */
  exportInt8Onnx(project: OnnxProject, int8File: Uint8Array): Promise<Uint8Array>;
  /** An ONNX file of the operators the catalog covers as a graph and its safetensors weights (engine/io/onnx/import.ts). */
  importOnnx(bytes: Uint8Array, name: string): Promise<{ graph: GraphJSON; weights: Uint8Array }>;
  /** Checks a Custom Code body as compiling the graph would: parse, then (inSample given) one dummy batch; null when fine. */
  checkCustomCode(code: string, inSample: number[] | null, outSample: number[] | null): Promise<CodeProblem | null>;
  /** How a dataset's inputs are prepared for training (the playground feeds drawings the same way). */
  inputPrep(dataset: DatasetSpec, opts: { validationSplit?: number; seed?: number }): Promise<InputPrep>;
  /**
   * Test-only: destroys the current WebGPU device (`GPUDevice.destroy()`, what a driver reset
   * or a GPU crash does to a page), so a run in progress meets a real `device.lost`. The
   * device-lost recovery e2e test (e2e/device-lost.spec.ts) calls it through
   * `window.__flowgrad`, which the app installs only in dev builds or with `?e2e` in the URL;
   * nothing in the UI calls it. Resolves false when no WebGPU device exists.
   */
  debugLoseDevice(): Promise<boolean>;
}
