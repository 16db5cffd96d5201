/**
 * How raw inputs become model inputs, stored with the trained model (project.json's
 * `preprocessing`): the feature columns with their one-hot vocabularies, the normalisation
 * statistics of the training split, class names, the task, and for images their size,
 * channels and scaling, for text the tokenizer with its vocabulary. The playground and every export apply it, so a model predicts from
 * raw inputs exactly as it was trained. Pure: the app, the worker and the CLI use it.
 */
import { FlowgradError } from '../core/errors.ts';
import type { JsonReader } from '../graph/json-check.ts';
import { columnRoles, imageChannels, imageSide } from './dataPlan.ts';
import type { DataPrep, NormalizeMode, PreparedDataset, StoredData } from './dataTypes.ts';
import { TOKENIZER_LIMITS, encodeText, type TokenLevel } from './tokenizer.ts';

export const PREPROCESSING_VERSION = 1;

/** One feature column of a table, in input order: a number, or text one-hot encoded over `categories`. */
export type FeatureColumn = { name: string; kind: 'numeric' } | { name: string; kind: 'categorical'; categories: string[] };

export interface Preprocessing {
  version: typeof PREPROCESSING_VERSION;
  kind: 'table' | 'image' | 'array' | 'text';
  task: 'classification' | 'regression';
  /** One sample's shape as the model takes it. */
  sampleShape: number[];
  classNames: string[] | null;
  /** Names of the model's input features (one-hot features are `column=value`). */
  featureNames: string[];
  /** Tables: the feature columns in order; the label column's name. */
  columns?: FeatureColumn[];
  label?: string;
  /** x' = (x − shift) / scale per feature (tables; one-hot features are not scaled: shift 0, scale 1) or per channel (images). */
  normalize: { mode: NormalizeMode; shift: number[]; scale: number[] } | null;
  /** Images: resized to size×size, these channels, pixel values / 255 before normalising. */
  image?: { size: number; channels: 1 | 3 };
  /** Text: the column read (tables), and the tokenizer that turns it into `maxLength` token ids (never normalised). */
  text?: TextEncoding;
}

export interface TextEncoding {
  column?: string;
  level: TokenLevel;
  lowercase: boolean;
  maxLength: number;
  /** Id = index: `<pad>` (0), `<unk>` (1), then the training split's tokens. */
  vocab: string[];
}

/** The preprocessing a prepared upload went through (`data` and `prep` are what prepareStored got). */
export function describePreprocessing(prepared: PreparedDataset, data: StoredData, prep: DataPrep): Preprocessing {
  const task = prepared.classes !== null ? 'classification' : 'regression';
  const base = {
    version: PREPROCESSING_VERSION, task, sampleShape: [...prepared.sampleShape], classNames: prepared.classNames ? [...prepared.classNames] : null,
    featureNames: [...prepared.featureNames],
  } satisfies Partial<Preprocessing>;
  const stats = prepared.stats;
  if (prepared.text) return { ...base, kind: 'text', ...(prepared.text.label ? { label: prepared.text.label } : {}), normalize: null, text: prepared.text.encoding };
  if (data.kind === 'table') {
    const roles = columnRoles(data.columns.map((c) => c.name), prep);
    const columns: FeatureColumn[] = data.columns.flatMap((c, i): FeatureColumn[] =>
      roles[i] !== 'feature' ? [] : c.type === 'numeric' ? [{ name: c.name, kind: 'numeric' }] : [{ name: c.name, kind: 'categorical', categories: [...c.categories] }]);
    // Stats are per group; a numeric feature is its own group, one-hot features are not scaled.
    const shift: number[] = [], scale: number[] = [];
    let g = 0;
    for (const c of columns) {
      if (c.kind === 'numeric') {
        shift.push(stats ? stats.shift[g]! : 0);
        scale.push(stats ? stats.scale[g]! : 1);
        g++;
      } else {
        for (let k = 0; k < c.categories.length; k++, g++) {
          shift.push(0);
          scale.push(1);
        }
      }
    }
    return {
      ...base, kind: 'table', columns, label: data.columns[roles.indexOf('label')]!.name,
      normalize: stats && stats.mode !== 'none' ? { mode: stats.mode, shift, scale } : null,
    };
  }
  const normalize = stats && stats.mode !== 'none' ? { mode: stats.mode, shift: Array.from(stats.shift), scale: Array.from(stats.scale) } : null;
  if (data.kind === 'images') return { ...base, kind: 'image', normalize, image: { size: imageSide(data.width, prep), channels: imageChannels(data.channels, prep) } };
  return { ...base, kind: 'array', normalize };
}

