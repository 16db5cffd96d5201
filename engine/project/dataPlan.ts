/**
 * Decisions about an uploaded dataset that the data panel must know instantly (before any
 * worker round trip) and that preparation must make identically: which column is the label,
 * which are features and how many inputs they become (one-hot included), classification or
 * regression, the sample shape of array data, and how many rows each part of the split gets.
 * Pure and small: the app imports it to give the canvas the dataset's DataSignature, and the
 * panels the split sizes, as the user changes the preparation.
 */
import { FlowgradError } from '../core/errors.ts';
import type { DataSignature } from '../graph/dataFit.ts';
import { DEFAULT_PREP } from './dataTypes.ts';
import type { ColumnRole, DataPrep, DatasetSummary } from './dataTypes.ts';
import { sanitizeTokenizer, tokenize } from './tokenizer.ts';

/** What planning needs to know about a table column. */
export interface ColumnInfo {
  name: string;
  type: 'numeric' | 'categorical';
  /** Categorical: number of categories. */
  categories: number;
  /** Numeric: every value a whole number. */
  integer: boolean;
  /** Distinct non-missing values (capped at 1,001). */
  distinct: number;
  /** Categorical values that read as sentences (see looksLikeText): tokenized, not one-hot encoded. */
  text?: boolean;
}

/**
 * Text values that are sentences rather than categories: mostly three words or more, or more
 * than one-hot can hold and mostly several words ("New York" stays a category).
 */
export function looksLikeText(categories: readonly string[]): boolean {
  if (categories.length < 4) return false;
  let words2 = 0, words3 = 0;
  for (const c of categories) {
    if (/\S\s+\S+\s+\S/.test(c)) words3++;
    if (/\S\s+\S/.test(c)) words2++;
  }
  return words3 * 2 > categories.length || (categories.length > MAX_ONE_HOT && words2 * 2 > categories.length);
}

/** Column names that say "this is text" (a ZIP of .txt files becomes a column named `text`). */
const TEXT_NAME = /^(text|texts|review|reviews|sentence|sentences|comment|comments|message|messages|body|content|tweet|tweets)$/i;

export interface TablePlan {
  label: number;
  features: number[];
  task: 'classification' | 'regression';
  /** Inputs per sample once categorical features are one-hot encoded. */
  featureCount: number;
  classes: number | null;
  /** The text column tokenized into `featureCount` token ids (other feature columns are then left out), or null. */
  text: number | null;
}

/** Most distinct values a numeric label may have and still be read as classes. */
export const MAX_NUMERIC_CLASSES = 20;
/** Most categories a text feature may have (one-hot width). */
export const MAX_ONE_HOT = 100;

const LABEL_NAME = /^(label|labels|class|classes|target|y|species|outcome|category|diagnosis|survived)$/i;

/** The label column's index for a prep: explicit label, a 'label' role, a label-like name, else the last. */
export function labelIndex(names: readonly string[], prep: DataPrep): number {
  if (prep.label !== undefined) {
    const i = names.indexOf(prep.label);
    if (i < 0) throw new FlowgradError('bad-argument', `there is no column '${prep.label}' to use as the label`);
    return i;
  }
  const byRole = names.findIndex((n) => prep.roles?.[n] === 'label');
  if (byRole >= 0) return byRole;
  const byName = names.findIndex((n) => LABEL_NAME.test(n.trim()));
  return byName >= 0 ? byName : names.length - 1;
}

/** Each column's role under a prep (the label first decided by `labelIndex`). */
export function columnRoles(names: readonly string[], prep: DataPrep): ColumnRole[] {
  const label = labelIndex(names, prep);
  return names.map((n, i) => (i === label ? 'label' : prep.roles?.[n] === 'ignore' ? 'ignore' : prep.roles?.[n] === 'text' ? 'text' : 'feature'));
}

/** The column read as text: one with the role 'text', else the first feature column that looks like text; -1 when none. */
export function textColumnIndex(cols: readonly ColumnInfo[], roles: readonly ColumnRole[]): number {
  const explicit = roles.filter((r) => r === 'text').length;
  if (explicit > 1) throw new FlowgradError('bad-argument', 'only one column can be read as text: set the others to "ignore"');
  const i = roles.indexOf('text');
  if (i >= 0) {
    if (cols[i].type !== 'categorical') throw new FlowgradError('bad-argument', `column '${cols[i].name}' holds numbers: only a text column can be tokenized`);
    return i;
  }
  return cols.findIndex((c, k) => roles[k] === 'feature' && c.type === 'categorical' && (c.text === true || TEXT_NAME.test(c.name.trim())));
}

