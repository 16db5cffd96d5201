/**
 * The compression run the CLI (and later the worker) calls: from a trained project's graph,
 * weights and data, it builds the variants asked for — pruned (fine-tuned with the masks
 * held, then stripped), quantized (int8 or float16, of the pruned model when both are asked),
 * distilled (a student trained against the model) — and measures each against the baseline
 * on the same test rows (report.ts). Every variant keeps its graph, its float32 weights (the
 * values it computes with) and its compressed weight file.
 */
import { FlowgradError } from '../core/errors.ts';
import type { GraphJSON } from '../graph/types.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { DataIO } from '../data/resolve.ts';
import type { DatasetSpec, TrainConfig } from '../project/config.ts';
import { manualSeed } from '../ops/creation.ts';
import { GraphModel } from '../train/graphModel.ts';
import { fit, type EpochReport, type FitCallbacks, type StepReport } from '../train/fit.ts';
import { batchTensors } from '../train/evaluate.ts';
import { stepsPerEpoch } from '../train/schedule.ts';
import { loadData, modelWithWeights, type LoadedData } from '../train/session.ts';
import { PruneCallback, checkPruneOptions, sparsityReport, type PruneOptions } from './prune.ts';
import { encodeHostTensors, hostTensors, stripChannels } from './strip.ts';
import { channelGroups } from './channels.ts';
import { calibrate, quantizeModel, quantizeWeights, simulateQuantized, type Calibration, type QuantizedModel } from './quantize.ts';
import { checkQatEpochs, qatFinetune } from './qat.ts';
import { decodeFloat16, encodeFloat16, encodeInt8 } from './quantFile.ts';
import { checkDistillOptions, distillLossFn, studentRowsOf, suggestStudent, type DistillOptions } from './distill.ts';
import { gzipSize, measureModel, type VariantReport } from './report.ts';
import { measureWebgpuLatency } from './gpuLatency.ts';

export interface CompressJob {
  graph: GraphJSON;
  /** The trained weights (float32 safetensors). */
  weights: Uint8Array;
  dataset: DatasetSpec;
  config: TrainConfig;
  prune?: PruneOptions & { finetuneEpochs: number };
  /** int8 with `qatEpochs` > 0: quantization-aware fine-tuning for that many epochs before the int8 weights are made (qat.ts). */
  quantize?: { kind: 'int8' | 'float16'; calibration: Calibration; percentile?: number; calibrationBatches?: number; qatEpochs?: number };
  /**
   * Student: a graph, or null for the suggested copy at `width` (0.5) of the widths; trained
   * on the first `studentRows` training rows (all when absent; distill.ts studentRowsOf).
   */
  distill?: DistillOptions & { student: GraphJSON | null; width?: number; epochs?: number; studentRows?: number; compareWithoutTeacher?: boolean };
  latencyRuns?: number;
  /** Also time every variant on WebGPU when an adapter exists (the IDE's worker). */
  webgpuLatency?: boolean;
}

export interface CompressedVariant {
  report: VariantReport;
  graph: GraphJSON;
  /** float32 weights of the graph as the variant computes (dequantized for int8/float16). */
  weights: Uint8Array;
  /** The compressed weight file (int8 / float16 / float32 safetensors). */
  file: Uint8Array;
}

export interface CompressHooks {
  io?: DataIO;
  log?(line: string): void;
  /** Fine-tuning and distillation epochs, as training reports them. */
  onEpoch?(variant: string, r: EpochReport): void;
  /** Their steps (live curves in the IDE). */
  onStep?(variant: string, r: StepReport): void;
  /** A variant was measured (the report grows row by row). */
  onVariant?(v: CompressedVariant): void;
  /** Polled between steps and variants: true cancels the run (an 'aborted' error). */
  shouldStop?(): boolean;
}

const MAX_CALIBRATION_BATCHES = 64;

/** Throws 'aborted' once the caller asked to stop. */
function checkStop(hooks: CompressHooks): void {
  if (hooks.shouldStop?.()) throw new FlowgradError('aborted', 'compression cancelled');
}

/** The live-curve and stop hooks of one variant's training. */
function fitHooks(hooks: CompressHooks, variant: string): FitCallbacks {
  return {
    onEpoch: (r) => hooks.onEpoch?.(variant, r),
    onStep: (r) => hooks.onStep?.(variant, r),
    ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
  };
}

