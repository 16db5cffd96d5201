/**
 * What the worker (and the CLI) ask of the engine, as plain data in and out: train a graph on
 * a dataset and stream events; predict rows with saved weights; sample a decision boundary.
 * Weights travel as standard safetensors bytes, named `<nodeId>.<param>`.
 */
import type { GraphJSON } from '../graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../project/config.ts';
import type { ReplicaOutcome } from './replicas/group.ts';
import { GraphModel } from './graphModel.ts';
import { fit } from './fit.ts';
import type { EpochReport, FitResult, StepReport, TrainAugment, TrainCallback } from './fit.ts';
import type { ArrayDataset } from '../data/split.ts';
import { resolveDataset, type DataIO } from '../data/resolve.ts';
import { isAugmenting } from '../data/augment.ts';
import { backend } from '../backend/registry.ts';
import { encodeSafetensors, decodeSafetensors } from '../project/safetensors.ts';
import { FlowgradError } from '../core/errors.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { scope } from '../core/memory.ts';
import { noGrad } from '../autograd/mode.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { shapesFit } from './dataFit.ts';
import { mixedPrecisionUnavailable } from '../amp/autocast.ts';
import type { MetricValues } from '../metrics/accumulator.ts';
import type { EpochHistograms } from './histograms.ts';
import { HistogramRecorder } from './callbacks/histograms.ts';
import { FitResume, type Checkpoint } from './checkpoint.ts';
import type { Preprocessing } from '../project/preprocessing.ts';

export interface BoundaryGrid {
  resolution: number;
  classes: number;
  extent: [number, number, number, number];
  probs: Float32Array;
}

/**
 * Epoch metrics, flat: the training set's configured metrics (accuracy, topK, precision,
 * recall, f1, mae, mse, r2), the validation loss, and the validation metrics prefixed `val`
 * (valAccuracy, valF1, valR2, ...).
 */
export interface EpochMetrics {
  accuracy?: number; topK?: number; precision?: number; recall?: number; f1?: number; mae?: number; mse?: number; r2?: number;
  valLoss?: number;
  valAccuracy?: number; valTopK?: number; valPrecision?: number; valRecall?: number; valF1?: number; valMae?: number; valMse?: number; valR2?: number;
}

export interface StepEvent {
  type: 'step'; runId: string; step: number; epoch: number; loss: number; metrics: { accuracy?: number }; lr: number; samplesPerSec: number;
  /** Estimated seconds left in the run. */
  etaSec: number;
  /** Optimizer steps in the whole run (epochs × steps per epoch). */
  totalSteps: number;
}

export interface EpochEvent {
  type: 'epoch'; runId: string; step: number; epoch: number; loss: number;
  /** Training metrics (accuracy, topK, precision, recall, f1, mae, mse, r2 as configured), valLoss, and validation metrics prefixed `val`. */
  metrics: EpochMetrics; lr: number; samplesPerSec: number; etaSec: number;
  /** counts[true][predicted] on the validation set (training set without one); classification only. */
  confusion?: number[][];
  /** This epoch has the best monitored (validation, else training) loss so far. */
  best: boolean;
  /** Probability of each class at each grid point, row-major [res*res*classes], row 0 at the top (largest y); 2-D data only. */
  boundary?: BoundaryGrid;
  /**
   * When the job set histogramBins: for each parameter (`<nodeId>.<param>`, graph order) a
   * histogram of its weights and of the gradient of the epoch's last optimizer step — bins
   * (Uint32Array counts over [lo, hi]), min, max, mean, std, and non-finite values counted,
   * not binned. At most 128 KiB per event (estimated): many parameters get fewer bins, and
   * past that the last ones are left out (`omitted`). See histograms.ts.
   */
  histograms?: EpochHistograms;
}

