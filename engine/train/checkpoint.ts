/**
 * Checkpoints: everything a run needs to go on exactly where it stopped — the weights, the
 * optimizer's state (moments, momentum buffers, per-parameter step counts), the scheduler's
 * state, the global RNG (dropout), the loader position (epochs done, batches into the next:
 * the loader's shuffle and augmentation are seeded by seed and epoch), the loss scaler, the
 * early-stopping counters and the run's metrics history. As PyTorch's checkpoint dicts, it
 * lives in three parts that map onto the project file: `weights.safetensors`,
 * `optimizer.safetensors` and a plain-JSON `CheckpointMeta` (project.json's `checkpoint`).
 *
 * `FitResume` is what fit.ts talks to: it restores a checkpoint into the fresh optimizer,
 * scheduler and scaler, tells the loop where to start, follows the position while the run
 * goes, and captures the state when the run ends (before fit frees the optimizer).
 */
import { FlowgradError } from '../core/errors.ts';
import { globalRng } from '../ops/creation.ts';
import { decodeSafetensors, encodeSafetensors } from '../project/safetensors.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import type { GradScaler } from '../amp/scaler.ts';
import type { Module } from '../nn/module.ts';
import type { TrainConfig } from '../project/config.ts';
import type { RunSchedule } from './schedule.ts';
import { CHECKPOINT_VERSION, MAX_HISTORY, type Checkpoint, type CheckpointMeta, type EpochRecord } from '../project/checkpointFormat.ts';
import type { OptimizerName } from '../project/config.ts';

export { CHECKPOINT_VERSION, MAX_HISTORY, type Checkpoint, type CheckpointMeta, type EpochRecord, type SchedulerState } from '../project/checkpointFormat.ts';
import type { EpochReport, FitResult, TrainCallback } from './callbacks/types.ts';

