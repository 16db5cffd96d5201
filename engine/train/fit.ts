/**
 * The training loop for in-memory datasets, written for every backend: a small loop over
 * callbacks (callbacks/types.ts), as short methods of one run (FitRun). The step loop never
 * reads back synchronously. Each step runs in one scope (forward, backward, clipping,
 * optimizer, scheduler); its loss and prediction stay on the device until the loop reads the
 * last `readEvery` steps at once with `await data()` (and at every epoch end), then reports
 * them as step events with samples/s and ETA. Training batches come from the data loader
 * (engine/data/loader.ts: seeded shuffle, augmentation, the next batch built while this step
 * awaits, fresh arrays the tensors adopt without a copy). The loop itself does
 * gradient accumulation, validation and metrics per epoch, and pause/resume/stop between
 * steps; early stopping, keep-best weights and the NaN/Inf guard (which stops the run and
 * restores the last good weights) are callbacks in callbacks/, run like the user's.
 * It yields to the host every ~30 ms so a worker stays responsive to Stop and Pause.
 */
import { now, sleep, yieldToHost } from '../core/host.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { clipGradNormScale, clipGradValue } from '../optim/clip.ts';
import { GradScaler } from '../amp/scaler.ts';
import { accuracy, argmaxRows } from '../metrics/metrics.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from './graphModel.ts';
import type { ArrayDataset } from '../data/split.ts';
import { makeScheduler, stepsPerEpoch } from './schedule.ts';
import { evaluate, metricPlan, newAccumulator, type MetricPlan } from './evaluate.ts';
import { adoptTensor } from '../ops/creation.ts';
import { DataLoader, type Batch } from '../data/loader.ts';
import { isAugmenting } from '../data/augment.ts';
import type { AugmentConfig, NormStats } from '../project/dataTypes.ts';
import { makeOptimizer } from './optimizers.ts';
import { disposePending, readAll, type Pending, type ReadStep } from './readback.ts';
import { NanGuard } from './callbacks/nanGuard.ts';
import { KeepBest } from './callbacks/keepBest.ts';
import { EarlyStopping } from './callbacks/earlyStopping.ts';
import type { EpochReport, FitContext, FitResult, StepReport, TrainCallback } from './callbacks/types.ts';
import type { FitResume } from './checkpoint.ts';
import { concat } from '../ops/shape.ts';
import { TrainStep } from './trainStep.ts';
import { ReplicaGroup, type ReplicaOutcome } from './replicas/group.ts';
import { replicaRefusal } from './replicas/safety.ts';

export type { EpochReport, FitContext, FitResult, StepRead, StepReport, TrainCallback } from './callbacks/types.ts';
export { makeOptimizer } from './optimizers.ts';

export interface FitCallbacks {
  onStep?(r: StepReport): void;
  onEpoch?(r: EpochReport): void | Promise<void>;
  shouldStop?(): boolean;
  /** Polled between steps: while it returns true the loop waits (Stop still ends the run). */
  shouldPause?(): boolean;
  /** Called when the loop actually pauses (true) and resumes (false). */
  onPause?(paused: boolean, at: { step: number; epoch: number }): void;
  /**
   * Asked after every step: milliseconds to step aside for before the next one (the host's UI
   * thread needs a core: workers/uiPace.ts), or 0 to go on.
   */
  pace?(): number;
  callbacks?: TrainCallback[];
  /**
   * Augmentation of training batches, done by the loader as it builds each one (seeded by
   * cfg.seed and the epoch, so every epoch sees new variants); validation data never is.
   */
  augment?: TrainAugment | null;
  /** Sees each training batch as the loader built it, just before its step (read it, do not change it). */
  onBatch?(b: Batch, epoch: number): void;
  /**
   * Replaces the model's own loss for training steps (validation keeps the model's loss):
   * knowledge distillation trains against a teacher's logits (engine/compress/distill.ts).
   */
  loss?(x: Tensor, y: Tensor): { loss: Tensor; prediction: Tensor };
  /** Continue a checkpointed run exactly (and capture its state at the end): train/checkpoint.ts. */
  resume?: FitResume | null;
  /** Data-parallel replicas (train/replicas): each micro-batch split across this many workers; 1 or absent: one. */
  replicas?: number;
  /** Told once, before the first step, how many replicas train and why not as many as asked. */
  onReplicas?(r: ReplicaOutcome): void;
}