export interface DoneEvent {
  type: 'done'; runId: string; step: number; epoch: number;
  /** 'completed' | 'stopped' by the user | 'diverged' (NaN/Inf loss or gradients; the last good weights kept). */
  reason: 'completed' | 'stopped' | 'diverged'; loss: number; metrics: EpochMetrics; message?: string;
  /** Early stopping ended the run before its last epoch (reason is 'completed'). */
  earlyStopped?: boolean;
  /** keepBest restored the weights of this epoch. */
  restoredEpoch?: number;
  /** How the steps ran (a compiled plan, or eagerly and why: engine/train/trainStep.ts). */
  execution?: 'compiled' | 'eager';
  eagerReason?: string;
}

/** The run paused (after `pause`) or resumed (after `resume`) between two steps. */
export interface PauseEvent {
  type: 'paused' | 'resumed'; runId: string; step: number; epoch: number;
}

/** What a training session reports, in order: steps and epochs, pauses, then one 'done'. */
export type SessionEvent = StepEvent | EpochEvent | DoneEvent | PauseEvent;

export interface TrainJob {
  runId: string;
  graph: GraphJSON;
  dataset: DatasetSpec;
  config: TrainConfig;
  /** Side of the square grid the decision boundary is sampled on (0: none). */
  boundaryResolution: number;
  /** Bins per weight / gradient histogram in each epoch event (histograms.ts); 0 or absent: none. */
  histogramBins?: number;
  /** Start from these weights (safetensors) instead of a fresh initialisation: continue a run. */
  initialWeights?: Uint8Array;
  /**
   * Continue a run exactly (weights, optimizer, scheduler, RNG, loader position): the run then
   * trains `config.epochs` more epochs, its schedule spanning the whole run (checkpoint.ts).
   */
  resumeFrom?: Checkpoint | null;
}

/**
 * The GPU went away mid-run (driver reset, device lost, out of memory). Carries the weights
 * of the last finished epoch, read back to the host, so the run can continue on the CPU.
 */
export class RecoverableRunError extends FlowgradError {
  constructor(cause: FlowgradError, readonly weights: Uint8Array | null, readonly epoch: number) {
    super(cause.code, `${cause.message}${weights ? ` — the weights after epoch ${epoch} were kept: continue on the CPU to go on from there` : ''}`, { cause });
  }
}

export interface TrainOutcome {
  runId: string;
  reason: 'completed' | 'stopped' | 'diverged';
  weights: Uint8Array;
  final: Extract<SessionEvent, { type: 'done' }>;
  /** The run's state at its end, to continue from (always captured). */
  checkpoint: Checkpoint;
  /** What could not be carried over from `resumeFrom` (a changed optimizer, seed or schedule). */
  notes: string[];
  /** How raw inputs become model inputs (uploads); null for built-in data. */
  preprocessing: Preprocessing | null;
}

export interface TrainHooks {
  onEvent(e: SessionEvent): void;
  shouldStop(): boolean;
  /** While true, the run waits between steps (Stop still ends it). */
  shouldPause?(): boolean;
  /** Extra training callbacks (the CLI and tests use them). */
  callbacks?: TrainCallback[];
  /** Where uploaded datasets are read from (the browser's IndexedDB, files in Node). */
  io?: DataIO;
  /** Milliseconds to step aside for before the next step (the page's thread needs a core), asked after each. */
  pace?(): number;
  /** Data-parallel replicas for this run (engine/train/replicas; CPU backend), and what started. */
  replicas?: number;
  onReplicas?(r: ReplicaOutcome): void;
}

const noUploads: DataIO = {
  readUpload: () => Promise.reject(new FlowgradError('unsupported', 'uploaded datasets are not available here')),
};

export interface LoadedData {
  /** Augmentation the loader applies to each training batch (images); null when none is configured. */
  augment: TrainAugment | null;
  train: ArrayDataset;
  val: ArrayDataset | null;
  /** The held-out test split (uploads whose prep sets one aside), for evaluation only. */
  test: ArrayDataset | null;
  classNames: string[] | null;
  preprocessing: Preprocessing | null;
  sampleShape: number[];
  classes: number | null;
  extent: [number, number, number, number] | null;
}

