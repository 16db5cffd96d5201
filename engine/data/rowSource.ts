/**
 * What preparation reads rows from (prepare.ts): a table, arrays, images or a tokenized text
 * column each become one RowSource, so the split, the missing-value fill and normalisation
 * are written once.
 */
import type { NormalizeMode, PreparedDataset } from '../project/dataTypes.ts';

/** Where rows come from: `fill(r, out, off)` writes row r's features at out[off...]. */
export interface RowSource {
  rows: number;
  features: number;
  sampleShape: number[];
  fill(r: number, out: Float32Array, off: number): void;
  /** Class per row (classification) or targets [rows × ySize]. */
  y: Int32Array | Float32Array;
  classes: number | null;
  classNames: string[] | null;
  featureNames: string[];
  /** Normalisation group of each feature (-1: never normalised), and how many groups. */
  groupOf: Int32Array;
  groups: number;
  image: boolean;
  notes: string[];
  /** Rows with a missing feature are NaN there; filled after the split. */
  hasMissing: boolean;
  /** Infinite cells (features and labels) treated as missing values. */
  nonFinite: number;
  /** Normalisation when the prep names none (integer arrays: 'none'). */
  defaultNormalize?: NormalizeMode;
  /** Called with the training rows before any row is filled (text: the vocabulary is built from them). */
  fitOnTrain?(train: Int32Array): void;
  /** Text sources: the tokenizer and vocabulary, after fitOnTrain. */
  text?(): NonNullable<PreparedDataset['text']>;
}