export interface TrainAugment {
  config: AugmentConfig;
  /** The normalisation the data went through (what a raw 0 and one raw unit are now). */
  stats: NormStats | null;
}

/** The loader fit draws training batches from: epoch e (from 1) streams `loader.stream(e - 1)`. */
export function trainLoader(train: ArrayDataset, cfg: Pick<TrainConfig, 'batchSize' | 'seed'>, augment?: TrainAugment | null): DataLoader {
  const aug = augment && isAugmenting(augment.config) ? augment : null;
  return new DataLoader(train, {
    batchSize: Math.max(1, Math.min(cfg.batchSize, train.rows)),
    ...(train.sampleShape ? { sampleShape: train.sampleShape } : {}),
    seed: cfg.seed,
    augment: aug?.config ?? null,
    stats: aug?.stats ?? null,
  });
}

/** Accuracy of one step's predictions (classification), from host arrays. */
function stepAccuracy(plan: MetricPlan, pred: Float32Array, y: Int32Array | Float32Array): number | undefined {
  if (!plan.classification) return undefined;
  const predicted = plan.classes > 1 ? argmaxRows(pred, plan.classes) : Int32Array.from(pred, (p) => (p >= (plan.logits ? 0 : 0.5) ? 1 : 0));
  return accuracy(predicted, y);
}


/** What one run holds between steps and epochs. */
interface RunState {
  step: number;
  last: EpochReport | null;
  lastYield: number;
  trainMs: number;
  segmentStart: number;
  epochSeen: number;
  epochStart: number;
  acc: ReturnType<typeof newAccumulator>;
  lossSum: number;
  lossRows: number;
  bestLoss: number | null;
  result: FitResult | null;
  stopRequested: boolean;
}

export async function fit(model: GraphModel, train: ArrayDataset, val: ArrayDataset | null, cfg: TrainConfig, cb: FitCallbacks = {}): Promise<FitResult> {
  return new FitRun(model, train, val, cfg, cb).run();
}

/**
 * One call of fit: what is fixed for the run (optimizer, scheduler, loader, callbacks) set up
 * once, the mutable counters in `st`, and the loop as short methods — a step (runMicro), a
 * readback (flush → reportStep), an epoch (runEpoch → endEpoch), pause/stop.
 */
class FitRun {
  private readonly opt: ReturnType<typeof makeOptimizer>;
  private readonly batch: number;
  private readonly accum: number;
  private readonly perEpoch: number;
  private readonly totalSteps: number;
  private readonly sched: ReturnType<typeof makeScheduler>;
  private readonly readEvery: number;
  private readonly plan: MetricPlan;
  private readonly wantPreds: boolean;
  private readonly loader: DataLoader;
  private readonly scaler: GradScaler | null;
  private readonly resume: FitResume | null;
  private readonly callbacks: TrainCallback[];
  private readonly ctx: FitContext;
  private readonly pending: Pending[] = [];
  private readonly st: RunState;
  private readonly step: TrainStep;
  private group: ReplicaGroup | null = null;