/** Generates or reads the job's dataset and splits it as the config asks (seeded). */
export async function loadData(spec: DatasetSpec, config: Pick<TrainConfig, 'validationSplit' | 'seed'>, io: DataIO = noUploads): Promise<LoadedData> {
  const d = await resolveDataset(spec, io, { validationSplit: config.validationSplit, seed: config.seed });
  const withShape = (a: ArrayDataset): ArrayDataset => ({ ...a, sampleShape: d.sampleShape });
  const augment = d.augment && isAugmenting(d.augment) ? { config: d.augment, stats: d.stats } : null;
  return {
    augment, train: withShape(d.train), val: d.val ? withShape(d.val) : null, test: d.test ? withShape(d.test) : null, classNames: d.classNames,
    preprocessing: d.preprocessing ?? null, sampleShape: d.sampleShape, classes: d.classes, extent: d.extent,
  };
}

/** The 2-D plot square of a generated dataset (for decision boundaries). */
export function loadDataset(spec: DatasetSpec): { extent: [number, number, number, number] } {
  if (spec.kind !== 'builtin2d') throw new FlowgradError('bad-argument', `decision boundaries need a built-in 2-D dataset (got '${spec.kind}')`);
  return { extent: makeBuiltin2D(spec.name, spec).extent };
}

export function exportWeights(model: GraphModel): Uint8Array {
  const tensors: Parameters<typeof encodeSafetensors>[0] = {};
  for (const [name, p] of [...model.namedParameters(), ...model.namedBuffers()]) tensors[name] = { dtype: 'F32', shape: [...p.shape], data: Float32Array.from(p.dataSync()) };
  return encodeSafetensors(tensors, { format: 'flowgrad', producer: 'flowgrad' });
}

/** exportWeights for any backend (asynchronous reads). */
export async function exportWeightsAsync(model: GraphModel): Promise<Uint8Array> {
  const tensors: Parameters<typeof encodeSafetensors>[0] = {};
  for (const [name, p] of [...model.namedParameters(), ...model.namedBuffers()]) tensors[name] = { dtype: 'F32', shape: [...p.shape], data: Float32Array.from(await p.data()) };
  return encodeSafetensors(tensors, { format: 'flowgrad', producer: 'flowgrad' });
}

/** A model for `graph` with the weights from a safetensors file, ready for inference. */
/**
 * What a caller does to a model once its weights are in, before it computes (compress's int8
 * simulation: engine/compress/int8Model.ts) — the layers above train/ hand it down.
 */
export type ModelSetup = (model: GraphModel) => void;

export function modelWithWeights(graph: GraphJSON, weights: Uint8Array, setup?: ModelSetup): GraphModel {
  const model = new GraphModel(graph);
  try {
    loadWeightsInto(model, weights);
    setup?.(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.eval();
  return model;
}

/** Copies a safetensors file's tensors into the model's parameters (and buffers, when present). */
export function loadWeightsInto(model: GraphModel, weights: Uint8Array): void {
  const { tensors } = decodeSafetensors(weights);
  const own = Object.fromEntries(model.namedParameters());
  for (const [name, p] of Object.entries(own)) {
    const t = tensors[name];
    if (!t) throw new FlowgradError('bad-file', `the weights file has no tensor '${name}' for this graph`);
    if (t.shape.join(',') !== p.shape.join(',')) throw new FlowgradError('bad-file', `weights '${name}' are [${t.shape}] but the graph needs [${p.shape}]`);
    p.assign(Float32Array.from(t.data as ArrayLike<number>));
  }
  // Buffers (BatchNorm running statistics) are optional: files from before they were saved lack them.
  for (const [name, b] of model.namedBuffers()) {
    const t = tensors[name];
    if (t && t.shape.join(',') === b.shape.join(',')) b.assign(Float32Array.from(t.data as ArrayLike<number>));
  }
}

function gridPoints(extent: [number, number, number, number], resolution: number): Float32Array {
  const [x0, x1, y0, y1] = extent;
  const pts = new Float32Array(resolution * resolution * 2);
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const i = r * resolution + c;
      pts[2 * i] = x0 + ((c + 0.5) / resolution) * (x1 - x0);
      // Row 0 is the top of the plot: the largest y.
      pts[2 * i + 1] = y1 - ((r + 0.5) / resolution) * (y1 - y0);
    }
  }
  return pts;
}

