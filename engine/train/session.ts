/**
 * What the worker (and the CLI) ask of the engine, as plain data in and out: train a graph on
 * a dataset and stream events; predict rows with saved weights; sample a decision boundary.
 * Weights travel as standard safetensors bytes, named `<nodeId>.<param>`.
 */
import type { GraphJSON } from '../graph/types.ts';
import type { DatasetSpec, TrainConfig } from './config.ts';
import { GraphModel } from './graphModel.ts';
import { fit, evaluate } from './fit.ts';
import type { EpochReport } from './fit.ts';
import { splitDataset } from './split.ts';
import type { ArrayDataset } from './split.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { encodeSafetensors, decodeSafetensors } from '../io/safetensors.ts';
import { FlowgradError } from '../core/errors.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { scope } from '../core/memory.ts';
import { noGrad } from '../autograd/mode.ts';
import { shapesFit } from './dataFit.ts';

export interface BoundaryGrid {
  resolution: number;
  classes: number;
  extent: [number, number, number, number];
  probs: Float32Array;
}

export type SessionEvent =
  | { type: 'step'; runId: string; step: number; epoch: number; loss: number; metrics: { accuracy?: number }; lr: number; samplesPerSec: number }
  | { type: 'epoch'; runId: string; step: number; epoch: number; loss: number; metrics: { accuracy?: number; valLoss?: number; valAccuracy?: number }; lr: number; samplesPerSec: number; boundary?: BoundaryGrid }
  | { type: 'done'; runId: string; step: number; epoch: number; reason: 'completed' | 'stopped' | 'diverged'; loss: number; metrics: { accuracy?: number; valLoss?: number; valAccuracy?: number }; message?: string };

export interface TrainJob {
  runId: string;
  graph: GraphJSON;
  dataset: DatasetSpec;
  config: TrainConfig;
  boundaryResolution: number;
}

export interface TrainOutcome {
  runId: string;
  reason: 'completed' | 'stopped' | 'diverged';
  weights: Uint8Array;
  final: Extract<SessionEvent, { type: 'done' }>;
}

export function loadDataset(spec: DatasetSpec): ArrayDataset & { classes: number; extent: [number, number, number, number] } {
  if (spec.kind !== 'builtin2d') throw new FlowgradError('bad-argument', `unknown dataset kind '${(spec as { kind: string }).kind}'`);
  const d = makeBuiltin2D(spec.name, spec);
  return { x: d.x, y: d.y, rows: d.y.length, features: 2, classes: d.classes, extent: d.extent };
}

export function exportWeights(model: GraphModel): Uint8Array {
  const tensors: Parameters<typeof encodeSafetensors>[0] = {};
  for (const [name, p] of model.namedParameters()) tensors[name] = { dtype: 'F32', shape: [...p.shape], data: Float32Array.from(p.dataSync()) };
  return encodeSafetensors(tensors, { format: 'flowgrad', producer: 'flowgrad' });
}

/** A model for `graph` with the weights from a safetensors file, ready for inference. */
export function modelWithWeights(graph: GraphJSON, weights: Uint8Array): GraphModel {
  const model = new GraphModel(graph);
  const { tensors } = decodeSafetensors(weights);
  const own = Object.fromEntries(model.namedParameters());
  for (const [name, p] of Object.entries(own)) {
    const t = tensors[name];
    if (!t) throw new FlowgradError('bad-file', `the weights file has no tensor '${name}' for this graph`);
    if (t.shape.join(',') !== p.shape.join(',')) throw new FlowgradError('bad-file', `weights '${name}' are [${t.shape}] but the graph needs [${p.shape}]`);
    p.assign(Float32Array.from(t.data as ArrayLike<number>));
  }
  model.eval();
  return model;
}

export function boundaryOf(model: GraphModel, extent: [number, number, number, number], resolution: number): BoundaryGrid {
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
  const probs = noGrad(() => scope(() => Float32Array.from(model.probabilities(tensor(pts, { shape: [resolution * resolution, 2] })).dataSync())));
  return { resolution, classes: model.outputSize, extent, probs };
}

export async function runTraining(job: TrainJob, hooks: { onEvent(e: SessionEvent): void; shouldStop(): boolean }): Promise<TrainOutcome> {
  const data = loadDataset(job.dataset);
  const { train, val } = splitDataset(data, job.config.validationSplit, job.config.seed);
  manualSeed(job.config.seed);
  const model = new GraphModel(job.graph);
  try {
    shapesFit(model, { sampleShape: [data.features], classes: data.classes });
    const wantsBoundary = job.boundaryResolution > 0 && data.features === 2;
    const result = await fit(model, train, val, job.config, {
      shouldStop: hooks.shouldStop,
      onStep: (r) => hooks.onEvent({ type: 'step', runId: job.runId, step: r.step, epoch: r.epoch, loss: r.loss, metrics: r.accuracy !== undefined ? { accuracy: r.accuracy } : {}, lr: r.lr, samplesPerSec: r.samplesPerSec }),
      onEpoch: (r: EpochReport) => {
        const boundary = wantsBoundary ? boundaryOf(model, data.extent, job.boundaryResolution) : undefined;
        hooks.onEvent({ type: 'epoch', runId: job.runId, step: r.step, epoch: r.epoch, loss: r.loss, metrics: metricsOf(r), lr: r.lr, samplesPerSec: r.samplesPerSec, ...(boundary ? { boundary } : {}) });
      },
    });
    const finalEval = evaluate(model, train);
    const final: TrainOutcome['final'] = {
      type: 'done',
      runId: job.runId,
      step: result.steps,
      epoch: result.last?.epoch ?? 0,
      reason: result.reason,
      loss: result.last?.loss ?? finalEval.loss,
      metrics: result.last ? metricsOf(result.last) : finalEval.accuracy !== undefined ? { accuracy: finalEval.accuracy } : {},
      ...(result.reason === 'diverged' ? { message: 'Training diverged: the loss became NaN or infinite. The last good weights were kept — try a lower learning rate.' } : {}),
    };
    hooks.onEvent(final);
    return { runId: job.runId, reason: result.reason, weights: exportWeights(model), final };
  } finally {
    model.dispose();
  }
}

function metricsOf(r: EpochReport): { accuracy?: number; valLoss?: number; valAccuracy?: number } {
  const m: { accuracy?: number; valLoss?: number; valAccuracy?: number } = {};
  if (r.accuracy !== undefined) m.accuracy = r.accuracy;
  if (r.valLoss !== undefined) m.valLoss = r.valLoss;
  if (r.valAccuracy !== undefined) m.valAccuracy = r.valAccuracy;
  return m;
}

export function predictRows(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number): Float32Array {
  const model = modelWithWeights(graph, weights);
  try {
    const features = inputs.length / Math.max(1, rows);
    return noGrad(() => scope(() => Float32Array.from(model.forward(tensor(inputs, { shape: [rows, features] })).dataSync())));
  } finally {
    model.dispose();
  }
}

export function boundaryGrid(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number): BoundaryGrid {
  const model = modelWithWeights(graph, weights);
  try {
    return boundaryOf(model, loadDataset(dataset).extent, resolution);
  } finally {
    model.dispose();
  }
}