  constructor(
    private readonly model: GraphModel,
    private readonly train: ArrayDataset,
    private readonly val: ArrayDataset | null,
    private readonly cfg: TrainConfig,
    private readonly cb: FitCallbacks,
  ) {
    const opt = this.opt = makeOptimizer(model, cfg);
    this.batch = Math.max(1, Math.min(cfg.batchSize, train.rows));
    this.accum = Math.max(1, Math.floor(cfg.gradAccumSteps ?? 1));
    this.perEpoch = stepsPerEpoch(train.rows, { batchSize: this.batch, gradAccumSteps: this.accum });
    this.totalSteps = this.perEpoch * cfg.epochs;
    this.sched = makeScheduler(cfg, opt, this.perEpoch);
    this.readEvery = Math.max(1, Math.floor(cfg.readEvery ?? 10));
    this.plan = metricPlan(model, train, cfg);
    this.wantPreds = this.plan.names.length > 0 || this.plan.classification;
    this.loader = trainLoader(train, cfg, cb.augment);
    const scaler = this.scaler = cfg.mixedPrecision ? new GradScaler() : null;
    const resume = this.resume = cb.resume ?? null;
    resume?.restore(model, cfg, opt, this.sched, scaler);
    // Order matters: the guard reads first; keep-best restores before the user's onTrainEnd; early stopping decides last.
    this.callbacks = [
      new NanGuard(),
      ...(cfg.keepBest ? [new KeepBest()] : []),
      ...(cb.onStep || cb.onEpoch ? [{ onStep: (r: StepReport) => cb.onStep?.(r), onEpochEnd: (r: EpochReport) => cb.onEpoch?.(r) }] : []),
      ...(cb.callbacks ?? []),
      ...(cfg.earlyStopping ? [new EarlyStopping(cfg.earlyStopping.patience, resume?.sinceBest ?? 0)] : []),
      ...(resume ? [resume] : []),
    ];
    const t0 = now();
    const st: RunState = this.st = { step: resume?.step ?? 0, last: null, lastYield: t0, trainMs: 0, segmentStart: t0, epochSeen: 0, epochStart: t0, acc: newAccumulator(this.plan), lossSum: 0, lossRows: 0, bestLoss: resume?.best?.loss ?? null, result: null, stopRequested: false };
    this.step = new TrainStep(model, cfg, cb.loss ?? null, scaler);
    this.ctx = {
      model, optimizer: opt, config: cfg, mixedPrecision: scaler !== null,
      diverge: (message) => { st.result = { reason: 'diverged', last: st.last, steps: st.step, message }; },
    };
  }

  async run(): Promise<FitResult> {
    const { model, cfg, resume, callbacks, ctx } = this;
    try {
      await this.startReplicas();
      for (const c of callbacks) c.onTrainStart?.(ctx);
      model.train();
      for (let epoch = resume?.startEpoch ?? 1; epoch <= cfg.epochs; epoch++) {
        const ended = await this.runEpoch(epoch);
        if (ended) return ended;
      }
      return this.finish({ reason: 'completed', last: this.st.last, steps: this.st.step });
    } finally {
      try {
        // Before the optimizer is freed: the checkpoint reads its state.
        await resume?.capture(model, cfg, this.opt, this.st.step, this.sched, this.scaler);
      } finally {
        disposePending(this.pending);
        this.group?.dispose();
        this.step.dispose();
        for (const c of callbacks) c.dispose?.();
        model.eval();
        this.opt.dispose();
        this.scaler?.dispose();
      }
    }
  }

  /** Starts the replicas a run asked for, or says why it trains on one worker. */
  private async startReplicas(): Promise<void> {
    const { cb, model, cfg } = this;
    const asked = Math.max(1, Math.floor(cb.replicas ?? 1));
    if (asked === 1) return;
    const refused = replicaRefusal(model.graph, cfg, cb.loss !== undefined);
    const got = refused ? { replicas: 1, reason: refused } : await ReplicaGroup.start(asked, model, this.train, this.batch, this.step.compiled);
    if (got instanceof ReplicaGroup) this.group = got;
    cb.onReplicas?.(got instanceof ReplicaGroup ? { replicas: got.size, reason: null } : got);
  }

