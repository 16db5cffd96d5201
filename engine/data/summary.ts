/**
 * The preview of a stored dataset, computed where the data lives (the data worker) so only a
 * small summary reaches the page: the first rows as text, per-column type, min/max/mean,
 * missing values and value counts; for images, the counts per class and a few samples each.
 */
import type { Column, ColumnSummary, DatasetSummary, ImageSample, StoredDataset, TableData } from '../project/dataTypes.ts';
import { looksLikeText, type ColumnInfo } from '../project/dataPlan.ts';

const HEAD_ROWS = 8;
const HIST_MAX = 50;
const DISTINCT_CAP = 1001;
const SAMPLES_PER_CLASS = 6;

function fmtNum(v: number): string {
  if (Number.isNaN(v)) return '';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

export function cellText(c: Column, r: number): string {
  if (c.type === 'numeric') return fmtNum(c.values[r]);
  const k = c.codes[r];
  return k < 0 ? '' : c.categories[k];
}

export function summarizeColumn(c: Column): ColumnSummary {
  if (c.type === 'categorical') {
    const counts = new Array<number>(c.categories.length).fill(0);
    let missing = 0;
    for (const k of c.codes) {
      if (k < 0) missing++;
      else counts[k]++;
    }
    const s: ColumnSummary = { name: c.name, type: 'categorical', missing, distinct: c.categories.length, integer: false, categories: c.categories };
    if (c.categories.length <= HIST_MAX) s.histogram = c.categories.map((value, i) => ({ value, count: counts[i] }));
    return s;
  }
  let missing = 0, nonFinite = 0, n = 0, sum = 0, min = Infinity, max = -Infinity, integer = true;
  const seen = new Map<number, number>();
  for (const v of c.values) {
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      nonFinite++;
      continue;
    }
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!Number.isInteger(v)) integer = false;
    if (seen.size < DISTINCT_CAP || seen.has(v)) seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  const s: ColumnSummary = { name: c.name, type: 'numeric', missing, distinct: seen.size, integer: integer && n > 0 };
  if (nonFinite > 0) s.nonFinite = nonFinite;
  if (n > 0) Object.assign(s, { min, max, mean: sum / n });
  if (seen.size <= HIST_MAX) s.histogram = [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([v, count]) => ({ value: fmtNum(v), count }));
  return s;
}

export function columnInfo(c: Column): ColumnInfo {
  const s = summarizeColumn(c);
  return { name: c.name, type: c.type, categories: c.type === 'categorical' ? c.categories.length : 0, integer: s.integer, distinct: s.distinct, ...(c.type === 'categorical' && looksLikeText(c.categories) ? { text: true } : {}) };
}

export function tableHead(t: TableData, rows = HEAD_ROWS): string[][] {
  const out: string[][] = [];
  for (let r = 0; r < Math.min(rows, t.rows); r++) out.push(t.columns.map((c) => cellText(c, r)));
  return out;
}

export function summarize(d: StoredDataset): DatasetSummary {
  const base = { id: d.id, name: d.name, format: d.format, bytes: d.bytes, decodedBytes: d.decodedBytes, notes: d.notes };
  const data = d.data;
  if (data.kind === 'table') {
    return { ...base, rows: data.rows, table: { columns: data.columns.map(summarizeColumn), head: tableHead(data) } };
  }
  if (data.kind === 'images') {
    const n = data.labels.length;
    const counts = new Array<number>(data.classNames.length).fill(0);
    const samples: ImageSample[] = [];
    const per = data.width * data.height * data.channels;
    for (let i = 0; i < n; i++) {
      const k = data.labels[i];
      if (counts[k]++ < SAMPLES_PER_CLASS && data.classNames.length <= 40) samples.push({ label: k, pixels: data.pixels.slice(i * per, (i + 1) * per) });
    }
    return { ...base, rows: n, images: { width: data.width, height: data.height, channels: data.channels, classNames: data.classNames, counts, samples } };
  }
  const n = data.xShape[0];
  let classes: number | null = null;
  let counts: number[] | null = null;
  const integer = data.y instanceof Int32Array;
  if (data.y instanceof Int32Array) {
    let max = -1;
    for (const v of data.y) if (v > max) max = v;
    classes = max + 1;
    if (classes <= 1000) {
      counts = new Array<number>(classes).fill(0);
      for (const v of data.y) counts[v]++;
    }
  }
  return { ...base, rows: n, tensor: { xShape: data.xShape, yShape: data.yShape, classes, counts, integer, ...(data.xInteger ? { xInteger: true } : {}) } };
}