/** boundaryOf for any backend (one asynchronous read). */
export async function boundaryOfAsync(model: GraphModel, extent: [number, number, number, number], resolution: number): Promise<BoundaryGrid> {
  const pts = gridPoints(extent, resolution);
  const out = noGrad(() => scope(() => model.probabilities(tensor(pts, { shape: [resolution * resolution, 2] }))));
  try {
    return { resolution, classes: model.outputSize, extent, probs: Float32Array.from(await out.data()) };
  } finally {
    out.dispose();
  }
}

export function boundaryOf(model: GraphModel, extent: [number, number, number, number], resolution: number): BoundaryGrid {
  const pts = gridPoints(extent, resolution);
  const probs = noGrad(() => scope(() => Float32Array.from(model.probabilities(tensor(pts, { shape: [resolution * resolution, 2] })).dataSync())));
  return { resolution, classes: model.outputSize, extent, probs };
}

function epochMetrics(r: EpochReport): EpochMetrics {
  const m: EpochMetrics = { ...r.metrics };
  if (r.valLoss !== undefined) m.valLoss = r.valLoss;
  for (const [k, v] of Object.entries(r.valMetrics ?? {}) as [keyof MetricValues, number][]) {
    if (v !== undefined) (m as Record<string, number>)[`val${k === 'r2' ? 'R2' : k === 'topK' ? 'TopK' : k[0]!.toUpperCase() + k.slice(1)}`] = v;
  }
  return m;
}