  /** One epoch of steps, then its report; the run's result when the run ends here, else null. */
  private async runEpoch(epoch: number): Promise<FitResult | null> {
    const st = this.st;
    st.epochStart = now();
    st.epochSeen = 0;
    st.acc = newAccumulator(this.plan);
    st.lossSum = 0;
    st.lossRows = 0;
    for (const c of this.callbacks) c.onEpochStart?.(epoch, this.ctx);
    let micro = 0;
    for await (const b of this.loader.stream(epoch - 1)) {
      if (this.resume?.passOver(epoch)) {
        micro++;
        continue;
      }
      st.stopRequested ||= await this.pauseOrStop(epoch);
      if (st.stopRequested && micro % this.accum === 0) return (await this.flush()) ? this.finish({ reason: 'stopped', last: st.last, steps: st.step }) : this.diverged();
      const stepDone = this.runMicro(b, epoch, micro++);
      if (stepDone && this.pending.length >= this.readEvery && !(await this.flush())) return this.diverged();
      const rest = this.cb.pace?.() ?? 0;
      if (rest > 0) {
        await sleep(rest);
        st.lastYield = now();
      } else if (now() - st.lastYield > 30) {
        await yieldToHost();
        st.lastYield = now();
      }
    }
    if (!(await this.flush())) return this.diverged();
    if ((await this.endEpoch(epoch)) && epoch < this.cfg.epochs) return this.finish({ reason: 'completed', last: st.last, steps: st.step, earlyStopped: true });
    await yieldToHost();
    st.lastYield = now();
    return null;
  }

  private report(s: number, epoch: number, loss: number, lr: number, extra: { accuracy?: number } = {}): StepReport {
    const st = this.st;
    const ms = Math.max(1e-3, st.trainMs + (now() - st.segmentStart));
    return {
      step: s, epoch, loss, ...extra, lr,
      samplesPerSec: (st.epochSeen / Math.max(1e-3, now() - st.epochStart)) * 1000,
      etaSec: ((this.totalSteps - s) * ms) / Math.max(1, s) / 1000,
      stepsPerEpoch: this.perEpoch, totalSteps: this.totalSteps,
    };
  }

  /** Reads every pending step, lets the callbacks judge them, tallies and reports the good ones; false when the run must end. */
  private async flush(): Promise<boolean> {
    const steps = await readAll(this.pending);
    let keep = steps.length;
    for (const c of this.callbacks) {
      const bad = c.onReadback?.(steps.slice(0, keep).map((s) => s.read), this.ctx);
      if (typeof bad === 'number') keep = Math.min(keep, bad);
    }
    for (const s of steps.slice(0, keep)) this.reportStep(s);
    return this.st.result === null;
  }

  private reportStep(s: ReadStep): void {
    const st = this.st;
    let l = 0, rows = 0, hits = 0, hitRows = 0;
    for (const m of s.micro) {
      l += m.loss * m.n;
      rows += m.n;
      st.lossSum += m.loss * m.n;
      st.lossRows += m.n;
      if (m.pred) {
        const a = stepAccuracy(this.plan, m.pred, m.y);
        if (a !== undefined) {
          hits += a * m.n;
          hitRows += m.n;
        }
        st.acc.add(m.pred, m.y);
      }
    }
    const r = this.report(s.read.step, s.read.epoch, l / rows, s.lr, hitRows ? { accuracy: hits / hitRows } : {});
    for (const c of this.callbacks) c.onStep?.(r, this.ctx);
  }

  /** One micro-batch: forward, backward and, on a step's last micro-batch, the optimizer step; the loss stays on the device. */
  private runMicro(b: Batch, epoch: number, micro: number): boolean {
    const { train, cb, opt, batch, accum, st } = this;
    const from = b.index * batch;
    const lastMicro = micro % accum === accum - 1 || from + b.rows >= train.rows;
    const lrUsed = opt.lr;
    cb.onBatch?.(b, epoch);
    const out = scope(() => {
      if (micro % accum === 0) opt.zeroGrad();
      const groupSize = Math.min(accum, Math.ceil((train.rows - (from - (micro % accum) * batch)) / batch));
      const r = this.group ? this.group.run(this.step, b, groupSize) : this.step.run(adoptTensor(b.x, b.xShape), adoptTensor(b.y, b.yShape), groupSize);
      const probe = lastMicro ? this.optimizerStep() : null;
      const loss = r.loss.detach();
      return { loss: probe ? concat([loss.reshape([1]), probe.reshape([1])]) : loss, pred: this.wantPreds ? r.prediction.detach() : null };
    });
    if (lastMicro) st.step++;
    if (lastMicro) this.resume?.trained(epoch, micro + 1);
    st.epochSeen += b.rows;
    this.pending.push({ step: lastMicro ? st.step : st.step + 1, epoch, n: b.rows, loss: out.loss, pred: out.pred, yHost: b.y, lr: lrUsed });
    return lastMicro;
  }

