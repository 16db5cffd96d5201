/**
 * The version-2 entries of project.json, read as untrusted JSON: `checkpoint` (the training
 * state beside weights.safetensors and optimizer.safetensors, see train/checkpoint.ts),
 * `preprocessing` (how raw inputs become model inputs, see data/preprocessing.ts) and
 * `dataset` (the uploaded data file the zip carries, when the user chose to include it).
 * Kept apart from project.ts so that file stays about the zip and the top-level fields.
 */
import { CHECKPOINT_VERSION, MAX_HISTORY, type CheckpointMeta, type EpochRecord, type SchedulerState } from './checkpointFormat.ts';
import type { JsonObject, JsonReader } from '../graph/json-check.ts';
import { readPreprocessing, type Preprocessing } from './preprocessing.ts';

export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** Folder of the included dataset file in the zip. */
export const DATASET_DIR = 'dataset/';

export interface IncludedDataset {
  /** The file's name (inside dataset/ in the zip). */
  file: string;
  bytes: number;
}

const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion'] as const;
/** JSON writes ±Infinity and NaN as null. */
const numOrNull = (r: JsonReader, v: unknown, path: string, fallback: number): number => (v === null ? fallback : r.number(v, path));

function readScheduler(r: JsonReader, v: unknown): SchedulerState | null {
  if (v === null || v === undefined) return null;
  const o = r.object(v, 'checkpoint.scheduler');
  const kind = r.oneOf(o.kind, 'checkpoint.scheduler.kind', ['closedForm', 'plateau'] as const);
  const t = r.number(o.t, 'checkpoint.scheduler.t', { int: true, min: 0 });
  if (kind === 'closedForm') return { kind, t };
  return {
    kind, t,
    best: numOrNull(r, o.best, 'checkpoint.scheduler.best', NaN),
    badEpochs: r.number(o.badEpochs, 'checkpoint.scheduler.badEpochs', { int: true, min: 0 }),
    cooldownCounter: r.number(o.cooldownCounter, 'checkpoint.scheduler.cooldownCounter', { int: true, min: 0 }),
    lr: r.number(o.lr, 'checkpoint.scheduler.lr', { min: 0 }),
  };
}

function readHistory(r: JsonReader, v: unknown): EpochRecord[] {
  const rows = r.array(v, 'checkpoint.history').slice(-MAX_HISTORY);
  return rows.map((row, i) => {
    const o = r.object(row, `checkpoint.history[${i}]`);
    const rec: EpochRecord = {
      epoch: r.number(o.epoch, `checkpoint.history[${i}].epoch`, { int: true, min: 1 }),
      step: r.number(o.step, `checkpoint.history[${i}].step`, { int: true, min: 0 }),
      loss: numOrNull(r, o.loss, `checkpoint.history[${i}].loss`, NaN),
      lr: numOrNull(r, o.lr, `checkpoint.history[${i}].lr`, NaN),
    };
    for (const k of ['accuracy', 'valLoss', 'valAccuracy'] as const) if (o[k] !== undefined) rec[k] = numOrNull(r, o[k], `checkpoint.history[${i}].${k}`, NaN);
    return rec;
  });
}

/** project.json's `checkpoint` entry, checked. */
export function readCheckpointEntry(r: JsonReader, v: unknown): CheckpointMeta {
  const o = r.object(v, 'checkpoint');
  const version = r.number(o.version, 'checkpoint.version', { int: true, min: 1 });
  if (version > CHECKPOINT_VERSION) r.fail('checkpoint.version', `is ${version}: this Flowgrad reads training state up to version ${CHECKPOINT_VERSION}`);
  let optimizer: CheckpointMeta['optimizer'] = null;
  if (o.optimizer !== null && o.optimizer !== undefined) {
    const op = r.object(o.optimizer, 'checkpoint.optimizer');
    const steps = r.object(op.paramSteps ?? {}, 'checkpoint.optimizer.paramSteps');
    const paramSteps: Record<string, number> = {};
    for (const [k, n] of Object.entries(steps)) if (k !== '__proto__') paramSteps[k] = r.number(n, `checkpoint.optimizer.paramSteps.${k}`, { int: true, min: 0 });
    optimizer = {
      kind: r.oneOf(op.kind, 'checkpoint.optimizer.kind', OPTIMIZERS),
      step: r.number(op.step, 'checkpoint.optimizer.step', { int: true, min: 0 }),
      lr: r.number(op.lr, 'checkpoint.optimizer.lr', { min: 0 }),
      paramSteps,
    };
  }
  const rng = r.object(o.rng, 'checkpoint.rng');
  const scaler = o.scaler === null || o.scaler === undefined ? null : r.object(o.scaler, 'checkpoint.scaler');
  const best = o.best === null || o.best === undefined ? null : r.object(o.best, 'checkpoint.best');
  return {
    version: CHECKPOINT_VERSION,
    epoch: r.number(o.epoch, 'checkpoint.epoch', { int: true, min: 0 }),
    batchInEpoch: r.number(o.batchInEpoch, 'checkpoint.batchInEpoch', { int: true, min: 0 }),
    step: r.number(o.step, 'checkpoint.step', { int: true, min: 0 }),
    seed: r.number(o.seed, 'checkpoint.seed', { int: true }),
    optimizer,
    scheduler: readScheduler(r, o.scheduler),
    rng: { state: r.number(rng.state, 'checkpoint.rng.state', { int: true, min: 0 }), spare: rng.spare === null || rng.spare === undefined ? null : r.number(rng.spare, 'checkpoint.rng.spare') },
    scaler: scaler ? {
      scale: r.number(scaler.scale, 'checkpoint.scaler.scale', { above: 0 }),
      goodSteps: r.number(scaler.goodSteps, 'checkpoint.scaler.goodSteps', { min: 0 }),
      skippedSteps: r.number(scaler.skippedSteps, 'checkpoint.scaler.skippedSteps', { min: 0 }),
    } : null,
    best: best ? { loss: numOrNull(r, best.loss, 'checkpoint.best.loss', Infinity), epoch: r.number(best.epoch, 'checkpoint.best.epoch', { int: true, min: 0 }) } : null,
    sinceBest: r.number(o.sinceBest, 'checkpoint.sinceBest', { int: true, min: 0 }),
    history: readHistory(r, o.history ?? []),
  };
}

export function readDatasetEntry(r: JsonReader, v: unknown): IncludedDataset {
  const o: JsonObject = r.object(v, 'dataset');
  const file = r.string(o.file, 'dataset.file', true);
  if (file.includes('/') || file.includes('\\') || file === '.' || file === '..') r.fail('dataset.file', `'${file}' is not a plain file name`);
  return { file, bytes: r.number(o.bytes, 'dataset.bytes', { int: true, min: 0 }) };
}

export { readPreprocessing, type Preprocessing };