/** Only the fields of `r` in `keys` that are set. */
function pickDefined<T extends object, K extends keyof T>(r: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

const bad = (msg: string): never => {
  throw new FlowgradError('bad-file', `The saved training state cannot be used: ${msg}`);
};

/** Restores a checkpoint into a fit run and captures the run's state when it ends. */
export class FitResume implements TrainCallback {
  /** The epoch the loop starts at, and the batches of it to pass over (already trained). */
  startEpoch = 1;
  private skip = 0;
  step = 0;
  best: { loss: number; epoch: number } | null = null;
  sinceBest = 0;
  /** Notes for the user (state that could not be carried over). */
  readonly notes: string[] = [];
  /** The captured state, once the run has ended (the caller adds the weights). */
  captured: { meta: CheckpointMeta; optimizer: Uint8Array | null } | null = null;
  private history: EpochRecord[] = [];
  private done = { epochs: 0, batches: 0 };
  private end: FitResult | null = null;

  constructor(readonly from: Checkpoint | null) {}

  /** Writes the saved state into the run's fresh optimizer, scheduler and scaler (call once, before training). */
  restore(model: Module, cfg: TrainConfig, opt: Optimizer, sched: RunSchedule | null, scaler: GradScaler | null): void {
    const ck = this.from;
    if (!ck) return;
    const m = ck.meta;
    this.startEpoch = m.epoch + 1;
    this.skip = m.batchInEpoch;
    this.step = m.step;
    this.best = m.best ? { loss: m.best.loss ?? Infinity, epoch: m.best.epoch } : null;
    this.sinceBest = m.sinceBest;
    this.history = m.history.slice(-MAX_HISTORY);
    this.done = { epochs: m.epoch, batches: m.batchInEpoch };
    if (m.seed !== cfg.seed) this.notes.push(`the seed changed (${m.seed} → ${cfg.seed}): batches come in a new order`);
    globalRng().setState(m.rng);
    const lr = opt.lr;
    if (m.optimizer && ck.optimizer && m.optimizer.kind === cfg.optimizer) {
      try {
        opt.loadStateDict(optimizerState(model, opt, ck.optimizer, m.optimizer));
      } catch (e) {
        throw e instanceof FlowgradError && e.code === 'bad-file' ? e : bad(e instanceof Error ? e.message : String(e));
      }
      // Without a scheduler the rate is the one set now (the user may have changed it).
      if (!sched) opt.lr = lr;
    } else if (m.optimizer) {
      this.notes.push(`the optimizer changed (${m.optimizer.kind} → ${cfg.optimizer}): it starts with fresh state`);
    }
    if (sched && m.scheduler) {
      try {
        sched.load(m.scheduler);
      } catch (e) {
        this.notes.push(`the learning-rate schedule changed (${e instanceof Error ? e.message : String(e)}): it starts over`);
      }
    }
    if (scaler && m.scaler) scaler.loadStateDict(m.scaler);
  }

  /** Whether the loop should pass over this batch (trained before the checkpoint). */
  passOver(epoch: number): boolean {
    if (epoch !== this.startEpoch || this.skip === 0) return false;
    this.skip--;
    return true;
  }

  /** After a trained batch: `micro` batches of `epoch` are done. */
  trained(epoch: number, micro: number): void {
    this.done = { epochs: epoch - 1, batches: micro };
  }

  /** After an epoch's report (and the scheduler's epoch step): history, best loss and patience. */
  onEpochEnd(r: EpochReport): void {
    this.done = { epochs: r.epoch, batches: 0 };
    this.history.push({ epoch: r.epoch, step: r.step, loss: r.loss, lr: r.lr, ...pickDefined(r, ['accuracy', 'valLoss', 'valAccuracy']) });
    if (this.history.length > MAX_HISTORY) this.history.shift();
    if (r.best) {
      this.best = { loss: r.monitored, epoch: r.epoch };
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
    }
  }

  onTrainEnd(r: FitResult): void {
    this.end = r;
  }

  /** Reads the run's state back (asynchronously: any backend); called by fit before it frees the optimizer. */
  async capture(model: Module, cfg: TrainConfig, opt: Optimizer, step: number, sched: RunSchedule | null, scaler: GradScaler | null): Promise<void> {
    if (!this.end) return;
    const diverged = this.end.reason === 'diverged';
    let optimizer: Uint8Array | null = null;
    let optMeta: CheckpointMeta['optimizer'] = null;
    if (!diverged) {
      ({ bytes: optimizer, meta: optMeta } = await encodeOptimizer(model, opt, cfg.optimizer));
    }
    this.captured = {
      meta: {
        version: CHECKPOINT_VERSION,
        epoch: this.done.epochs,
        batchInEpoch: diverged ? 0 : this.done.batches,
        step,
        seed: cfg.seed,
        optimizer: optMeta,
        scheduler: !diverged && sched ? sched.state() : null,
        rng: globalRng().getState(),
        scaler: !diverged && scaler ? await scaler.stateDict() : null,
        best: this.best,
        sinceBest: this.sinceBest,
        history: this.history,
      },
      optimizer,
    };
  }
}

/** The optimizer's parameters by name (the model's parameter names, in the optimizer's order). */
function paramNames(model: Module, opt: Optimizer): string[] {
  const byTensor = new Map(model.namedParameters().map(([n, p]) => [p as unknown, n]));
  return opt.params.map((p, i) => byTensor.get(p) ?? `param${i}`);
}

async function encodeOptimizer(model: Module, opt: Optimizer, kind: OptimizerName): Promise<{ bytes: Uint8Array; meta: NonNullable<CheckpointMeta['optimizer']> }> {
  const sd = opt.stateDict();
  const names = paramNames(model, opt);
  const tensors: Parameters<typeof encodeSafetensors>[0] = {};
  const paramSteps: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    for (const [k, t] of Object.entries(sd.state[i]!)) tensors[`${names[i]}/${k}`] = { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(await t.data()) };
    const n = sd.paramSteps?.[i] ?? 0;
    if (n > 0) paramSteps[names[i]!] = n;
  }
  return { bytes: encodeSafetensors(tensors, { format: 'flowgrad.optimizer', optimizer: kind }), meta: { kind, step: sd.step, lr: sd.lr, paramSteps } };
}

/** optimizer.safetensors as a state dict for `opt` (checked: every tensor belongs to a parameter). */
function optimizerState(model: Module, opt: Optimizer, bytes: Uint8Array, meta: NonNullable<CheckpointMeta['optimizer']>) {
  let tensors: ReturnType<typeof decodeSafetensors>['tensors'];
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (e) {
    return bad(`optimizer.safetensors cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const names = paramNames(model, opt);
  const index = new Map(names.map((n, i) => [n, i]));
  const state: Record<string, Float32Array>[] = names.map(() => ({}));
  for (const [key, t] of Object.entries(tensors)) {
    const cut = key.lastIndexOf('/');
    const i = index.get(key.slice(0, cut));
    if (cut < 0 || i === undefined) bad(`optimizer.safetensors has state '${key}' for no parameter of this model`);
    state[i!]![key.slice(cut + 1)] = Float32Array.from(t.data as ArrayLike<number>);
  }
  return { step: meta.step, lr: meta.lr, state, paramSteps: names.map((n) => meta.paramSteps[n] ?? 0) };
}

/** The same checkpoint, as a deep copy (tests, IndexedDB writes). */
export function cloneCheckpoint(c: Checkpoint): Checkpoint {
  return { meta: JSON.parse(JSON.stringify(c.meta)) as CheckpointMeta, weights: c.weights.slice(), optimizer: c.optimizer?.slice() ?? null };
}