/** Runs the job: the baseline first, then each variant asked for. */
export async function compressModel(job: CompressJob, hooks: CompressHooks = {}): Promise<CompressedVariant[]> {
  if (!job.prune && !job.quantize && !job.distill) throw new FlowgradError('bad-argument', 'compress: ask for at least one of pruning, quantization or distillation');
  if (job.prune) checkPruneOptions(job.prune);
  if (job.distill) checkDistillOptions(job.distill);
  if (job.quantize) checkQatEpochs(job.quantize);
  const log = hooks.log ?? (() => {});
  const data = await loadData(job.dataset, job.config, hooks.io);
  const test = data.test ?? data.val ?? data.train;
  const split = data.test ? 'test' : data.val ? 'validation' : 'training';
  log(`scoring every variant on the ${split} split (${test.rows} rows)`);
  const cfg: TrainConfig = { ...job.config, keepBest: false, earlyStopping: null };
  const latencyRuns = job.latencyRuns ?? 30;
  const variants: CompressedVariant[] = [];
  let baseline: VariantReport | null = null;

  const measure = async (name: string, method: string, model: GraphModel, file: Uint8Array, format: VariantReport['file']['format'], extra: Partial<VariantReport> = {}): Promise<CompressedVariant> => {
    const m = await measureModel(model, test, cfg, latencyRuns);
    const a = analyzeGraph(model.graph);
    const score = (r: { accuracy?: number; loss: number }) => r.accuracy ?? r.loss;
    const report: VariantReport = {
      name, method, parameters: a.totalParams, nonZeros: m.nonZeros, flops: a.totalFlops,
      file: { format, bytes: file.byteLength, gzipBytes: gzipSize(file) },
      loss: m.loss, ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}),
      delta: baseline ? score(m) - score(baseline) : 0, latencyMs: m.latencyMs, ...extra,
    };
    const v: CompressedVariant = { report, graph: model.graph, weights: encodeHostTensors(hostTensors(model)), file };
    variants.push(v);
    hooks.onVariant?.(v);
    log(`${name}: ${report.accuracy !== undefined ? `accuracy ${(report.accuracy * 100).toFixed(2)}%` : `loss ${report.loss.toFixed(4)}`}, ${report.file.gzipBytes.toLocaleString('en-US')} bytes gzipped`);
    return v;
  };

  const base = modelWithWeights(job.graph, job.weights);
  let current: CompressedVariant;
  try {
    current = await measure('baseline', 'the trained model (float32)', base, job.weights, 'float32');
    baseline = current.report;
  } finally {
    base.dispose();
  }

  checkStop(hooks);
  if (job.prune) current = await pruneVariant(job.prune, current, data, cfg, hooks, measure);
  checkStop(hooks);
  if (job.quantize) await quantizeVariant(job.quantize, current, data, cfg, hooks, measure);
  checkStop(hooks);
  if (job.distill) await distillVariants(job.distill, job, data, cfg, hooks, measure);
  checkStop(hooks);
  if (job.webgpuLatency && await measureWebgpuLatency(variants, test.x.slice(0, test.features), latencyRuns)) log('timed every variant on WebGPU too');
  return variants;
}

type Measure = (name: string, method: string, model: GraphModel, file: Uint8Array, format: VariantReport['file']['format'], extra?: Partial<VariantReport>) => Promise<CompressedVariant>;

async function pruneVariant(o: NonNullable<CompressJob['prune']>, from: CompressedVariant, data: LoadedData, cfg: TrainConfig, hooks: CompressHooks, measure: Measure): Promise<CompressedVariant> {
  const model = modelWithWeights(from.graph, from.weights);
  const epochs = Math.max(0, Math.floor(o.finetuneEpochs));
  const cb = new PruneCallback(o, epochs, stepsPerEpoch(data.train.rows, cfg));
  try {
    if (epochs > 0) {
      manualSeed(cfg.seed);
      await fit(model, data.train, data.val, { ...cfg, epochs }, { callbacks: [cb], augment: data.augment, ...fitHooks(hooks, 'pruned') });
      checkStop(hooks);
    } else cb.update(model);
    model.eval();
    const what = `${o.mode === 'channels' ? 'channel' : o.mode === 'global' ? 'global magnitude' : 'magnitude'} pruning to ${Math.round(o.sparsity * 100)}% ${o.mode === 'channels' ? 'of the channels' : 'sparsity'}, ${o.schedule === 'polynomial' ? 'polynomial schedule' : 'one shot'}, ${epochs} fine-tuning epochs`;
    if (o.mode !== 'channels') {
      return await measure('pruned', what, model, encodeHostTensors(hostTensors(model)), 'float32', { layers: sparsityReport(model) });
    }
    const keep = cb.last!.keep;
    const stripped = stripChannels(model, keep);
    const small = new GraphModel(stripped.graph);
    try {
      small.loadStateDict(Object.fromEntries(Object.entries(stripped.tensors).map(([k, t]) => [k, t.data])));
      small.eval();
      const before = new Map(channelGroups(model.graph, model.analysis).map((g) => [g.producer, g.channels]));
      const channels = Object.fromEntries([...keep].map(([id, k]) => [id, { before: before.get(id) ?? k.length, after: k.length }]));
      return await measure('pruned', what, small, encodeHostTensors(stripped.tensors), 'float32', { channels });
    } finally {
      small.dispose();
    }
  } finally {
    cb.dispose();
    model.dispose();
  }
}