/**
 * A table row of raw values (by column name: numbers, or text for categorical columns) as the
 * model's input features: one-hot vocabularies and the training normalisation applied.
 * Throws FlowgradError 'bad-argument' naming the column whose value is missing or unknown.
 */
export function encodeTableRow(pre: Preprocessing, row: Record<string, string | number>): Float32Array {
  if (pre.kind !== 'table' || !pre.columns) throw new FlowgradError('bad-argument', 'this model was not trained on a table');
  const out = new Float32Array(pre.featureNames.length);
  let j = 0;
  for (const c of pre.columns) {
    const raw = row[c.name];
    if (c.kind === 'numeric') {
      const v = typeof raw === 'number' ? raw : raw === undefined || String(raw).trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new FlowgradError('bad-argument', `'${c.name}' needs a number${raw === undefined || raw === '' ? '' : ` (got '${raw}')`}`);
      out[j++] = v;
    } else {
      const k = c.categories.indexOf(String(raw ?? ''));
      if (k < 0) throw new FlowgradError('bad-argument', `'${c.name}' must be one of ${c.categories.join(', ')}${raw === undefined ? '' : ` (got '${raw}')`}`);
      for (let q = 0; q < c.categories.length; q++) out[j++] = q === k ? 1 : 0;
    }
  }
  if (pre.normalize) for (let i = 0; i < out.length; i++) out[i] = (out[i]! - pre.normalize.shift[i]!) / pre.normalize.scale[i]!;
  return out;
}

/** A typed text as the model's input: its token ids under the training vocabulary. */
export function encodeTextInput(pre: Preprocessing, text: string): Float32Array {
  if (pre.kind !== 'text' || !pre.text) throw new FlowgradError('bad-argument', 'this model was not trained on text');
  return encodeText(text, pre.text.vocab, pre.text);
}

/** Images already as [C, size, size] values in 0–1: the training normalisation per channel. */
export function normalizeImage(pre: Preprocessing, chw: Float32Array): Float32Array {
  const n = pre.normalize;
  if (!n) return chw;
  const plane = chw.length / Math.max(1, n.shift.length);
  return chw.map((v, i) => (v - n.shift[Math.floor(i / plane)]!) / n.scale[Math.floor(i / plane)]!);
}

/**
 * Raw numbers as the model takes them, for `x` holding whole samples of `sampleSize` values:
 * table features (one-hot columns as 0/1) get the training normalisation; image pixels
 * (0–255, [C,H,W]) are divided by 255, then normalised per channel plane. The CLI's predict
 * and the standalone bundle (engine/bundle) both use it.
 */
export function prepareRawInputs(pre: Preprocessing | null, x: Float32Array, sampleSize: number): Float32Array {
  if (!pre) return x;
  const out = pre.kind === 'image' ? x.map((v) => v / 255) : Float32Array.from(x);
  const n = pre.normalize;
  if (!n) return out;
  const k = n.shift.length;
  if (sampleSize % k !== 0) throw new FlowgradError('bad-argument', `the stored normalisation has ${k} statistics, which do not divide the ${sampleSize} values of a sample`);
  const plane = sampleSize / k;
  for (let i = 0; i < out.length; i++) {
    const j = Math.floor((i % sampleSize) / plane);
    out[i] = (out[i]! - n.shift[j]!) / n.scale[j]!;
  }
  return out;
}

