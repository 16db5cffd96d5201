/**
 * Builds a typed, column-oriented table from text rows (CSV, JSON objects). Each column keeps
 * its numbers (NaN for missing) and, for text cells, codes into a dictionary; at the end a
 * column is numeric when at least 90% of its values are numbers. The few text values left in
 * a numeric column are reported with their line numbers (stop), or their rows dropped (skip).
 */
import { FlowgradError } from '../core/errors.ts';
import { MAX_DECODED_BYTES } from '../project/dataTypes.ts';
import type { BadRowPolicy, Column, TableData } from '../project/dataTypes.ts';

const MISSING = new Set(['', 'NA', 'N/A', 'n/a', 'na', 'NaN', 'nan', 'null', 'NULL', 'None', '?', 'missing']);
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?inf(inity)?$/;

/** Parses a cell: a number, NaN for missing, or null for text. */
export function cellNumber(s: string): number | null {
  if (MISSING.has(s)) return NaN;
  if (NUM_RE.test(s)) return Number(s);
  const t = s.toLowerCase();
  // inf, -Inf, +INFINITY, ... (NumPy, pandas, R and spreadsheets all write them differently)
  if (INF_RE.test(t)) return t[0] === '-' ? -Infinity : Infinity;
  if (t === 'nan') return NaN;
  if (t === 'true') return 1;
  if (t === 'false') return 0;
  return null;
}

/** Growable typed array. */
class Grow<T extends Float64Array | Int32Array> {
  len = 0;
  constructor(public buf: T) {}
  push(v: number): void {
    if (this.len === this.buf.length) {
      const next = new (this.buf.constructor as new (n: number) => T)(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = v;
  }
  view(): T {
    return this.buf.subarray(0, this.len) as T;
  }
}

class ColumnBuilder {
  readonly nums = new Grow(new Float64Array(256));
  /** -1 missing, -2 numeric, else dictionary code. */
  readonly codes = new Grow(new Int32Array(256));
  readonly dict = new Map<string, number>();
  readonly words: string[] = [];
  numeric = 0;
  text = 0;

  add(cell: string): void {
    const v = cellNumber(cell);
    if (v === null) {
      let c = this.dict.get(cell);
      if (c === undefined) {
        c = this.words.length;
        this.dict.set(cell, c);
        this.words.push(cell);
      }
      this.nums.push(NaN);
      this.codes.push(c);
      this.text++;
    } else if (Number.isNaN(v)) {
      this.nums.push(NaN);
      this.codes.push(-1);
    } else {
      this.nums.push(v);
      this.codes.push(-2);
      this.numeric++;
    }
  }
}

export class TableBuilder {
  private readonly cols: ColumnBuilder[];
  private readonly lines = new Grow(new Int32Array(256));
  rows = 0;

  constructor(readonly names: string[]) {
    this.cols = names.map(() => new ColumnBuilder());
  }

  addRow(fields: readonly string[], line: number): void {
    for (let c = 0; c < this.cols.length; c++) this.cols[c].add(fields[c] ?? '');
    this.lines.push(line);
    this.rows++;
    if (this.rows % 4096 === 0 && this.rows * this.cols.length * 4 > MAX_DECODED_BYTES) {
      throw new FlowgradError('bad-file', `the table is too big: more than ${MAX_DECODED_BYTES / 2 ** 20} MB once decoded (${this.rows} rows × ${this.cols.length} columns so far). Use a smaller sample of it.`);
    }
  }

  finish(policy: BadRowPolicy, fileName: string): { table: TableData; notes: string[] } {
    const notes: string[] = [];
    const drop = new Uint8Array(this.rows);
    const numericCol = this.cols.map((b) => b.numeric > 0 && b.numeric >= 0.9 * (b.numeric + b.text));
    for (let c = 0; c < this.cols.length; c++) {
      const b = this.cols[c];
      if (!numericCol[c] || b.text === 0) continue;
      const codes = b.codes.view();
      const bad: number[] = [];
      for (let r = 0; r < this.rows; r++) {
        if (codes[r] >= 0) {
          if (policy === 'stop') {
            throw new FlowgradError('bad-file', `${fileName}: line ${this.lines.buf[r]}: column '${this.names[c]}' holds numbers, but this row has '${clip(b.words[codes[r]])}'. Fix the file, or choose "Skip bad rows" to leave such rows out.`);
          }
          drop[r] = 1;
          if (bad.length < 5) bad.push(this.lines.buf[r]);
        }
      }
      notes.push(`Column '${this.names[c]}': skipped ${b.text} row${b.text === 1 ? '' : 's'} with text in a numeric column (line${bad.length === 1 ? '' : 's'} ${bad.join(', ')}${b.text > bad.length ? ', …' : ''}).`);
    }
    const keep: number[] = [];
    for (let r = 0; r < this.rows; r++) if (!drop[r]) keep.push(r);
    const columns: Column[] = this.cols.map((b, c) => {
      const name = this.names[c];
      if (numericCol[c] || (b.numeric === 0 && b.text === 0)) {
        const nums = b.nums.view();
        const values = new Float32Array(keep.length);
        keep.forEach((r, i) => (values[i] = nums[r]));
        return { name, type: 'numeric', values };
      }
      // Text column: numbers in it become categories too (by their text).
      const nums = b.nums.view();
      const src = b.codes.view();
      const dict = new Map(b.dict);
      const categories = [...b.words];
      const codes = new Int32Array(keep.length);
      keep.forEach((r, i) => {
        let code = src[r];
        if (code === -2) {
          const key = String(nums[r]);
          let k = dict.get(key);
          if (k === undefined) {
            k = categories.length;
            dict.set(key, k);
            categories.push(key);
          }
          code = k;
        }
        codes[i] = code;
      });
      return { name, type: 'categorical', codes, categories };
    });
    return { table: { kind: 'table', rows: keep.length, columns }, notes };
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
