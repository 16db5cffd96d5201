/**
 * The tabular playground's fields → the model's input: one field per feature column of the
 * table the model was trained on (text typed for numbers, a category picked for categorical
 * columns), turned into the raw row and encoded with the stored preprocessing
 * (engine/project/preprocessing.ts: one-hot vocabularies, training normalisation) — the
 * same encoding training and Evaluate used. Pure, so a test can check it against Evaluate.
 */
import { FlowgradError } from '../../engine/core/errors.ts';
import { encodeTableRow, type FeatureColumn, type Preprocessing } from '../../engine/project/preprocessing.ts';

/** The feature columns of a table model's preprocessing, or null when it has none. */
export function tableColumns(pre: Preprocessing | null | undefined): FeatureColumn[] | null {
  return pre?.kind === 'table' && pre.columns && pre.columns.length > 0 ? pre.columns : null;
}

/** Starting values: each numeric column's training mean (or mid-range), each categorical column's first category. */
export function defaultFields(pre: Preprocessing): Record<string, string> {
  const out: Record<string, string> = {};
  let j = 0;
  for (const c of tableColumns(pre) ?? []) {
    if (c.kind === 'numeric') {
      const n = pre.normalize;
      const v = !n ? 0 : n.mode === 'minmax' ? n.shift[j]! + n.scale[j]! / 2 : n.shift[j]!;
      out[c.name] = String(Number(v.toPrecision(4)));
      j++;
    } else {
      out[c.name] = c.categories[0] ?? '';
      j += c.categories.length;
    }
  }
  return out;
}

/** The fields as a raw table row (numbers parsed; a field left empty or not a number is named). */
export function rawRow(pre: Preprocessing, fields: Record<string, string>): Record<string, string | number> {
  const row: Record<string, string | number> = {};
  for (const c of tableColumns(pre) ?? []) {
    const v = fields[c.name] ?? '';
    if (c.kind === 'categorical') {
      row[c.name] = v;
      continue;
    }
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) throw new FlowgradError('bad-argument', `'${c.name}' needs a number${v.trim() ? ` (got '${v}')` : ''}`);
    row[c.name] = n;
  }
  return row;
}

/** The model input for the fields: the raw row through the stored preprocessing. */
export function encodeFields(pre: Preprocessing, fields: Record<string, string>): Float32Array {
  return encodeTableRow(pre, rawRow(pre, fields));
}

/** A prepared input row back in the table's raw terms (`column = value`), for showing samples. */
export function describeRow(pre: Preprocessing, x: ArrayLike<number>): string[] | null {
  const columns = tableColumns(pre);
  if (!columns || x.length !== pre.featureNames.length) return null;
  const n = pre.normalize;
  const raw = (j: number) => (n ? x[j]! * n.scale[j]! + n.shift[j]! : x[j]!);
  const out: string[] = [];
  let j = 0;
  for (const c of columns) {
    if (c.kind === 'numeric') {
      out.push(`${c.name} = ${Number(raw(j).toPrecision(4))}`);
      j++;
    } else {
      let best = 0;
      for (let k = 1; k < c.categories.length; k++) if (raw(j + k) > raw(j + best)) best = k;
      out.push(`${c.name} = ${c.categories[best]}`);
      j += c.categories.length;
    }
  }
  return out;
}