  /** Clipping, the optimizer and per-step scheduler step (inside runMicro's scope); a callback's probe tensor to read back with the loss. */
  private optimizerStep(): Tensor | null {
    const { cfg, opt, scaler, sched } = this;
    let probe: Tensor | null = null;
    for (const c of this.callbacks) probe ??= c.probe?.(this.ctx) ?? null;
    if (scaler) {
      // Unscale, clip, skip on overflow and adjust the scale — all on the device.
      scaler.step(opt, { clipGradNorm: cfg.clipGradNorm ?? undefined, clipGradValue: cfg.clipGradValue ?? undefined });
    } else {
      if (cfg.clipGradValue) clipGradValue(opt.params, cfg.clipGradValue);
      opt.step({ gradScale: cfg.clipGradNorm ? clipGradNormScale(opt.params, cfg.clipGradNorm) : null });
    }
    if (sched?.interval === 'step') sched.step();
    for (const c of this.callbacks) c.onOptimizerStep?.(this.ctx);
    return probe;
  }

  /** Waits while paused; true when the user asked to stop. */
  private async pauseOrStop(epoch: number): Promise<boolean> {
    const { cb, st } = this;
    if (cb.shouldStop?.()) return true;
    if (!cb.shouldPause?.()) return false;
    st.trainMs += now() - st.segmentStart;
    cb.onPause?.(true, { step: st.step, epoch });
    while (cb.shouldPause() && !cb.shouldStop?.()) await sleep(25);
    cb.onPause?.(false, { step: st.step, epoch });
    st.segmentStart = now();
    return cb.shouldStop?.() ?? false;
  }

  /** Validation, metrics and the epoch report; the callbacks' onEpochEnd; true when one asked to stop. */
  private async endEpoch(epoch: number): Promise<boolean> {
    const { model, val, plan, cfg, opt, scaler, sched, st } = this;
    const trainMetrics = st.acc.compute(plan.names, plan.topK);
    const v = val ? await evaluate(model, val, plan) : null;
    const monitored = v ? v.loss : st.lossSum / Math.max(1, st.lossRows);
    const improved = st.bestLoss === null || monitored < st.bestLoss - (cfg.earlyStopping?.minDelta ?? 0);
    if (improved) st.bestLoss = monitored;
    const base = this.report(st.step, epoch, st.lossSum / Math.max(1, st.lossRows), opt.lr);
    const lossScale = scaler ? await scaler.read() : null;
    const last: EpochReport = st.last = {
      ...(lossScale ? { lossScale } : {}),
      ...base,
      ...(trainMetrics.values.accuracy !== undefined ? { accuracy: trainMetrics.values.accuracy } : {}),
      metrics: trainMetrics.values,
      ...(v ? { valLoss: v.loss, valMetrics: v.metrics, ...(v.metrics.accuracy !== undefined ? { valAccuracy: v.metrics.accuracy } : {}) } : {}),
      ...((v?.confusion ?? trainMetrics.confusion) ? { confusion: v?.confusion ?? trainMetrics.confusion } : {}),
      best: improved,
      monitored,
    };
    if (sched?.interval === 'epoch') sched.step(monitored);
    let stop = false;
    for (const c of this.callbacks) await c.onEpochEnd?.(last, { stop: () => (stop = true) }, this.ctx);
    return stop;
  }

  private finish(r: FitResult): FitResult {
    r.execution = this.step.compiled ? 'compiled' : 'eager';
    if (this.step.reason) r.eagerReason = this.step.reason;
    for (const c of this.callbacks) c.onTrainEnd?.(r, this.ctx);
    return r;
  }

  private diverged(): FitResult {
    return this.finish(this.st.result ?? { reason: 'diverged', last: this.st.last, steps: this.st.step });
  }
}
