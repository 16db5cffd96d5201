/**
 * The data contracts shared by the parsers, the preparation step, the data worker, the
 * engine worker and the app (type-only, so the app may import it): what an uploaded dataset
 * looks like once parsed and stored (`StoredDataset`), how the user wants it prepared
 * (`DataPrep`, carried in `UploadSpec.prep`), what training receives (`PreparedDataset`) and
 * the preview the data panel shows (`DatasetSummary`).
 */
import { LIMITS } from '../core/limits.ts';
import type { DataSignature } from '../graph/dataFit.ts';
import type { Preprocessing, TextEncoding } from './preprocessing.ts';
import type { TokenizerConfig } from './tokenizer.ts';

export type { DataSignature } from '../graph/dataFit.ts';

/** An in-memory dataset as training receives it (built-in, generated or prepared upload). */
export interface ArrayDataset {
  /** Row-major features [rows × features]. */
  x: Float32Array;
  /** Class indices (classification) or targets [rows × targetSize] (regression). */
  y: Int32Array | Float32Array;
  rows: number;
  features: number;
  /** Shape of one sample (product = features); absent means [features]. */
  sampleShape?: number[];
}

/** Largest decoded dataset accepted (bytes of typed arrays held in memory). */
export const MAX_DECODED_BYTES = LIMITS.decodedBytes;

export type DataFormat = 'csv' | 'tsv' | 'json' | 'npy' | 'npz' | 'idx' | 'images';

/** A numeric table column; missing values are NaN. */
export interface NumericColumn {
  name: string;
  type: 'numeric';
  values: Float32Array;
}

