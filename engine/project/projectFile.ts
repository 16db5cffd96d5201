/**
 * The `.flowgrad.zip` project file: a zip holding `project.json` (the graph, the dataset
 * and training settings, the last metrics) and, once trained, `weights.safetensors` in the
 * standard layout so other tools can read the weights too. Version 2 adds the training state
 * to continue from (`optimizer.safetensors` and project.json's `checkpoint`), the
 * preprocessing the model expects (`preprocessing`) and, when the user includes it, the
 * uploaded data file (`dataset/<name>`); version 1 files open as version 2 without them.
 * Version 3 is a version 2 file whose model is kept as int8: project.json's `quantized` entry
 * and `weights.int8.safetensors` (quantizedEntry.ts). Only such files are written as version 3,
 * so an older Flowgrad refuses exactly the projects it would compute wrongly (as float32).
 *
 * Reading treats the file as untrusted: whatever is wrong (not a zip, a damaged zip, a PNG
 * renamed, a zip of something else, bad JSON, a graph or weights that do not parse) becomes a
 * FlowgradError 'bad-file' whose message a user understands. Unknown top-level fields in
 * project.json are kept, so a file written by a newer minor version keeps what it added.
 * Pure (fflate only): the app, the worker and the CLI all use it.
 */
import { strFromU8, strToU8, zipSync, type Zippable } from 'fflate';
import { FlowgradError, isFlowgradError } from '../core/errors.ts';
import type { GraphJSON } from '../graph/types.ts';
import { defaultGraph, parseGraph } from '../graph/format.ts';
import { JsonReader, describe, parseJsonText, type JsonObject } from '../graph/json-check.ts';
import { BUILTIN_2D, DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from './config.ts';
import { LIMITS } from '../core/limits.ts';
import { readSafetensorsHeader, safetensorsDeclaredSize } from './safetensors.ts';
import { readZip } from '../bytes/zip.ts';
import { describeFile, looksLikeZip } from './sniff.ts';
import { DATASET_DIR, OPTIMIZER_FILE, readCheckpointEntry, readDatasetEntry, readPreprocessing, type IncludedDataset, type Preprocessing } from './projectEntries.ts';
import type { Checkpoint, CheckpointMeta } from './checkpointFormat.ts';
import { QUANTIZED_FILE, QUANTIZED_VERSION, checkInt8File, readQuantizedEntry, type QuantizedEntry } from './quantizedEntry.ts';

export const PROJECT_FORMAT = 'flowgrad.project';
/** The version written for a project without an int8 model. */
export const PROJECT_VERSION = 2;
/** The version written for a project whose model is int8 (the newest this Flowgrad reads). */
export const PROJECT_VERSION_INT8 = 3;
export const PROJECT_FILE = 'project.json';
export const WEIGHTS_FILE = 'weights.safetensors';

export interface ProjectJSON {
  format: 'flowgrad.project';
  version: typeof PROJECT_VERSION | typeof PROJECT_VERSION_INT8;
  name: string;
  createdAt: string;
  graph: GraphJSON;
  data: DatasetSpec;
  training: TrainConfig;
  metrics?: Record<string, number>;
  /** The training state beside weights.safetensors and optimizer.safetensors (version 2). */
  checkpoint?: CheckpointMeta;
  /** How raw inputs become model inputs (version 2; uploads). */
  preprocessing?: Preprocessing;
  /** The uploaded data file the zip carries in dataset/ (version 2; when the user included it). */
  dataset?: IncludedDataset;
  /** The model is kept as int8 in weights.int8.safetensors (version 3). */
  quantized?: QuantizedEntry;
}

/** What a project file holds besides project.json. */
export interface ProjectFiles {
  weights: Uint8Array | null;
  optimizer: Uint8Array | null;
  /** The included data file's bytes (project.dataset names it). */
  dataset: Uint8Array | null;
  /** The int8 model (project.quantized; the compress int8 format), null for a float32 model. */
  int8: Uint8Array | null;
}

const NOT_A_PROJECT = 'This is not a Flowgrad project';
const DAMAGED = 'This Flowgrad project is damaged';

const badFile = (msg: string, cause?: unknown): never => {
  throw new FlowgradError('bad-file', msg, cause === undefined ? {} : { cause });
};

/** A new project with the default model, dataset and training settings. */
export function newProject(name: string, now: Date = new Date()): ProjectJSON {
  return {
    format: PROJECT_FORMAT, version: PROJECT_VERSION, name, createdAt: now.toISOString(),
    graph: defaultGraph(), data: { ...DEFAULT_DATASET }, training: { ...DEFAULT_TRAIN_CONFIG },
  };
}

function readData(r: JsonReader, v: unknown): DatasetSpec {
  const o = r.object(v, 'data');
  const kind = r.oneOf(o.kind, 'data.kind', ['builtin2d', 'builtin', 'upload'] as const);
  if (kind === 'upload') {
    // The data itself stays in the browser that uploaded it; the project names it.
    return { ...o, kind, id: r.string(o.id, 'data.id'), name: r.string(o.name, 'data.name') };
  }
  const common = {
    samples: r.number(o.samples, 'data.samples', { int: true, min: 1 }),
    noise: r.number(o.noise, 'data.noise', { min: 0 }),
    seed: r.number(o.seed, 'data.seed', { int: true }),
  };
  if (kind === 'builtin') return { ...o, kind, name: r.string(o.name, 'data.name'), ...common };
  return { ...o, kind, name: r.oneOf(o.name, 'data.name', BUILTIN_2D), ...common };
}

function readTraining(r: JsonReader, v: unknown): TrainConfig {
  const o = r.object(v, 'training');
  return {
    ...o,
    optimizer: r.oneOf(o.optimizer, 'training.optimizer', ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion'] as const),
    lr: r.number(o.lr, 'training.lr', { above: 0 }),
    batchSize: r.number(o.batchSize, 'training.batchSize', { int: true, min: 1 }),
    epochs: r.number(o.epochs, 'training.epochs', { int: true, min: 0 }),
    seed: r.number(o.seed, 'training.seed', { int: true }),
    validationSplit: r.number(o.validationSplit, 'training.validationSplit', { min: 0, below: 1 }),
    ...(o.mixedPrecision !== undefined ? { mixedPrecision: r.boolean(o.mixedPrecision, 'training.mixedPrecision') } : {}),
    ...(o.threads !== undefined ? { threads: r.number(o.threads, 'training.threads', { int: true, min: 0, max: 64 }) } : {}),
    ...(o.threadMode !== undefined ? { threadMode: r.oneOf(o.threadMode, 'training.threadMode', ['auto', 'kernel', 'replicas'] as const) } : {}),
  };
}

/** Metrics are numbers; null (how JSON writes NaN and Infinity) is dropped. */
function readMetrics(r: JsonReader, v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, m] of Object.entries(r.object(v, 'metrics'))) {
    if (m === null || k === '__proto__') continue;
    out[k] = r.number(m, `metrics.${k}`);
  }
  return out;
}