/** project.json's `preprocessing` entry, checked. */
export function readPreprocessing(r: JsonReader, v: unknown): Preprocessing {
  const o = r.object(v, 'preprocessing');
  const p = 'preprocessing';
  const version = r.number(o.version, `${p}.version`, { int: true, min: 1 });
  if (version > PREPROCESSING_VERSION) r.fail(`${p}.version`, `is ${version}: this Flowgrad reads preprocessing up to version ${PREPROCESSING_VERSION}`);
  const strings = (x: unknown, path: string) => r.array(x, path).map((s, i) => r.string(s, `${path}[${i}]`));
  const numbers = (x: unknown, path: string) => r.array(x, path).map((s, i) => r.number(s, `${path}[${i}]`));
  const featureNames = strings(o.featureNames, `${p}.featureNames`);
  const out: Preprocessing = {
    version: PREPROCESSING_VERSION,
    kind: r.oneOf(o.kind, `${p}.kind`, ['table', 'image', 'array', 'text'] as const),
    task: r.oneOf(o.task, `${p}.task`, ['classification', 'regression'] as const),
    sampleShape: r.array(o.sampleShape, `${p}.sampleShape`).map((s, i) => r.number(s, `${p}.sampleShape[${i}]`, { int: true, min: 1 })),
    classNames: o.classNames === null || o.classNames === undefined ? null : strings(o.classNames, `${p}.classNames`),
    featureNames,
    normalize: null,
  };
  if (o.normalize !== null && o.normalize !== undefined) {
    const n = r.object(o.normalize, `${p}.normalize`);
    const shift = numbers(n.shift, `${p}.normalize.shift`), scale = numbers(n.scale, `${p}.normalize.scale`);
    if (shift.length !== scale.length || scale.some((s) => s === 0)) r.fail(`${p}.normalize`, 'needs as many shifts as non-zero scales');
    out.normalize = { mode: r.oneOf(n.mode, `${p}.normalize.mode`, ['standardize', 'minmax', 'none'] as const), shift, scale };
  }
  if (o.columns !== undefined) {
    out.columns = r.array(o.columns, `${p}.columns`).map((c, i): FeatureColumn => {
      const co = r.object(c, `${p}.columns[${i}]`);
      const name = r.string(co.name, `${p}.columns[${i}].name`);
      const kind = r.oneOf(co.kind, `${p}.columns[${i}].kind`, ['numeric', 'categorical'] as const);
      return kind === 'numeric' ? { name, kind } : { name, kind, categories: strings(co.categories, `${p}.columns[${i}].categories`) };
    });
    const width = out.columns.reduce((a, c) => a + (c.kind === 'numeric' ? 1 : c.categories.length), 0);
    if (width !== featureNames.length || (out.normalize && out.normalize.shift.length !== width)) r.fail(`${p}.columns`, `give ${width} features, the names and statistics do not match`);
  }
  if (o.label !== undefined) out.label = r.string(o.label, `${p}.label`);
  if (o.image !== undefined) {
    const im = r.object(o.image, `${p}.image`);
    out.image = { size: r.number(im.size, `${p}.image.size`, { int: true, min: 1, max: 1024 }), channels: r.number(im.channels, `${p}.image.channels`, { int: true, min: 1, max: 3 }) === 1 ? 1 : 3 };
  }
  if (o.text !== undefined) {
    const t = r.object(o.text, `${p}.text`);
    out.text = {
      level: r.oneOf(t.level, `${p}.text.level`, ['word', 'char'] as const),
      lowercase: t.lowercase !== false,
      maxLength: r.number(t.maxLength, `${p}.text.maxLength`, { int: true, min: 1, max: TOKENIZER_LIMITS.maxLength }),
      vocab: strings(t.vocab, `${p}.text.vocab`),
    };
    if (t.column !== undefined) out.text.column = r.string(t.column, `${p}.text.column`);
    if (out.text.vocab.length < 2 || out.text.vocab.length > TOKENIZER_LIMITS.maxVocab) r.fail(`${p}.text.vocab`, `needs between 2 and ${TOKENIZER_LIMITS.maxVocab} tokens`);
  }
  if (out.kind === 'text' && !out.text) r.fail(`${p}.text`, 'is missing: a text model needs its tokenizer and vocabulary');
  return out;
}
