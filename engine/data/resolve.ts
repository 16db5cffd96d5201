/**
 * One entry point from a project's DatasetSpec to training data, for the worker and the CLI:
 * built-ins are generated, uploads are read through the host's `io` (IndexedDB in the
 * browser, files in Node) and prepared as their `prep` says. Built-in data keeps the split
 * the training config asks for (validationSplit, no test part) and is not normalised, exactly
 * as before uploads existed; generated text carries its tokenizer as preprocessing.
 */
import { FlowgradError, isFlowgradError } from '../core/errors.ts';
import type { DatasetSpec } from '../project/config.ts';
import { splitDataset } from './split.ts';
import { makeBuiltin } from './builtin.ts';
import { prepareStored } from './prepare.ts';
import { PREPROCESSING_VERSION, describePreprocessing, type Preprocessing } from '../project/preprocessing.ts';
import { sanitizeTokenizer } from '../project/tokenizer.ts';
import { NO_AUGMENT } from '../project/dataTypes.ts';
import type { AugmentConfig, DataPrep, PreparedDataset, StoredDataset } from '../project/dataTypes.ts';

export interface DataIO {
  /** The stored upload with this id; throws (any error) when there is none. */
  readUpload(id: string): Promise<StoredDataset>;
}

export interface ResolveOptions {
  /** Validation fraction for built-ins, and for uploads whose prep does not set one. */
  validationSplit?: number;
  /** Split seed for built-ins, and for uploads whose prep does not set one. */
  seed?: number;
}

const num = (v: unknown, lo: number, hi: number): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : undefined);
const oneOf = <T extends string>(v: unknown, options: readonly T[]): T | undefined => (options.includes(v as T) ? (v as T) : undefined);

/** A DataPrep from untrusted JSON (a project file): unknown fields dropped, numbers clamped. */
export function sanitizePrep(raw: unknown): DataPrep {
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const prep: DataPrep = {};
  if (o.roles && typeof o.roles === 'object') {
    prep.roles = {};
    for (const [k, v] of Object.entries(o.roles as Record<string, unknown>)) {
      const role = oneOf(v, ['feature', 'label', 'ignore', 'text'] as const);
      if (role) prep.roles[k] = role;
    }
  }
  if (typeof o.label === 'string') prep.label = o.label;
  const set = <K extends keyof DataPrep>(k: K, v: DataPrep[K] | undefined) => {
    if (v !== undefined) prep[k] = v;
  };
  set('task', oneOf(o.task, ['auto', 'classification', 'regression'] as const));
  set('normalize', oneOf(o.normalize, ['standardize', 'minmax', 'none'] as const));
  set('missing', oneOf(o.missing, ['drop', 'mean', 'zero'] as const));
  set('valFraction', num(o.valFraction, 0, 0.9));
  set('testFraction', num(o.testFraction, 0, 0.9));
  set('seed', num(o.seed, 0, 2 ** 31));
  set('imageSize', num(o.imageSize, 4, 128));
  set('color', oneOf(o.color, ['gray', 'rgb'] as const));
  if (o.tokenizer && typeof o.tokenizer === 'object') prep.tokenizer = sanitizeTokenizer(o.tokenizer);
  if (o.augment && typeof o.augment === 'object') {
    const a = o.augment as Record<string, unknown>;
    const aug: AugmentConfig = {
      flip: a.flip === true,
      cropPadding: Math.round(num(a.cropPadding, 0, 16) ?? 0),
      rotation: num(a.rotation, 0, 180) ?? 0,
      brightness: num(a.brightness, 0, 1) ?? 0,
      contrast: num(a.contrast, 0, 1) ?? 0,
      noise: num(a.noise, 0, 1) ?? 0,
    };
    prep.augment = { ...NO_AUGMENT, ...aug };
  }
  return prep;
}

function generated(spec: Extract<DatasetSpec, { kind: 'builtin2d' | 'builtin' }>, opts: ResolveOptions): PreparedDataset {
  const g = makeBuiltin(spec.name, spec);
  const features = g.sampleShape.reduce((a, b) => a * b, 1);
  const all = { x: g.x, y: g.y, rows: g.rows, features };
  const { train, val } = splitDataset(all, opts.validationSplit ?? 0, opts.seed ?? spec.seed);
  return {
    train, val, test: null,
    sampleShape: g.sampleShape,
    classes: g.classes,
    classNames: g.classNames,
    featureNames: g.image ? [] : g.sampleShape[0] === 2 ? ['x', 'y'] : ['x'],
    stats: null,
    augment: null,
    extent: g.extent,
    signature: { sampleShape: g.sampleShape, classes: g.classes, ...(g.text ? { vocabSize: g.text.vocab.length } : {}), ...(g.labelsPerSample ? { labelsPerSample: g.labelsPerSample } : {}) },
    notes: [],
    ...(g.text ? { preprocessing: textPreprocessing(g) } : {}),
  };
}

/** Generated text (the reviews, the tagged sentences): the tokenizer and vocabulary, so typed text predicts like the training rows. */
function textPreprocessing(g: ReturnType<typeof makeBuiltin>): Preprocessing {
  return {
    version: PREPROCESSING_VERSION, kind: 'text', task: 'classification', sampleShape: [...g.sampleShape], classNames: g.classNames ? [...g.classNames] : null,
    featureNames: [], normalize: null, text: { ...g.text!.tokenizer, vocab: [...g.text!.vocab] },
  };
}

export async function resolveDataset(spec: DatasetSpec, io: DataIO, opts: ResolveOptions = {}): Promise<PreparedDataset> {
  if (spec.kind === 'builtin2d' || spec.kind === 'builtin') return generated(spec, opts);
  if (spec.kind !== 'upload') throw new FlowgradError('bad-argument', `unknown dataset kind '${(spec as { kind: string }).kind}'`);
  let stored: StoredDataset;
  try {
    stored = await io.readUpload(spec.id);
  } catch (e) {
    if (isFlowgradError(e)) throw e;
    throw new FlowgradError('bad-argument', `the uploaded dataset '${spec.name}' is not stored here any more: drop the file again`, { cause: e });
  }
  const prep = sanitizePrep(spec.prep);
  const prepared = prepareStored(stored.data, prep, { valFraction: opts.validationSplit, seed: opts.seed });
  return { ...prepared, preprocessing: describePreprocessing(prepared, stored.data, prep) };
}
