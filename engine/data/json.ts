/**
 * JSON datasets, in the three shapes people write them:
 * - an array of objects `[{"sepal": 5.1, "species": "setosa"}, ...]` → a table;
 * - an array of rows `[[5.1, 3.5, "setosa"], ...]` → a table with columns "column 1"...;
 * - an object of arrays `{"x": [[...], ...], "y": [0, 1, ...]}` → samples and labels
 *   (x may be nested: [N, 28, 28] images work).
 */
import { strFromU8 } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { TableBuilder } from './table.ts';
import { LIMITS, checkJsonDepth, checkShape, fmtCount, tooBig } from '../core/limits.ts';
import type { StoredData } from '../project/dataTypes.ts';

const X_KEYS = ['x', 'X', 'inputs', 'features', 'data', 'images'];
const Y_KEYS = ['y', 'Y', 'labels', 'label', 'targets', 'target'];

function bad(name: string, msg: string): FlowgradError {
  return new FlowgradError('bad-file', `${name}: ${msg}`);
}

export function decodeText(bytes: Uint8Array): string {
  let s = strFromU8(bytes);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s;
}

/**
 * Refuses an object with more keys than a table may have columns, by a linear scan before
 * JSON.parse (which takes seconds and hundreds of MB on a million keys). Runs after
 * checkJsonDepth, so the stack of per-object counts is small.
 */
function checkJsonWidth(text: string, name: string): void {
  const counts = new Int32Array(LIMITS.jsonDepth + 2);
  const isObject = new Uint8Array(LIMITS.jsonDepth + 2);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      counts[depth] = 0;
      isObject[depth] = c === 0x7b ? 1 : 0;
    } else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1);
    else if (c === 0x3a && isObject[depth] && ++counts[depth]! > LIMITS.columns) checkColumns(LIMITS.columns + 1, name, true);
  }
}

function parseJsonText(text: string, name: string): unknown {
  checkJsonDepth(text, name);
  checkJsonWidth(text, name);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const p = Number(pos[1]);
      const line = text.slice(0, p).split('\n').length;
      throw bad(name, `invalid JSON at line ${line}: ${msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '')}`);
    }
    throw bad(name, `invalid JSON: ${msg}`);
  }
}

/** Shape of a nested numeric array, checked to be rectangular. */
function shapeOf(v: unknown, name: string, what: string): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (shape.length > 8) throw bad(name, `'${what}' is nested more than 8 levels deep`);
    cur = cur[0];
  }
  return shape.length === 0 ? bad0(name, `'${what}' is not an array`) : shape;
}

function bad0(name: string, msg: string): never {
  throw bad(name, msg);
}

function fill(v: unknown, shape: number[], depth: number, out: Float32Array, at: { i: number }, name: string, path: string): void {
  if (depth === shape.length) {
    const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : v === null ? NaN : NaN;
    if (typeof v !== 'number' && typeof v !== 'boolean' && v !== null) throw bad(name, `${path} is ${JSON.stringify(v)?.slice(0, 30)}, not a number`);
    out[at.i++] = n;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw bad(name, `${path} should be a list of ${shape[depth]} values (like the first one), but it ${Array.isArray(v) ? `has ${v.length}` : 'is not a list'}`);
  }
  for (let i = 0; i < v.length; i++) fill(v[i], shape, depth + 1, out, at, name, `${path}[${i}]`);
}

function toFloat(v: unknown, name: string, key: string): { data: Float32Array; shape: number[] } {
  const shape = shapeOf(v, name, key);
  const data = new Float32Array(checkShape(name, shape, 4));
  fill(v, shape, 0, data, { i: 0 }, name, key);
  return { data, shape };
}

export function parseJsonDataset(bytes: Uint8Array, name = 'the file'): { data: StoredData; notes: string[] } {
  const text = decodeText(bytes);
  if (text.trim().length === 0) throw bad(name, 'the file is empty');
  const root = parseJsonText(text, name);
  if (Array.isArray(root)) {
    if (root.length === 0) throw bad(name, 'the array is empty: no samples');
    const first = root[0];
    if (first !== null && typeof first === 'object' && !Array.isArray(first)) return { data: objectsTable(root, name), notes: [] };
    if (Array.isArray(first)) return { data: rowsTable(root, name), notes: [] };
    throw bad(name, 'a flat list of values has no labels: use rows ([[...], ...]), objects ([{...}, ...]) or {"x": [...], "y": [...]}');
  }
  if (root !== null && typeof root === 'object') {
    const o = root as Record<string, unknown>;
    const xk = X_KEYS.find((k) => k in o);
    if (!xk) throw bad(name, `the object has no samples: expected a key ${X_KEYS.map((k) => `"${k}"`).join(', ')} (found ${Object.keys(o).slice(0, 6).map((k) => `"${k}"`).join(', ') || 'no keys'})`);
    const x = toFloat(o[xk], name, xk);
    if (x.shape[0] === 0) throw bad(name, `"${xk}" is empty: no samples`);
    const yk = Y_KEYS.find((k) => k in o);
    if (!yk) return { data: { kind: 'tensor', x: x.data, xShape: x.shape, y: null, yShape: [] }, notes: [] };
    const y = toFloat(o[yk], name, yk);
    if (y.shape[0] !== x.shape[0]) throw bad(name, `"${xk}" has ${x.shape[0]} samples but "${yk}" has ${y.shape[0]} labels`);
    const integer = y.shape.length === 1 && y.data.every((v) => Number.isInteger(v) && v >= 0);
    return { data: { kind: 'tensor', x: x.data, xShape: x.shape, y: integer ? Int32Array.from(y.data) : y.data, yShape: y.shape }, notes: [] };
  }
  throw bad(name, 'expected an array of rows or objects, or an object with "x" and "y"');
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function checkColumns(n: number, name: string, atLeast = false): void {
  if (n > LIMITS.columns) throw tooBig(`${name}: ${atLeast ? 'an object has' : 'the table has'}`, `${atLeast ? 'more than ' : ''}${fmtCount(atLeast ? n - 1 : n)} ${atLeast ? 'keys' : 'columns'}`, `${fmtCount(LIMITS.columns)} columns`, 'Keep fewer fields, or store the features as one array ({"x": [...], "y": [...]}).');
}

function objectsTable(rows: unknown[], name: string): StoredData {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of rows.slice(0, 1000)) {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
    checkColumns(Object.keys(r).length, name);
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  checkColumns(keys.length, name);
  const b = new TableBuilder(keys);
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw bad(name, `item ${i} is ${Array.isArray(r) ? 'a list' : JSON.stringify(r)}, but the items before it are objects`);
    const o = r as Record<string, unknown>;
    b.addRow(keys.map((k) => cellText(o[k])), i + 1);
  });
  return b.finish('stop', `${name} (item numbers as lines)`).table;
}

function rowsTable(rows: unknown[], name: string): StoredData {
  const width = (rows[0] as unknown[]).length;
  if (width === 0) throw bad(name, 'the first row is empty');
  checkColumns(width, name);
  const b = new TableBuilder(Array.from({ length: width }, (_, i) => `column ${i + 1}`));
  rows.forEach((r, i) => {
    if (!Array.isArray(r)) throw bad(name, `row ${i} is not a list`);
    if (r.length !== width) throw bad(name, `row ${i} has ${r.length} values, but the first row has ${width} (ragged rows)`);
    b.addRow(r.map(cellText), i + 1);
  });
  return b.finish('stop', `${name} (row numbers as lines)`).table;
}
