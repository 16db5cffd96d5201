/**
 * A table read for a text model (evaluate --data): the text column encoded with the model's
 * stored vocabulary, not one built again from the file, and the labels by the model's class
 * names, so the ids mean what they meant in training.
 */
import type { ArrayDataset, TableData } from '../project/dataTypes.ts';
import { encodeTextInput, type Preprocessing } from '../project/preprocessing.ts';

export function textRowsFromTable(pre: Preprocessing, d: TableData): { rows: ArrayDataset; classNames: string[] | null } {
  const enc = pre.text!;
  const textCol = d.columns.find((c) => c.name === enc.column);
  if (!textCol || textCol.type !== 'categorical') throw new Error(`the file has no text column '${enc.column ?? '?'}' (the one the model was trained on)`);
  const label = d.columns.find((c) => c.name === pre.label);
  if (!label) throw new Error(`the file has no column '${pre.label}' (the label the model was trained on)`);
  const n = enc.maxLength;
  const x = new Float32Array(d.rows * n);
  const y: number[] = [];
  for (let r = 0; r < d.rows; r++) {
    const code = textCol.codes[r]!;
    x.set(encodeTextInput(pre, code < 0 ? '' : textCol.categories[code]!), r * n);
    const target = label.type === 'numeric' ? String(label.values[r]) : label.codes[r]! < 0 ? '' : label.categories[label.codes[r]!]!;
    const yi = pre.classNames ? pre.classNames.indexOf(target) : Number(target);
    if (pre.classNames ? yi < 0 : !Number.isFinite(yi)) throw new Error(`row ${r + 1}: label '${target}' is not one the model knows (${pre.classNames?.join(', ') ?? 'a number'})`);
    y.push(yi);
  }
  return { rows: { x, y: pre.classNames ? Int32Array.from(y) : Float32Array.from(y), rows: d.rows, features: n, sampleShape: [n] }, classNames: pre.classNames };
}