export function planTable(cols: readonly ColumnInfo[], prep: DataPrep): TablePlan {
  if (cols.length < 2) throw new FlowgradError('bad-argument', 'the table needs at least two columns: features and a label');
  const roles = columnRoles(cols.map((c) => c.name), prep);
  const label = roles.indexOf('label');
  const text = textColumnIndex(cols, roles);
  const features = text >= 0 ? [text] : roles.flatMap((r, i) => (r === 'feature' ? [i] : []));
  if (features.length === 0) throw new FlowgradError('bad-argument', 'no feature columns: give at least one column the role "feature"');
  let featureCount = text >= 0 ? sanitizeTokenizer(prep.tokenizer).maxLength : 0;
  for (const i of text >= 0 ? [] : features) {
    const c = cols[i];
    if (c.type === 'categorical' && c.categories > MAX_ONE_HOT) {
      throw new FlowgradError('bad-argument', `column '${c.name}' has ${c.categories} different text values, too many to one-hot encode (at most ${MAX_ONE_HOT}): set its role to "ignore", or to "text" to tokenize it`);
    }
    featureCount += c.type === 'categorical' ? Math.max(1, c.categories) : 1;
  }
  const lc = cols[label];
  const task = prep.task === 'classification' || prep.task === 'regression'
    ? prep.task
    : lc.type === 'categorical' || (lc.integer && lc.distinct <= MAX_NUMERIC_CLASSES) ? 'classification' : 'regression';
  if (task === 'regression' && lc.type === 'categorical') throw new FlowgradError('bad-argument', `the label '${lc.name}' holds text: it can only be a classification target`);
  let classes: number | null = null;
  if (task === 'classification') {
    classes = lc.type === 'categorical' ? lc.categories : lc.distinct;
    if (lc.type === 'numeric' && lc.distinct > 1000) throw new FlowgradError('bad-argument', `the label '${lc.name}' has over 1,000 different values: choose regression, or another label column`);
    if (classes < 2) throw new FlowgradError('bad-argument', `the label '${lc.name}' has ${classes} distinct value${classes === 1 ? '' : 's'}: a classifier needs at least 2 classes`);
  }
  return { label, features, task, featureCount, classes, text: text >= 0 ? text : null };
}

/**
 * The sample shape of array data [N, ...rest], channels first for images: [H,W] becomes
 * [1,H,W] and [H,W,C] (C = 1, 3 or 4, H and W larger) becomes [C,H,W].
 */
export function arraySampleShape(xShape: readonly number[]): { sampleShape: number[]; hwc: boolean; image: boolean } {
  const rest = xShape.slice(1);
  if (rest.length === 0) return { sampleShape: [1], hwc: false, image: false };
  if (rest.length === 2 && rest[0] >= 4 && rest[1] >= 4) return { sampleShape: [1, rest[0], rest[1]], hwc: false, image: true };
  if (rest.length === 3 && [1, 3, 4].includes(rest[2]) && rest[0] > 4 && rest[1] > 4) return { sampleShape: [rest[2], rest[0], rest[1]], hwc: true, image: true };
  if (rest.length === 3 && [1, 3].includes(rest[0])) return { sampleShape: rest, hwc: false, image: true };
  return { sampleShape: rest, hwc: false, image: false };
}

export function imageSide(stored: number, prep: DataPrep): number {
  const s = prep.imageSize ?? Math.min(stored, 32);
  return Math.max(4, Math.min(128, Math.round(s)));
}

export function imageChannels(stored: 1 | 3, prep: DataPrep): 1 | 3 {
  return prep.color === 'gray' ? 1 : prep.color === 'rgb' ? 3 : stored;
}

/** Column infos from a preview summary. */
export function columnInfos(summary: DatasetSummary): ColumnInfo[] {
  return (summary.table?.columns ?? []).map((c) => ({
    name: c.name, type: c.type, categories: c.categories?.length ?? 0, integer: c.integer, distinct: c.distinct,
    ...(c.type === 'categorical' && looksLikeText(c.categories ?? []) ? { text: true } : {}),
  }));
}

/**
 * The most token ids a text column can produce under a prep: `<pad>`, `<unk>` and every
 * distinct token of the column, at most maxVocab (the training split's vocabulary is never larger).
 */
export function textVocabBound(categories: readonly string[], prep: DataPrep): number {
  const cfg = sanitizeTokenizer(prep.tokenizer);
  const seen = new Set<string>();
  for (const c of categories) for (const t of tokenize(c, cfg)) seen.add(t);
  return Math.min(cfg.maxVocab, seen.size + 2);
}