/** A text column; each row holds an index into `categories`, -1 when missing. */
export interface CategoricalColumn {
  name: string;
  type: 'categorical';
  codes: Int32Array;
  categories: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface TableData {
  kind: 'table';
  rows: number;
  columns: Column[];
}

/** Arrays (NPY/NPZ/IDX/JSON): samples `x` shaped xShape = [N, ...], optional labels/targets. */
export interface TensorData {
  kind: 'tensor';
  x: Float32Array | Uint8Array;
  xShape: number[];
  /** Int32Array: class indices; Float32Array: regression targets [N × yShape[1..]]. */
  y: Int32Array | Float32Array | null;
  yShape: number[];
  /** The samples were stored as integers (token ids, counts): not normalised unless the prep says so. */
  xInteger?: boolean;
}

/** Decoded images, all the same size, row-major HWC bytes. */
export interface ImageSetData {
  kind: 'images';
  width: number;
  height: number;
  channels: 1 | 3;
  /** [N × height × width × channels], 0–255. */
  pixels: Uint8Array;
  labels: Int32Array;
  classNames: string[];
}

export type StoredData = TableData | TensorData | ImageSetData;

/** An uploaded dataset after parsing: what IndexedDB holds and the worker reads by id. */
export interface StoredDataset {
  id: string;
  name: string;
  format: DataFormat;
  /** Size of the uploaded file(s). */
  bytes: number;
  /** Size of the parsed typed arrays. */
  decodedBytes: number;
  createdAt: string;
  data: StoredData;
  /** What the parser left out or assumed, in words (skipped rows, undecodable images...). */
  notes: string[];
}

/** 'text': the column holds sentences, tokenized into token ids (one text column per dataset). */
export type ColumnRole = 'feature' | 'label' | 'ignore' | 'text';
export type NormalizeMode = 'standardize' | 'minmax' | 'none';
export type MissingPolicy = 'drop' | 'mean' | 'zero';
export type BadRowPolicy = 'stop' | 'skip';

/** Random image augmentation applied per batch while training (never to val/test). */
export interface AugmentConfig {
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
  /** Pad by this many pixels, then crop back to size at a random offset. */
  cropPadding: number;
  /** Rotate by a random angle in ±rotation degrees. */
  rotation: number;
  /** Add a random brightness offset in ±brightness (of the 0–1 range). */
  brightness: number;
  /** Scale contrast around the mean by a random factor in 1 ± contrast. */
  contrast: number;
  /** Gaussian noise with this standard deviation (of the 0–1 range). */
  noise: number;
}

export const NO_AUGMENT: AugmentConfig = { flip: false, cropPadding: 0, rotation: 0, brightness: 0, contrast: 0, noise: 0 };

/** How an upload becomes training data: stored in `UploadSpec.prep` (plain JSON). */
export interface DataPrep {
  /** Table columns' roles by column name; columns not listed are features. */
  roles?: Record<string, ColumnRole>;
  /** The label column (tables); overrides `roles`. Default: a column named like a label, else the last. */
  label?: string;
  task?: 'auto' | 'classification' | 'regression';
  normalize?: NormalizeMode;
  missing?: MissingPolicy;
  valFraction?: number;
  testFraction?: number;
  seed?: number;
  /** Images: side of the square the images are resized to. */
  imageSize?: number;
  /** Images: default is the stored images' own (gray when every image is gray). */
  color?: 'gray' | 'rgb';
  augment?: AugmentConfig;
  /** Text columns: how they become token ids (defaults: DEFAULT_TOKENIZER). */
  tokenizer?: Partial<TokenizerConfig>;
}

export const DEFAULT_PREP: Required<Omit<DataPrep, 'roles' | 'label' | 'imageSize' | 'color' | 'tokenizer'>> = {
  task: 'auto',
  normalize: 'standardize',
  missing: 'mean',
  valFraction: 0.15,
  testFraction: 0.15,
  seed: 1,
  augment: NO_AUGMENT,
};

/** Image side used when the prep does not choose one: the stored size, at most 32. */
export const DEFAULT_IMAGE_SIDE = 32;

/** x' = (x − shift) / scale, per feature (tables) or per channel (images). */
export interface NormStats {
  mode: NormalizeMode;
  shift: Float32Array;
  scale: Float32Array;
}

/** What training receives: split, normalised arrays and what they mean. */
export interface PreparedDataset {
  train: ArrayDataset;
  val: ArrayDataset | null;
  test: ArrayDataset | null;
  /** One sample's shape; `features` of the splits is its product (CHW for images). */
  sampleShape: number[];
  /** Classes for classification; null for regression. */
  classes: number | null;
  classNames: string[] | null;
  featureNames: string[];
  stats: NormStats | null;
  /** Augmentation to apply to training batches (images only), else null. */
  augment: AugmentConfig | null;
  /** Plot square for 2-D point data (decision boundary), else null. */
  extent: [number, number, number, number] | null;
  signature: DataSignature;
  notes: string[];
  /** Infinite cells (features and labels) that preparation treated as missing values. */
  nonFinite?: number;
  /** Text data: the tokenizer and vocabulary that made the token ids, and the label column (tables). */
  text?: { encoding: TextEncoding; label?: string };
  /** How raw inputs become these arrays, for the playground and exports (uploads; see preprocessing.ts). */
  preprocessing?: Preprocessing;
}

export interface ColumnSummary {
  name: string;
  type: 'numeric' | 'categorical';
  missing: number;
  /** Infinite cells (±Infinity), left out of min/max/mean; preparation treats them as missing. */
  nonFinite?: number;
  /** Distinct non-missing values (counted up to 1,001). */
  distinct: number;
  /** Numeric columns whose values are all whole numbers. */
  integer: boolean;
  min?: number;
  max?: number;
  mean?: number;
  /** Categorical columns: every category (index = code). */
  categories?: string[];
  /** Counts per value when there are at most 50 distinct values. */
  histogram?: { value: string; count: number }[];
}

export interface ImageSample {
  label: number;
  pixels: Uint8Array;
}

/** The data panel's preview of a stored dataset (small: safe to keep in the app). */
export interface DatasetSummary {
  id: string;
  name: string;
  format: DataFormat;
  bytes: number;
  decodedBytes: number;
  rows: number;
  notes: string[];
  table?: { columns: ColumnSummary[]; head: string[][] };
  images?: { width: number; height: number; channels: 1 | 3; classNames: string[]; counts: number[]; samples: ImageSample[] };
  tensor?: { xShape: number[]; yShape: number[]; classes: number | null; counts: number[] | null; integer: boolean; xInteger?: boolean };
}