/**
 * Checks parsed project.json content and returns a clean ProjectJSON. Throws FlowgradError
 * 'bad-file' naming the first problem.
 */
export function parseProject(json: unknown): ProjectJSON {
  const r = new JsonReader(`${DAMAGED}: in ${PROJECT_FILE}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) badFile(`${NOT_A_PROJECT}: ${PROJECT_FILE} holds ${describe(json)}, not an object`);
  const o = json as JsonObject;
  if (o.format !== PROJECT_FORMAT) {
    if (o.format === 'flowgrad.graph') badFile(`${NOT_A_PROJECT}: ${PROJECT_FILE} holds a model graph, not a project; import it as a graph`);
    badFile(`${NOT_A_PROJECT}: ${PROJECT_FILE} ${o.format === undefined ? 'has no "format" field' : `has format ${describe(o.format)}`} (expected "${PROJECT_FORMAT}")`);
  }
  const version = r.number(o.version, 'version', { int: true, min: 1 });
  if (version > PROJECT_VERSION_INT8) {
    badFile(`This project was saved by a newer Flowgrad (project version ${version}; this one reads up to ${PROJECT_VERSION_INT8}): update Flowgrad to open it`);
  }
  let graph: GraphJSON;
  try {
    graph = parseGraph(o.graph);
  } catch (e) {
    throw isFlowgradError(e) ? new FlowgradError('bad-file', `${DAMAGED}: its model graph cannot be read. ${e.message}`, { cause: e }) : e;
  }
  const project: ProjectJSON = {
    ...o,
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: r.string(o.name, 'name'),
    createdAt: r.string(o.createdAt, 'createdAt'),
    graph,
    data: readData(r, o.data),
    training: readTraining(r, o.training),
  };
  if (o.metrics !== undefined) project.metrics = readMetrics(r, o.metrics);
  else delete project.metrics;
  // Version 2 entries (a version 1 file has none: migration is reading it as is).
  for (const [k, read] of [['checkpoint', readCheckpointEntry], ['preprocessing', readPreprocessing], ['dataset', readDatasetEntry], ['quantized', readQuantizedEntry]] as const) {
    if (o[k] !== undefined && o[k] !== null) (project as unknown as Record<string, unknown>)[k] = read(r, o[k]);
    else delete (project as unknown as Record<string, unknown>)[k];
  }
  project.version = project.quantized ? PROJECT_VERSION_INT8 : PROJECT_VERSION;
  return project;
}

/** Checks weights bytes as a safetensors file, with a message that says which file. */
function checkWeights(weights: Uint8Array, code: 'bad-file' | 'bad-argument'): void {
  try {
    readSafetensorsHeader(weights);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new FlowgradError(code, code === 'bad-file' ? `${DAMAGED}: ${WEIGHTS_FILE} cannot be read. ${msg}` : `writeProjectZip: weights: ${msg}`, { cause: e });
  }
}

/**
 * Builds the .flowgrad.zip bytes: project.json (pretty-printed) and, when given,
 * weights.safetensors (stored uncompressed: float data barely compresses). Both are checked
 * first, so Flowgrad never writes a project it could not open; a problem throws
 * FlowgradError 'bad-argument'. With `int8` (the compress int8 file of the model the float32
 * `weights` dequantize), the project gets its `quantized` entry and is written as version 3.
 */
export function writeProjectZip({ project, weights, optimizer, dataset, int8 }: { project: ProjectJSON; weights?: Uint8Array | null; optimizer?: Uint8Array | null; dataset?: Uint8Array | null; int8?: Uint8Array | null }): Uint8Array {
  let clean: ProjectJSON;
  try {
    const { quantized: _, ...rest } = project;
    const json = int8 ? { ...rest, version: PROJECT_VERSION_INT8, quantized: { format: 'int8', version: QUANTIZED_VERSION } } : { ...rest, version: PROJECT_VERSION };
    clean = parseProject(JSON.parse(JSON.stringify(json)) as unknown);
  } catch (e) {
    throw new FlowgradError('bad-argument', `writeProjectZip: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const files: Zippable = { [PROJECT_FILE]: [strToU8(`${JSON.stringify(clean, null, 2)}\n`), { level: 6 }] };
  if (weights) {
    checkWeights(weights, 'bad-argument');
    files[WEIGHTS_FILE] = [weights, { level: 0 }];
  }
  if (clean.checkpoint && !weights) throw new FlowgradError('bad-argument', 'writeProjectZip: a checkpoint needs the weights');
  if (int8) {
    if (!weights) throw new FlowgradError('bad-argument', 'writeProjectZip: an int8 model needs its dequantized float32 weights too');
    checkInt8File(int8, 'writeProjectZip');
    files[QUANTIZED_FILE] = [int8, { level: 6 }];
  }
  if (optimizer) {
    if (!clean.checkpoint?.optimizer) throw new FlowgradError('bad-argument', `writeProjectZip: ${OPTIMIZER_FILE} without a checkpoint entry naming its optimizer`);
    checkWeights(optimizer, 'bad-argument');
    files[OPTIMIZER_FILE] = [optimizer, { level: 0 }];
  }
  if (dataset) {
    if (!clean.dataset || clean.dataset.bytes !== dataset.byteLength) throw new FlowgradError('bad-argument', 'writeProjectZip: the included dataset needs a dataset entry with its size');
    files[`${DATASET_DIR}${clean.dataset.file}`] = [dataset, { level: 6 }];
  } else if (clean.dataset) {
    throw new FlowgradError('bad-argument', 'writeProjectZip: a dataset entry without the dataset file');
  }
  return zipSync(files);
}

/** The size weights.safetensors declares in its header (so inflating stops there). */
function weightsSize(head: Uint8Array): number | null {
  try {
    return safetensorsDeclaredSize(head);
  } catch (e) {
    throw new FlowgradError('bad-file', `${DAMAGED}: ${WEIGHTS_FILE} cannot be read. ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Where project.json lives: at the root, or in the one folder a re-zipped project has. */
function findBase(names: string[]): string | null {
  if (names.includes(PROJECT_FILE)) return '';
  const nested = names.filter((n) => !n.startsWith('__MACOSX/') && /^[^/]+\/project\.json$/.test(n));
  return nested.length === 1 ? nested[0]!.slice(0, -PROJECT_FILE.length) : null;
}

/**
 * Opens .flowgrad.zip bytes. Returns the checked project and the weights file bytes (checked
 * as safetensors; null when the project has never been trained). Throws FlowgradError
 * 'bad-file' with a message for the user.
 */
export function readProjectZip(bytes: Uint8Array): { project: ProjectJSON } & ProjectFiles {
  if (!looksLikeZip(bytes)) {
    const what = describeFile(bytes);
    badFile(`${NOT_A_PROJECT}: ${what ? `it is ${what}` : 'it is not a zip file'}, while Flowgrad projects are .flowgrad.zip files`);
  }
  const names: string[] = [];
  let files: Record<string, Uint8Array> = {};
  try {
    files = readZip(bytes, {
      what: 'the project',
      filter(f) {
        names.push(f.name);
        return /^([^/]+\/)?(project\.json|weights\.safetensors|weights\.int8\.safetensors|optimizer\.safetensors|dataset\/[^/]+)$/.test(f.name) && !f.name.startsWith('__MACOSX/');
      },
      // Adam's state (two moments) is twice the weights; an included dataset is capped as decoded data.
      maxEntry: (f) => (f.name.endsWith('.json') ? LIMITS.projectJsonBytes : f.name.includes(DATASET_DIR) ? LIMITS.decodedBytes
        : f.name.endsWith(OPTIMIZER_FILE) ? 2 * LIMITS.weightsBytes : LIMITS.weightsBytes),
      maxTotal: LIMITS.projectJsonBytes + 4 * LIMITS.weightsBytes + LIMITS.decodedBytes,
      expect: (f) => (f.name.endsWith('.safetensors') ? weightsSize : undefined),
      advice: 'It is not a project Flowgrad wrote; check where it came from.',
    });
  } catch (e) {
    if (isFlowgradError(e) && e.message.startsWith(DAMAGED)) throw e;
    if (isFlowgradError(e) && !/corrupt ZIP archive/.test(e.message)) throw new FlowgradError('bad-file', `${DAMAGED}: ${e.message}`, { cause: e });
    badFile(`${NOT_A_PROJECT}: the zip file is damaged or incomplete (${e instanceof Error ? e.message : String(e)})`, e);
  }
  const base = findBase(names);
  if (base === null) {
    const listed = names.length === 0 ? 'the zip is empty' : `the zip contains ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, and ${names.length - 5} more` : ''}`;
    badFile(`${NOT_A_PROJECT}: ${PROJECT_FILE} is missing (${listed})`);
  }
  const jsonBytes = files[`${base}${PROJECT_FILE}`]!;
  const json = parseJsonText(strFromU8(jsonBytes!), `${DAMAGED}: ${PROJECT_FILE}`);
  const project = parseProject(json);
  const weights = files[`${base}${WEIGHTS_FILE}`] ?? null;
  if (weights) checkWeights(weights, 'bad-file');
  // Training state without its weights or optimizer file cannot be continued from: dropped, the rest opens.
  let optimizer: Uint8Array | null = files[`${base}${OPTIMIZER_FILE}`] ?? null;
  if (optimizer) checkWeights(optimizer, 'bad-file');
  if (!weights) delete project.checkpoint;
  if (project.checkpoint?.optimizer && !optimizer) project.checkpoint = { ...project.checkpoint, optimizer: null };
  if (!project.checkpoint?.optimizer) optimizer = null;
  const dataset = project.dataset ? files[`${base}${DATASET_DIR}${project.dataset.file}`] ?? null : null;
  if (project.dataset && !dataset) delete project.dataset;
  // An int8 model computed as float32 would give other answers than the one saved: refused, not dropped.
  const int8 = project.quantized ? files[`${base}${QUANTIZED_FILE}`] ?? null : null;
  if (project.quantized) {
    if (!int8) badFile(`${DAMAGED}: ${PROJECT_FILE} says its model is int8, but ${QUANTIZED_FILE} is missing`);
    if (!weights) badFile(`${DAMAGED}: its int8 model has no ${WEIGHTS_FILE} beside it`);
    checkInt8File(int8!, DAMAGED);
  }
  return { project, weights, optimizer, dataset, int8 };
}

/** The checkpoint to continue training from, when the project has one (version 1 files: none, only weights). */
export function projectCheckpoint(files: { project: ProjectJSON } & ProjectFiles): Checkpoint | null {
  const meta = files.project.checkpoint;
  return meta && files.weights ? { meta, weights: files.weights, optimizer: files.optimizer } : null;
}