/** What a model must accept and predict for this upload under this prep (throws when the prep is unusable). */
export function signatureOf(summary: DatasetSummary, prep: DataPrep): DataSignature {
  if (summary.table) {
    const plan = planTable(columnInfos(summary), prep);
    if (plan.text !== null) return { sampleShape: [plan.featureCount], classes: plan.classes, vocabSize: textVocabBound(summary.table.columns[plan.text].categories ?? [], prep) };
    return { sampleShape: [plan.featureCount], classes: plan.classes };
  }
  if (summary.images) {
    const side = imageSide(summary.images.width, prep);
    return { sampleShape: [imageChannels(summary.images.channels, prep), side, side], classes: summary.images.classNames.length };
  }
  if (summary.tensor) {
    const t = summary.tensor;
    if (t.yShape.length === 0) throw new FlowgradError('bad-argument', 'these arrays have no labels: drop the labels too (an NPZ with x and y, or an IDX labels file)');
    const { sampleShape } = arraySampleShape(t.xShape);
    const classification = prep.task !== 'regression' && t.integer && t.classes !== null;
    return { sampleShape, classes: classification ? t.classes : null };
  }
  throw new FlowgradError('bad-argument', 'the dataset preview is empty');
}

/** How many rows each part of a split holds. */
export interface SplitSizes {
  train: number;
  val: number;
  test: number;
}

/**
 * The validation and test rows of one class of n rows in a stratified split (the rule
 * partition.ts stratifiedSplit applies): rounded shares, at least one training row kept.
 */
export function classShares(n: number, valFraction: number, testFraction: number): { val: number; test: number } {
  const val = Math.max(0, Math.min(0.9, valFraction));
  const test = Math.max(0, Math.min(0.9 - val, testFraction));
  let nTest = Math.round(n * test);
  let nVal = Math.round(n * val);
  while (nTest + nVal >= n && (nTest > 0 || nVal > 0)) {
    if (nTest > nVal) nTest--;
    else nVal--;
  }
  return { val: nVal, test: nTest };
}

/** Part sizes of a stratified split of classes with these row counts (one count: unstratified). */
export function splitSizes(classCounts: readonly number[], valFraction: number, testFraction: number): SplitSizes {
  const out = { train: 0, val: 0, test: 0 };
  for (const n of classCounts) {
    if (n <= 0) continue;
    const s = classShares(n, valFraction, testFraction);
    out.val += s.val;
    out.test += s.test;
    out.train += n - s.val - s.test;
  }
  return out;
}

/**
 * Part sizes of the built-in datasets' split (data/split.ts splitDataset): validation only,
 * rounded per class, and no split at all when either part would be empty.
 */
export function builtinSplitSizes(classCounts: readonly number[], valFraction: number): SplitSizes {
  const rows = classCounts.reduce((a, b) => a + b, 0);
  const val = valFraction > 0 && rows >= 4 ? classCounts.reduce((a, n) => a + Math.round(n * valFraction), 0) : 0;
  return val > 0 && val < rows ? { train: rows - val, val, test: 0 } : { train: rows, val: 0, test: 0 };
}

/**
 * The split sizes an upload gets under a prep, from its preview summary (before any worker
 * round trip). `exact` is false where the summary cannot tell: rows dropped for missing
 * features ('drop' policy), or a label with more distinct values than the summary counts.
 * Throws, like signatureOf, when the prep is unusable.
 */
export function uploadSplitSizes(summary: DatasetSummary, prep: DataPrep, defaults: { valFraction?: number } = {}): SplitSizes & { exact: boolean } {
  const val = prep.valFraction ?? defaults.valFraction ?? DEFAULT_PREP.valFraction;
  const test = prep.testFraction ?? DEFAULT_PREP.testFraction;
  let counts: number[] | null = null;
  let exact = true;
  if (summary.table) {
    const cols = summary.table.columns;
    const plan = planTable(columnInfos(summary), prep);
    const label = cols[plan.label];
    const rows = summary.rows - label.missing;
    if ((prep.missing ?? DEFAULT_PREP.missing) === 'drop' && plan.features.some((i) => cols[i].missing > 0)) exact = false;
    if (plan.task === 'classification') {
      counts = label.histogram ? label.histogram.map((h) => h.count) : null;
      if (!counts) exact = false;
    }
    counts ??= [rows];
  } else if (summary.images) {
    counts = summary.images.counts;
  } else if (summary.tensor) {
    const t = summary.tensor;
    const classify = prep.task !== 'regression' && t.integer && t.classes !== null;
    if (classify && !t.counts) exact = false;
    counts = classify && t.counts ? t.counts : [summary.rows];
  } else {
    throw new FlowgradError('bad-argument', 'the dataset preview is empty');
  }
  return { ...splitSizes(counts, val, test), exact };
}
