/**
 * Stored data → training data. Tables: label and feature columns by role, categorical features
 * one-hot (a text column is tokenized instead: textSource.ts), rows without a label dropped, missing features dropped or filled (mean of the
 * training rows, or zero); infinite cells count as missing (they would shift a whole column by
 * ∞ when normalised) and are reported in the notes and `nonFinite`. Arrays and images: channels-first floats in 0–1, images resized
 * and turned gray or RGB. Then a seeded stratified split and normalisation with statistics
 * from the training part only. Each row is written once, straight into its part.
 */
import { FlowgradError } from '../core/errors.ts';
import { resizeRgba } from './image.ts';
import { arraySampleShape, imageChannels, imageSide, planTable } from '../project/dataPlan.ts';
import { applyStats, computeStats, stratifiedSplit } from './partition.ts';
import { columnInfo } from './summary.ts';
import type { RowSource } from './rowSource.ts';
import { isInf, nonFiniteNote, tableLabels } from './tableLabels.ts';
import { textTableSource } from './textSource.ts';
import { DEFAULT_PREP, NO_AUGMENT } from '../project/dataTypes.ts';
import type { ArrayDataset, AugmentConfig, DataPrep, ImageSetData, PreparedDataset, StoredData, TableData, TensorData } from '../project/dataTypes.ts';

export interface PrepDefaults {
  valFraction?: number;
  testFraction?: number;
  seed?: number;
}

function anyAugment(a: AugmentConfig | undefined): a is AugmentConfig {
  return !!a && (a.flip || a.cropPadding > 0 || a.rotation > 0 || a.brightness > 0 || a.contrast > 0 || a.noise > 0);
}

function tableSource(t: TableData, prep: DataPrep): RowSource {
  const plan = planTable(t.columns.map(columnInfo), prep);
  if (plan.text !== null) return textTableSource(t, plan, prep);
  const notes: string[] = [];
  const { yRaw, classNames } = tableLabels(t, plan);
  let nonFinite = 0;
  const lc = t.columns[plan.label]!;
  if (lc.type === 'numeric') for (const v of lc.values) if (isInf(v)) nonFinite++;
  const feats = plan.features.map((i) => t.columns[i]);
  const drop = prep.missing ?? DEFAULT_PREP.missing;
  const keep: number[] = [];
  let noLabel = 0, noFeature = 0, hasMissing = false;
  for (let r = 0; r < t.rows; r++) {
    if (Number.isNaN(yRaw[r])) {
      noLabel++;
      continue;
    }
    let missing = false;
    for (const c of feats) {
      if (c.type !== 'numeric') missing ||= c.codes[r] < 0;
      else if (isInf(c.values[r])) {
        nonFinite++;
        missing = true;
      } else missing ||= Number.isNaN(c.values[r]);
    }
    if (missing && drop === 'drop') {
      noFeature++;
      continue;
    }
    if (missing) hasMissing = true;
    keep.push(r);
  }
  if (nonFinite) notes.push(nonFiniteNote(nonFinite));
  if (noLabel) notes.push(`Left out ${noLabel} row${noLabel === 1 ? '' : 's'} without a label.`);
  if (noFeature) notes.push(`Left out ${noFeature} row${noFeature === 1 ? '' : 's'} with missing values.`);
  if (keep.length === 0) throw new FlowgradError('bad-argument', 'no rows left: every row lacks the label or a feature value');
  const featureNames: string[] = [];
  const groupOf: number[] = [];
  for (const c of feats) {
    if (c.type === 'numeric') {
      groupOf.push(featureNames.length);
      featureNames.push(c.name);
    } else {
      for (const cat of c.categories) {
        groupOf.push(-1);
        featureNames.push(`${c.name}=${cat}`);
      }
    }
  }
  const y = plan.task === 'classification' ? new Int32Array(keep.length) : new Float32Array(keep.length);
  keep.forEach((r, i) => (y[i] = yRaw[r]));
  return {
    rows: keep.length,
    features: plan.featureCount,
    sampleShape: [plan.featureCount],
    fill(i, out, off) {
      const r = keep[i];
      let j = off;
      for (const c of feats) {
        if (c.type === 'numeric') out[j++] = isInf(c.values[r]) ? NaN : c.values[r];
        else {
          const k = c.codes[r];
          for (let q = 0; q < c.categories.length; q++) out[j++] = q === k ? 1 : 0;
        }
      }
    },
    y,
    classes: plan.classes,
    classNames,
    featureNames,
    groupOf: Int32Array.from(groupOf),
    groups: featureNames.length,
    image: false,
    notes,
    hasMissing,
    nonFinite,
  };
}

