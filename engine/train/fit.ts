/**
 * The training loop for in-memory datasets, written for every backend: the step loop never
 * reads back synchronously. Each step runs in one scope (forward, backward, clipping,
 * optimizer, scheduler); its loss and prediction stay on the device until the loop reads the
 * last `readEvery` steps at once with `await data()` (and at every epoch end), then reports
 * them as step events with samples/s and ETA. Training batches come from the data loader
 * (engine/data/loader.ts: seeded shuffle, augmentation, the next batch built while this step
 * awaits, fresh arrays the tensors adopt without a copy). Around that: gradient
 * accumulation, validation and metrics per epoch, early stopping, keep-best weights,
 * callbacks, pause/resume/stop between steps, and NaN/Inf detection that stops the run and
 * restores the last weights known to give a finite loss (device copies, see snapshot.ts).
 * It yields to the host every ~30 ms so a worker stays responsive to Stop and Pause.
 */
import { now, yieldToHost } from '../core/host.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { SGD } from '../optim/sgd.ts';
import { Adam, AdamW } from '../optim/adam.ts';
import { Adagrad, Lion, RMSprop } from '../optim/rmsprop.ts';
import { clipGradNormScale, clipGradValue } from '../optim/clip.ts';
import { autocast } from '../amp/autocast.ts';
import { GradScaler } from '../amp/scaler.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { MetricValues } from '../metrics/accumulator.ts';
import { accuracy, argmaxRows } from '../metrics/metrics.ts';
import type { TrainConfig } from './config.ts';
import type { GraphModel } from './graphModel.ts';
import type { ArrayDataset } from './split.ts';
import { makeScheduler, stepsPerEpoch } from './schedule.ts';
import { evaluate, metricPlan, newAccumulator, type MetricPlan } from './evaluate.ts';
import { adoptTensor } from '../ops/creation.ts';
import { DataLoader, type Batch } from '../data/loader.ts';
import { isAugmenting } from '../data/augment.ts';
import type { AugmentConfig, NormStats } from '../data/types.ts';
import { WeightSnapshot } from './snapshot.ts';
import type { FitResume } from './checkpoint.ts';