export async function runTraining(job: TrainJob, hooks: TrainHooks): Promise<TrainOutcome> {
  const noHalf = job.config.mixedPrecision ? mixedPrecisionUnavailable(backend()) : null;
  if (noHalf) throw new FlowgradError('unsupported', noHalf);
  const data = await loadData(job.dataset, job.config, hooks.io);
  manualSeed(job.config.seed);
  const model = new GraphModel(job.graph);
  // On a device that can be lost (a GPU), keep a host copy of each finished epoch's weights.
  const hostCopies = !backend().canReadSync;
  let saved: { weights: Uint8Array; epoch: number } | null = job.initialWeights ? { weights: job.initialWeights, epoch: 0 } : null;
  try {
    const vocab = data.preprocessing?.text?.vocab.length;
    shapesFit(model, { sampleShape: data.sampleShape, classes: data.classes, ...(vocab ? { vocabSize: vocab } : {}) });
    if (job.initialWeights) loadWeightsInto(model, job.initialWeights);
    const from = job.resumeFrom ?? null;
    if (from) loadWeightsInto(model, from.weights);
    const resume = new FitResume(from);
    // Resuming trains config.epochs more epochs (a partly trained epoch is the first of them):
    // fit counts epochs over the whole run, so the schedule spans it.
    const config = from ? { ...job.config, epochs: from.meta.epoch + job.config.epochs } : job.config;
    const extent = data.extent;
    const wantsBoundary = job.boundaryResolution > 0 && data.sampleShape.join(',') === '2' && extent !== null;
    const step = (r: StepReport): SessionEvent => ({
      type: 'step', runId: job.runId, step: r.step, epoch: r.epoch, loss: r.loss, metrics: r.accuracy !== undefined ? { accuracy: r.accuracy } : {},
      lr: r.lr, samplesPerSec: r.samplesPerSec, etaSec: r.etaSec, totalSteps: r.totalSteps,
    });
    let lastStep: StepReport | null = null;
    // Runs before the emitter below, so each epoch event carries its epoch's histograms.
    const histograms = job.histogramBins ? new HistogramRecorder(job.histogramBins) : null;
    const result: FitResult = await fit(model, data.train, data.val, config, {
      resume,
      ...(hooks.replicas ? { replicas: hooks.replicas } : {}),
      ...(hooks.onReplicas ? { onReplicas: hooks.onReplicas } : {}),
      shouldStop: hooks.shouldStop,
      ...(hooks.shouldPause ? { shouldPause: hooks.shouldPause } : {}),
      ...(hooks.pace ? { pace: hooks.pace } : {}),
      onPause: (paused, at) => hooks.onEvent({ type: paused ? 'paused' : 'resumed', runId: job.runId, ...at }),
      ...(data.augment ? { augment: data.augment } : {}),
      callbacks: [
        ...(histograms ? [histograms] : []),
        {
          onStep: (r) => {
            lastStep = r;
            hooks.onEvent(step(r));
          },
          onEpochEnd: async (r: EpochReport) => {
            if (hostCopies) saved = { weights: await exportWeightsAsync(model), epoch: r.epoch };
            const boundary = wantsBoundary ? await boundaryOfAsync(model, extent, job.boundaryResolution) : undefined;
            hooks.onEvent({
              type: 'epoch', runId: job.runId, step: r.step, epoch: r.epoch, loss: r.loss, metrics: epochMetrics(r), lr: r.lr,
              samplesPerSec: r.samplesPerSec, etaSec: r.etaSec, best: r.best, ...(r.confusion ? { confusion: r.confusion } : {}), ...(boundary ? { boundary } : {}),
              ...(histograms?.latest ? { histograms: histograms.latest } : {}),
            });
          },
        },
        ...(hooks.callbacks ?? []),
      ],
    });
    const final: TrainOutcome['final'] = {
      type: 'done',
      runId: job.runId,
      step: result.steps,
      epoch: result.last?.epoch ?? 0,
      reason: result.reason,
      loss: result.last?.loss ?? (lastStep as StepReport | null)?.loss ?? NaN,
      metrics: result.last ? epochMetrics(result.last) : (lastStep as StepReport | null)?.accuracy !== undefined ? { accuracy: (lastStep as StepReport | null)!.accuracy! } : {},
      ...(result.reason === 'diverged' ? { message: result.message ?? 'Training diverged: the loss became NaN or infinite. The last good weights were kept — try a lower learning rate.' } : {}),
      ...(result.earlyStopped ? { earlyStopped: true, message: `Early stopping: no improvement for ${job.config.earlyStopping?.patience ?? 0} epochs.` } : {}),
      ...(result.restoredEpoch !== undefined ? { restoredEpoch: result.restoredEpoch } : {}),
      ...(result.execution ? { execution: result.execution } : {}),
      ...(result.eagerReason ? { eagerReason: result.eagerReason } : {}),
    };
    hooks.onEvent(final);
    const weights = await exportWeightsAsync(model);
    const state = resume.captured!;
    return { runId: job.runId, reason: result.reason, weights, final, checkpoint: { meta: state.meta, optimizer: state.optimizer, weights }, notes: resume.notes, preprocessing: data.preprocessing };
  } catch (e) {
    if (e instanceof FlowgradError && e.code === 'backend' && hostCopies) throw new RecoverableRunError(e, saved?.weights ?? null, saved?.epoch ?? 0);
    throw e;
  } finally {
    model.dispose();
  }
}

/** Runs the model on rows of inputs; any backend (one asynchronous read). */
export async function predictRows(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number, setup?: ModelSetup): Promise<Float32Array> {
  const model = modelWithWeights(graph, weights, setup);
  try {
    const inShape = model.inputShape;
    const perRow = inputs.length / Math.max(1, rows);
    const shape = inShape.reduce((a, b) => a * b, 1) === perRow ? [rows, ...inShape] : [rows, perRow];
    const out = noGrad(() => scope(() => model.forward(tensor(inputs, { shape }))));
    try {
      return Float32Array.from(await out.data());
    } finally {
      out.dispose();
    }
  } finally {
    model.dispose();
  }
}

export async function boundaryGrid(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number, setup?: ModelSetup): Promise<BoundaryGrid> {
  const model = modelWithWeights(graph, weights, setup);
  try {
    return await boundaryOfAsync(model, loadDataset(dataset).extent, resolution);
  } finally {
    model.dispose();
  }
}