function tensorSource(d: TensorData, prep: DataPrep): RowSource {
  if (!d.y) throw new FlowgradError('bad-argument', 'these arrays have no labels: drop the labels too (an NPZ with x and y, or an IDX labels file)');
  const { sampleShape, hwc, image } = arraySampleShape(d.xShape);
  const rows = d.xShape[0];
  const features = sampleShape.reduce((a, b) => a * b, 1);
  let scale = 1;
  const notes: string[] = [];
  if (image) {
    let max = 0;
    for (let i = 0; i < d.x.length; i += 97) if (d.x[i] > max) max = d.x[i];
    if (d.x instanceof Uint8Array || max > 1.5) {
      scale = 1 / 255;
      notes.push('Pixel values scaled from 0–255 to 0–1.');
    }
  }
  const [c, h, w] = image ? sampleShape : [1, 1, features];
  const classify = d.y instanceof Int32Array && prep.task !== 'regression';
  let classes: number | null = null;
  let y: Int32Array | Float32Array = d.y;
  if (classify) {
    classes = 0;
    for (const v of d.y) if (v + 1 > classes) classes = v + 1;
    if (classes < 2) throw new FlowgradError('bad-argument', `the labels hold ${classes} class: a classifier needs at least 2`);
  } else if (d.y instanceof Int32Array) y = Float32Array.from(d.y);
  let nonFinite = 0;
  if (d.x instanceof Float32Array) for (const v of d.x) if (isInf(v)) nonFinite++;
  if (nonFinite) notes.push(nonFiniteNote(nonFinite));
  const hasMissing = d.x instanceof Float32Array && d.x.some((v) => !Number.isFinite(v));
  // Integer samples (token ids, counts) keep their values unless the prep asks otherwise: a standardised id is no id.
  const integer = !image && (d.xInteger === true || d.x instanceof Uint8Array);
  if (integer && prep.normalize === undefined) notes.push('Integer values (token ids) kept as they are: not normalised.');
  const groupOf = new Int32Array(features);
  for (let j = 0; j < features; j++) groupOf[j] = image ? Math.floor(j / (h * w)) : j;
  return {
    rows, features, sampleShape, y, classes, notes, hasMissing, nonFinite, image,
    ...(integer ? { defaultNormalize: 'none' as const } : {}),
    classNames: classes === null ? null : Array.from({ length: classes }, (_, i) => String(i)),
    featureNames: image ? [] : Array.from({ length: features }, (_, i) => `x${i}`),
    groupOf,
    groups: image ? c : features,
    fill(r, out, off) {
      const base = r * features;
      if (hwc) {
        for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) out[off + k * h * w + p] = d.x[base + p * c + k] * scale;
      } else for (let j = 0; j < features; j++) out[off + j] = d.x[base + j] * scale;
      if (nonFinite) for (let j = 0; j < features; j++) if (isInf(out[off + j])) out[off + j] = NaN;
    },
  };
}

function imageSource(d: ImageSetData, prep: DataPrep): RowSource {
  const side = imageSide(d.width, prep);
  const ch = imageChannels(d.channels, prep);
  const per = d.width * d.height * d.channels;
  const plane = side * side;
  const groupOf = new Int32Array(ch * plane);
  for (let j = 0; j < groupOf.length; j++) groupOf[j] = Math.floor(j / plane);
  return {
    rows: d.labels.length,
    features: ch * plane,
    sampleShape: [ch, side, side],
    y: d.labels,
    classes: d.classNames.length,
    classNames: d.classNames,
    featureNames: [],
    groupOf,
    groups: ch,
    image: true,
    notes: [],
    hasMissing: false,
    nonFinite: 0,
    fill(r, out, off) {
      const px = resizeRgba(d.pixels.subarray(r * per, (r + 1) * per), d.width, d.height, side, side, d.channels);
      for (let p = 0; p < plane; p++) {
        if (ch === d.channels) for (let k = 0; k < ch; k++) out[off + k * plane + p] = px[p * ch + k] / 255;
        else if (ch === 1) out[off + p] = (0.299 * px[p * 3] + 0.587 * px[p * 3 + 1] + 0.114 * px[p * 3 + 2]) / 255;
        else for (let k = 0; k < 3; k++) out[off + k * plane + p] = px[p] / 255;
      }
    },
  };
}