export interface StepReport {
  step: number;
  epoch: number;
  loss: number;
  accuracy?: number;
  lr: number;
  samplesPerSec: number;
  /** Estimated seconds until the run ends (at the current speed). */
  etaSec: number;
  /** Optimizer steps per epoch and in the whole run. */
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface EpochReport extends StepReport {
  valLoss?: number;
  valAccuracy?: number;
  /** The configured metrics on the training batches of this epoch. */
  metrics: MetricValues;
  /** The same on the validation set. */
  valMetrics?: MetricValues;
  /** counts[true][predicted] on the validation set (the training set without one); classification only. */
  confusion?: number[][];
  /** Whether this epoch has the best monitored loss so far (validation loss, else training loss). */
  best: boolean;
  /** Mixed precision: the loss scale S the gradients on the parameters are multiplied by, and the steps skipped so far. */
  lossScale?: { scale: number; skippedSteps: number };
}

/** A training callback; `control.stop()` ends the run after this epoch (reason 'completed', earlyStopped). */
export interface TrainCallback {
  onStep?(r: StepReport): void;
  onEpochEnd?(r: EpochReport, control: { stop(): void }): void | Promise<void>;
  onTrainEnd?(r: FitResult): void;
}

export interface FitCallbacks {
  onStep?(r: StepReport): void;
  onEpoch?(r: EpochReport): void | Promise<void>;
  shouldStop?(): boolean;
  /** Polled between steps: while it returns true the loop waits (Stop still ends the run). */
  shouldPause?(): boolean;
  /** Called when the loop actually pauses (true) and resumes (false). */
  onPause?(paused: boolean, at: { step: number; epoch: number }): void;
  callbacks?: TrainCallback[];
  /**
   * Augmentation of training batches, done by the loader as it builds each one (seeded by
   * cfg.seed and the epoch, so every epoch sees new variants); validation data never is.
   */
  augment?: TrainAugment | null;
  /** Sees each training batch as the loader built it, just before its step (read it, do not change it). */
  onBatch?(b: Batch, epoch: number): void;
  /** Continue from a checkpoint and/or capture one when the run ends (checkpoint.ts). */
  resume?: FitResume;
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

export interface FitResult {
  reason: 'completed' | 'stopped' | 'diverged';
  last: EpochReport | null;
  steps: number;
  /** Early stopping (or a callback) ended the run before the last epoch. */
  earlyStopped?: boolean;
  /** The epoch whose weights the model holds at the end when keepBest restored them. */
  restoredEpoch?: number;
}

export function makeOptimizer(model: GraphModel, cfg: TrainConfig): Optimizer {
  const o = cfg.optimizerOptions ?? {};
  const ps = model.parameters();
  const common = { lr: cfg.lr, ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}), ...(o.maximize !== undefined ? { maximize: o.maximize } : {}) };
  switch (cfg.optimizer) {
    case 'sgd': return new SGD(ps, { ...common, momentum: o.momentum ?? 0.9, dampening: o.dampening, nesterov: o.nesterov });
    case 'adam': return new Adam(ps, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'adamw': return new AdamW(ps, { ...common, betas: o.betas, eps: o.eps, amsgrad: o.amsgrad });
    case 'rmsprop': return new RMSprop(ps, { ...common, alpha: o.alpha, eps: o.eps, momentum: o.momentum, centered: o.centered });
    case 'adagrad': return new Adagrad(ps, { ...common, eps: o.eps, lrDecay: o.lrDecay, initialAccumulatorValue: o.initialAccumulatorValue });
    case 'lion': return new Lion(ps, { ...common, betas: o.betas });
  }
}

/** One micro-batch whose loss (and prediction) are still on the device. */
interface Pending {
  step: number;
  epoch: number;
  n: number;
  loss: Tensor;
  pred: Tensor | null;
  yHost: Int32Array | Float32Array;
  lr: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => {
  const st = (globalThis as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  if (st) st(resolve, ms);
  else resolve();
});

const pickDefined = <T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<T, K>>;

/** Accuracy of one step's predictions (classification), from host arrays. */
function stepAccuracy(plan: MetricPlan, pred: Float32Array, y: Int32Array | Float32Array): number | undefined {
  if (!plan.classification) return undefined;
  const predicted = plan.classes > 1 ? argmaxRows(pred, plan.classes) : Int32Array.from(pred, (p) => (p >= (plan.logits ? 0 : 0.5) ? 1 : 0));
  return accuracy(predicted, y);
}

export async function fit(model: GraphModel, train: ArrayDataset, val: ArrayDataset | null, cfg: TrainConfig, cb: FitCallbacks = {}): Promise<FitResult> {
  const opt = makeOptimizer(model, cfg);
  const batch = Math.max(1, Math.min(cfg.batchSize, train.rows));
  const accum = Math.max(1, Math.floor(cfg.gradAccumSteps ?? 1));
  const perEpoch = stepsPerEpoch(train.rows, { batchSize: batch, gradAccumSteps: accum });
  const totalSteps = perEpoch * cfg.epochs;
  const sched = makeScheduler(cfg, opt, perEpoch);
  const readEvery = Math.max(1, Math.floor(cfg.readEvery ?? 10));
  const plan = metricPlan(model, train, cfg);
  const wantPreds = plan.names.length > 0 || plan.classification;
  const callbacks = cb.callbacks ?? [];
  const loader = trainLoader(train, cfg, cb.augment);
  const scaler = cfg.mixedPrecision ? new GradScaler() : null;
  const resume = cb.resume ?? null;
  resume?.restore(model, cfg, opt, sched, scaler);

  let step = resume?.step ?? 0;
  let last: EpochReport | null = null;
  let lastYield = now();
  let trainMs = 0;
  let segmentStart = now();
  let epochSeen = 0;
  let epochStart = now();
  const pending: Pending[] = [];
  // `good` gave a finite loss; `candidate` (taken at the last read) is confirmed by the next step's loss.
  let good = WeightSnapshot.of(model);
  let candidate: WeightSnapshot | null = null;
  let best: { loss: number; epoch: number; weights: WeightSnapshot | null } | null = resume?.best ? { ...resume.best, weights: null } : null;
  let sinceBest = resume?.sinceBest ?? 0;
  let acc = newAccumulator(plan);
  let lossSum = 0;
  let lossRows = 0;
  let stopRequested = false;

  const elapsedMs = () => trainMs + (now() - segmentStart);
  const report = (s: number, epoch: number, loss: number, lr: number, extra: { accuracy?: number } = {}): StepReport => {
    const ms = Math.max(1e-3, elapsedMs());
    return {
      step: s, epoch, loss, ...extra, lr,
      samplesPerSec: (epochSeen / Math.max(1e-3, now() - epochStart)) * 1000,
      etaSec: ((totalSteps - s) * ms) / Math.max(1, s) / 1000,
      stepsPerEpoch: perEpoch, totalSteps,
    };
  };

  /** Reads every pending step; returns false when a loss is NaN/Inf (weights already restored). */
  const flush = async (): Promise<boolean> => {
    if (pending.length === 0) return true;
    const items = pending.splice(0);
    const reads = await Promise.all(items.map((p) => Promise.all([p.loss.data(), p.pred ? p.pred.data() : Promise.resolve(null)])));
    for (const p of items) {
      p.loss.dispose();
      p.pred?.dispose();
    }
    const firstFinite = Number.isFinite(reads[0]![0][0]!);
    let bad = false;
    let i = 0;
    while (i < items.length && !bad) {
      // Group the micro-batches of one optimizer step.
      const s = items[i]!.step;
      let l = 0, rows = 0, hits = 0, hitRows = 0;
      for (; i < items.length && items[i]!.step === s; i++) {
        const it = items[i]!, [lv, pv] = reads[i]!;
        const v = lv[0]!;
        if (!Number.isFinite(v)) bad = true;
        l += v * it.n;
        rows += it.n;
        lossSum += v * it.n;
        lossRows += it.n;
        if (pv) {
          const a = stepAccuracy(plan, pv as Float32Array, it.yHost);
          if (a !== undefined) {
            hits += a * it.n;
            hitRows += it.n;
          }
          acc.add(pv, it.yHost);
        }
      }
      if (bad) break;
      const it = items[i - 1]!;
      const r = report(s, it.epoch, l / rows, it.lr, hitRows ? { accuracy: hits / hitRows } : {});
      cb.onStep?.(r);
      for (const c of callbacks) c.onStep?.(r);
    }
    if (bad) {
      (candidate && firstFinite ? candidate : good).restore(model);
      return false;
    }
    if (candidate && firstFinite) {
      good.dispose();
      good = candidate;
    } else {
      candidate?.dispose();
    }
    candidate = WeightSnapshot.of(model);
    return true;
  };

  const finish = (r: FitResult): FitResult => {
    resume?.ended(r);
    if (cfg.keepBest && best?.weights && r.reason !== 'diverged') {
      best.weights.restore(model);
      r.restoredEpoch = best.epoch;
    }
    for (const c of callbacks) c.onTrainEnd?.(r);
    return r;
  };

  try {
    model.train();
    for (let epoch = resume?.startEpoch ?? 1; epoch <= cfg.epochs; epoch++) {
      epochStart = now();
      epochSeen = 0;
      acc = newAccumulator(plan);
      lossSum = 0;
      lossRows = 0;
      let micro = 0;
      for await (const b of loader.stream(epoch - 1)) {
        if (resume?.passOver(epoch)) {
          micro++;
          continue;
        }
        if (cb.shouldStop?.()) stopRequested = true;
        if (!stopRequested && cb.shouldPause?.()) {
          trainMs += now() - segmentStart;
          cb.onPause?.(true, { step, epoch });
          while (cb.shouldPause() && !cb.shouldStop?.()) await sleep(25);
          cb.onPause?.(false, { step, epoch });
          if (cb.shouldStop?.()) stopRequested = true;
          segmentStart = now();
        }
        if (stopRequested && micro % accum === 0) {
          if (!(await flush())) return finish({ reason: 'diverged', last, steps: step });
          return finish({ reason: 'stopped', last, steps: step });
        }
        const from = b.index * batch;
        const n = b.rows;
        const lastMicro = micro % accum === accum - 1 || from + n >= train.rows;
        const lrUsed = opt.lr;
        cb.onBatch?.(b, epoch);
        const out = scope(() => {
          if (micro % accum === 0) opt.zeroGrad();
          const r = autocast(() => model.lossAndPrediction(adoptTensor(b.x, b.xShape), adoptTensor(b.y, b.yShape)), { enabled: scaler !== null });
          const groupSize = Math.min(accum, Math.ceil((train.rows - (from - (micro % accum) * batch)) / batch));
          const l = groupSize > 1 ? r.loss.div(groupSize) : r.loss;
          (scaler ? scaler.scale(l) : l).backward();
          if (lastMicro) {
            if (scaler) {
              // Unscale, clip, skip on overflow and adjust the scale — all on the device.
              scaler.step(opt, { clipGradNorm: cfg.clipGradNorm ?? undefined, clipGradValue: cfg.clipGradValue ?? undefined });
            } else {
              if (cfg.clipGradValue) clipGradValue(opt.params, cfg.clipGradValue);
              opt.step({ gradScale: cfg.clipGradNorm ? clipGradNormScale(opt.params, cfg.clipGradNorm) : null });
            }
            if (sched?.interval === 'step') sched.step();
          }
          return { loss: r.loss.detach(), pred: wantPreds ? r.prediction.detach() : null, yHost: b.y };
        });
        micro++;
        if (lastMicro) step++;
        if (lastMicro) resume?.trained(epoch, micro);
        epochSeen += n;
        pending.push({ step: lastMicro ? step : step + 1, epoch, n, loss: out.loss, pred: out.pred, yHost: out.yHost, lr: lrUsed });
        if (lastMicro && pending.length >= readEvery && !(await flush())) return finish({ reason: 'diverged', last, steps: step });
        if (now() - lastYield > 30) {
          await yieldToHost();
          lastYield = now();
        }
      }
      if (!(await flush())) return finish({ reason: 'diverged', last, steps: step });
      const trainMetrics = acc.compute(plan.names, plan.topK);
      const v = val ? await evaluate(model, val, plan) : null;
      const monitored = v ? v.loss : lossSum / Math.max(1, lossRows);
      const minDelta = cfg.earlyStopping?.minDelta ?? 0;
      const improved = !best || monitored < best.loss - minDelta;
      if (improved) {
        best?.weights?.dispose();
        best = { loss: monitored, epoch, weights: cfg.keepBest ? WeightSnapshot.of(model) : null };
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      const base = report(step, epoch, lossSum / Math.max(1, lossRows), opt.lr);
      const lossScale = scaler ? await scaler.read() : null;
      last = {
        ...(lossScale ? { lossScale } : {}),
        ...base,
        ...(trainMetrics.values.accuracy !== undefined ? { accuracy: trainMetrics.values.accuracy } : {}),
        metrics: trainMetrics.values,
        ...(v ? { valLoss: v.loss, valMetrics: v.metrics, ...(v.metrics.accuracy !== undefined ? { valAccuracy: v.metrics.accuracy } : {}) } : {}),
        ...((v?.confusion ?? trainMetrics.confusion) ? { confusion: v?.confusion ?? trainMetrics.confusion } : {}),
        best: improved,
      };
      if (sched?.interval === 'epoch') sched.step(monitored);
      resume?.epochEnd({ epoch, step, loss: last.loss, lr: last.lr, ...pickDefined(last, ['accuracy', 'valLoss', 'valAccuracy']) }, best, sinceBest);
      await cb.onEpoch?.(last);
      let stopNow = false;
      for (const c of callbacks) await c.onEpochEnd?.(last, { stop: () => (stopNow = true) });
      if (cfg.earlyStopping && sinceBest >= cfg.earlyStopping.patience) stopNow = true;
      if (stopNow && epoch < cfg.epochs) return finish({ reason: 'completed', last, steps: step, earlyStopped: true });
      await yieldToHost();
      lastYield = now();
    }
    return finish({ reason: 'completed', last, steps: step });
  } finally {
    await resume?.capture(model, cfg, opt, step, sched, scaler);
    for (const p of pending) {
      p.loss.dispose();
      p.pred?.dispose();
    }
    good.dispose();
    (candidate as WeightSnapshot | null)?.dispose();
    best?.weights?.dispose();
    model.eval();
    opt.dispose();
    scaler?.dispose();
  }
}