async function quantizeVariant(o: NonNullable<CompressJob['quantize']>, from: CompressedVariant, data: LoadedData, cfg: TrainConfig, hooks: CompressHooks, measure: Measure): Promise<CompressedVariant> {
  const model = modelWithWeights(from.graph, from.weights);
  const of = from.report.name === 'baseline' ? 'the trained model' : `the ${from.report.name} model`;
  try {
    if (o.kind === 'float16') {
      const file = encodeFloat16(hostTensors(model));
      const back = decodeFloat16(file);
      for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) t.assign(back[name]!.data);
      return await measure(`${from.report.name === 'baseline' ? '' : `${from.report.name}+`}float16`, `float16 weights of ${of}`, model, file, 'float16');
    }
    const n = Math.max(1, Math.min(MAX_CALIBRATION_BATCHES, Math.floor(o.calibrationBatches ?? 8)));
    const rows = Math.min(data.train.rows, n * Math.max(1, cfg.batchSize));
    const idx = Int32Array.from({ length: rows }, (_, i) => i);
    const bs = Math.max(1, cfg.batchSize);
    const batches = function* () {
      for (let f = 0; f < rows; f += bs) {
        const b = batchTensors(data.train, idx, f, Math.min(rows, f + bs));
        try {
          yield b.x;
        } finally {
          b.x.dispose();
          b.y.dispose();
        }
      }
    };
    const qat = Math.max(0, Math.floor(o.qatEpochs ?? 0));
    let qm: QuantizedModel;
    if (qat > 0) {
      // The ranges are calibrated on the model before fine-tuning and kept (qat.ts says why).
      const activations = calibrate(model, batches(), o.calibration, o.percentile);
      await qatFinetune(model, activations, data, cfg, qat, fitHooks(hooks, 'int8'));
      checkStop(hooks);
      model.eval();
      qm = { ...quantizeWeights(model), activations };
    } else qm = quantizeModel(model, batches(), o.calibration, o.percentile);
    simulateQuantized(model, qm);
    const how = qat > 0 ? `quantization-aware fine-tuning (${qat} epoch${qat === 1 ? '' : 's'}, straight-through estimator) of ${of}` : `post-training quantization of ${of}`;
    const method = `int8 ${how}: per-channel symmetric weights, per-tensor activations (${o.calibration === 'minmax' ? 'MinMax' : `percentile ${o.percentile ?? 99.99}`} on ${rows} training rows); accuracy simulated (fake-quant)`;
    return await measure(`${from.report.name === 'baseline' ? '' : `${from.report.name}+`}int8`, method, model, encodeInt8(qm), 'int8');
  } finally {
    model.dispose();
  }
}

async function distillVariants(o: NonNullable<CompressJob['distill']>, job: CompressJob, data: LoadedData, cfg: TrainConfig, hooks: CompressHooks, measure: Measure): Promise<void> {
  const studentGraph = o.student ?? suggestStudent(job.graph, o.width ?? 0.5);
  const teacher = modelWithWeights(job.graph, job.weights);
  const epochs = Math.max(1, Math.floor(o.epochs ?? cfg.epochs));
  const train = studentRowsOf(data.train, o.studentRows);
  const on = train.rows < data.train.rows ? ` on ${train.rows.toLocaleString('en-US')} of the ${data.train.rows.toLocaleString('en-US')} training rows` : '';
  try {
    const runs: [string, number][] = [['distilled', o.alpha], ...(o.compareWithoutTeacher ? [['student (no teacher)', 0] as [string, number]] : [])];
    for (const [name, alpha] of runs) {
      manualSeed(cfg.seed);
      const student = new GraphModel(studentGraph);
      try {
        const loss = distillLossFn(student, teacher, { temperature: o.temperature, alpha });
        await fit(student, train, data.val, { ...cfg, epochs }, { loss, augment: data.augment, ...fitHooks(hooks, name) });
        checkStop(hooks);
        student.eval();
        const method = alpha > 0 ? `student trained ${epochs} epochs${on} against the teacher (T = ${o.temperature}, α = ${alpha})` : `the same student trained ${epochs} epochs${on} on the labels only (same seed)`;
        await measure(name, method, student, encodeHostTensors(hostTensors(student)), 'float32');
      } finally {
        student.dispose();
      }
    }
  } finally {
    teacher.dispose();
  }
}