function take(src: RowSource, idx: Int32Array): ArrayDataset {
  const f = src.features;
  const ySize = src.y.length / src.rows;
  const x = new Float32Array(idx.length * f);
  const y = src.y instanceof Int32Array ? new Int32Array(idx.length * ySize) : new Float32Array(idx.length * ySize);
  for (let i = 0; i < idx.length; i++) {
    src.fill(idx[i], x, i * f);
    for (let k = 0; k < ySize; k++) y[i * ySize + k] = src.y[idx[i] * ySize + k];
  }
  return { x, y, rows: idx.length, features: f };
}

function fillMissing(parts: ArrayDataset[], values: Float32Array, groupOf: Int32Array): void {
  for (const d of parts) {
    for (let i = 0; i < d.x.length; i++) {
      if (Number.isNaN(d.x[i])) {
        const g = groupOf[i % d.features];
        d.x[i] = g >= 0 ? values[g] : 0;
      }
    }
  }
}

function extentOf(d: ArrayDataset): [number, number, number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of d.x) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [-1, 1, -1, 1];
  const pad = (hi - lo) * 0.1 + 1e-3;
  return [lo - pad, hi + pad, lo - pad, hi + pad];
}

/** Prepares stored data for training under `prep`; `defaults` fill what the prep leaves out. */
export function prepareStored(data: StoredData, prep: DataPrep = {}, defaults: PrepDefaults = {}): PreparedDataset {
  const src = data.kind === 'table' ? tableSource(data, prep) : data.kind === 'images' ? imageSource(data, prep) : tensorSource(data, prep);
  const valFraction = prep.valFraction ?? defaults.valFraction ?? DEFAULT_PREP.valFraction;
  const testFraction = prep.testFraction ?? defaults.testFraction ?? DEFAULT_PREP.testFraction;
  const seed = prep.seed ?? defaults.seed ?? DEFAULT_PREP.seed;
  const split = stratifiedSplit(src.rows, src.classes !== null ? (src.y as Int32Array) : null, valFraction, testFraction, seed);
  src.fitOnTrain?.(split.train);
  const train = take(src, split.train);
  const val = split.val.length > 0 ? take(src, split.val) : null;
  const test = split.test.length > 0 ? take(src, split.test) : null;
  const parts = [train, val, test].filter((p): p is ArrayDataset => p !== null);
  const notes = [...src.notes];
  if (src.hasMissing) {
    const policy = prep.missing ?? DEFAULT_PREP.missing;
    const fill = policy === 'zero' ? new Float32Array(src.groups) : computeStats(train, 'standardize', src.groupOf, src.groups).shift;
    fillMissing(parts, fill, src.groupOf);
    notes.push(`Missing values filled with ${policy === 'zero' ? 'zero' : 'the training mean'}.`);
  }
  const mode = src.text ? 'none' : prep.normalize ?? src.defaultNormalize ?? DEFAULT_PREP.normalize;
  const stats = computeStats(train, mode, src.groupOf, src.groups);
  for (const p of parts) applyStats(p, stats, src.groupOf);
  const augment = src.image && anyAugment(prep.augment) ? { ...NO_AUGMENT, ...prep.augment } : null;
  return {
    train, val, test,
    sampleShape: src.sampleShape,
    classes: src.classes,
    classNames: src.classNames,
    featureNames: src.featureNames,
    stats,
    augment,
    extent: src.features === 2 && !src.image ? extentOf(train) : null,
    signature: { sampleShape: src.sampleShape, classes: src.classes },
    notes,
    nonFinite: src.nonFinite,
    ...(src.text ? { text: src.text() } : {}),
  };
}
