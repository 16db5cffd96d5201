/**
 * From dropped files to stored data: picks the parser by extension, checks the bytes agree
 * (a ZIP named .csv is caught and named), and pairs files that belong together (IDX images +
 * labels, x.npy + y.npy, a folder of class sub-folders). Pure apart from the injected image
 * decoder, so the data worker, the CLI and the tests share it.
 */
import { FlowgradError } from '../core/errors.ts';
import { LIMITS, fmtCount, tooBig } from '../core/limits.ts';
import { CsvReader, parseCsv } from './csv.ts';
import { decodeImageEntries, groupByClass, IMAGE_EXT, listImageZip, pureDecoder, type ImageDecoder } from './image.ts';
import { isGzip, isIdx, parseIdx } from './idx.ts';
import { decodeText, parseJsonDataset } from './json.ts';
import { isTextFolder, textFolderTable } from './textFolder.ts';
import { isNpy, parseNpy, parseNpz, unzipChecked, type NdArray } from './npy.ts';
import { isBmp, isPng } from './png.ts';
import type { BadRowPolicy, DataFormat, StoredData, TableData, TensorData } from '../project/dataTypes.ts';

export interface UploadFile {
  /** Path within a dropped folder or archive, else the file name. */
  name: string;
  bytes: Uint8Array;
}

export interface ParseOptions {
  badRows?: BadRowPolicy;
  decode?: ImageDecoder;
  onProgress?: (fraction: number) => void;
}

export interface Parsed {
  format: DataFormat;
  data: StoredData;
  notes: string[];
}

const SUPPORTED = 'a CSV, TSV, JSON, NPY, NPZ or IDX file, a ZIP of images in one folder per class, or such a folder';

function ext(name: string): string {
  const n = name.toLowerCase().replace(/\.gz$/, '');
  if (/-idx\d-ubyte$|\.idx\d?$|-ubyte$/.test(n)) return 'idx';
  const m = /\.([a-z0-9]+)$/.exec(n);
  return m ? m[1] : '';
}

/** What the bytes look like, for "wrong extension" messages. */
export function sniffKind(b: Uint8Array): string | null {
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) return 'a ZIP archive';
  if (isNpy(b)) return 'an NPY array';
  if (isGzip(b)) return 'gzip-compressed data';
  if (isPng(b)) return 'a PNG image';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'a JPEG image';
  if (isBmp(b)) return 'a BMP image';
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return 'a PDF document';
  if (isIdx(b)) return 'an IDX array';
  return null;
}

function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) if (b[i] === 0) return true;
  return false;
}

function wrongExt(name: string, found: string): FlowgradError {
  return new FlowgradError('bad-file', `${name} is named like a text file but holds ${found}: check the file, or give it the right extension`);
}

export function tableFromArray(a: NdArray, name: string): TableData {
  if (a.shape.length !== 2) throw new FlowgradError('bad-file', `${name}: a single array of shape [${a.shape.join(',')}] has no labels. Drop an NPZ with x and y, or a 2-D table whose columns include the label`);
  const [rows, cols] = a.shape;
  if (cols > LIMITS.columns) throw tooBig(`${name}: a table of`, `${fmtCount(cols)} columns`, `${fmtCount(LIMITS.columns)} columns`, 'Save the features as x and the labels as y in an NPZ instead.');
  if (rows === 0) throw new FlowgradError('bad-file', `${name}: the array has no rows (shape [${a.shape.join(',')}])`);
  const columns = Array.from({ length: cols }, (_, c) => {
    const values = new Float32Array(rows);
    for (let r = 0; r < rows; r++) values[r] = a.data[r * cols + c];
    return { name: `column ${c + 1}`, type: 'numeric' as const, values };
  });
  return { kind: 'table', rows, columns };
}

export function tensorFrom(x: NdArray, y: NdArray | null, name: string): TensorData {
  if (x.shape.length < 1 || x.shape[0] === 0) throw new FlowgradError('bad-file', `${name}: the samples array is empty`);
  if (y && y.shape[0] !== x.shape[0]) throw new FlowgradError('bad-file', `${name}: ${x.shape[0]} samples but ${y.shape[0]} labels`);
  let labels: Int32Array | Float32Array | null = null;
  if (y) {
    const whole = y.shape.length === 1 && Array.prototype.every.call(y.data, (v: number) => Number.isInteger(v) && v >= 0);
    labels = whole ? Int32Array.from(y.data) : Float32Array.from(y.data);
  }
  const xs = x.kind === 'uint8' ? (x.data as Uint8Array) : x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
  return { kind: 'tensor', x: xs, xShape: x.shape, y: labels, yShape: y ? y.shape : [], ...(x.kind === 'int' ? { xInteger: true } : {}) };
}

const X_NAMES = /^(x|x_train|train_x|inputs?|features|data|images?|train_images)$/i;
const Y_NAMES = /^(y|y_train|train_y|labels?|targets?|train_labels)$/i;

function pickXY(arrays: Record<string, NdArray>, name: string): { data: TensorData | TableData; notes: string[] } {
  const keys = Object.keys(arrays);
  const base = (k: string) => k.split('/').pop()!.replace(/\.npy$/, '');
  let xk = keys.find((k) => X_NAMES.test(base(k)));
  let yk = keys.find((k) => Y_NAMES.test(base(k)));
  if (!xk || !yk) {
    if (keys.length === 1) return { data: tableFromArray(arrays[keys[0]], name), notes: [] };
    // Two arrays: the one with more dimensions holds the samples.
    if (keys.length === 2) {
      const [a, b] = keys;
      [xk, yk] = arrays[a].shape.length >= arrays[b].shape.length ? [a, b] : [b, a];
    } else throw new FlowgradError('bad-file', `${name}: cannot tell samples from labels among ${keys.map((k) => `'${k}'`).join(', ')}; name them x and y`);
  }
  const notes = keys.length > 2 ? [`Used '${xk}' as samples and '${yk}' as labels; ${keys.filter((k) => k !== xk && k !== yk).map((k) => `'${k}'`).join(', ')} not used.`] : [];
  return { data: tensorFrom(arrays[xk], arrays[yk], name), notes };
}

async function parseOne(f: UploadFile, opts: ParseOptions): Promise<Parsed> {
  const e = ext(f.name);
  const b = f.bytes;
  if (b.length === 0) throw new FlowgradError('bad-file', `${f.name} is empty (0 bytes)`);
  switch (e) {
    case 'csv': case 'tsv': case 'txt': case 'tab': case 'data': {
      const kind = sniffKind(b);
      if (kind || looksBinary(b)) throw wrongExt(f.name, kind ?? 'binary data');
      const r = parseCsvBytes(b, f.name, opts);
      return { format: r.delimiter === '\t' ? 'tsv' : 'csv', data: r.table, notes: r.notes };
    }
    case 'json': {
      const kind = sniffKind(b);
      if (kind) throw wrongExt(f.name, kind);
      const r = parseJsonDataset(b, f.name);
      return { format: 'json', ...r };
    }
    case 'npy': {
      const a = parseNpy(b, f.name);
      return { format: 'npy', ...pickXY({ x: a }, f.name) };
    }
    case 'npz':
      return { format: 'npz', ...pickXY(parseNpz(b, f.name), f.name) };
    case 'idx': {
      const a = parseIdx(b, f.name);
      if (a.shape.length === 1) throw new FlowgradError('bad-file', `${f.name} holds only labels: drop it together with its images file`);
      throw new FlowgradError('bad-file', `${f.name} holds samples without labels: drop it together with its labels file (e.g. train-labels-idx1-ubyte)`);
    }
    case 'zip': {
      const files = unzipChecked(b, f.name);
      const names = Object.keys(files).filter((n) => !n.endsWith('/') && !n.startsWith('__MACOSX/'));
      if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return { format: 'npz', ...pickXY(parseNpz(b, f.name), f.name) };
      if (isTextFolder(names)) {
        const t = textFolderTable(files, f.name);
        return { format: 'csv', data: t.table, notes: t.notes };
      }
      const tables = names.filter((n) => /\.(csv|tsv)$/i.test(n));
      if (tables.length === 1 && !names.some((n) => IMAGE_EXT.test(n))) return parseOne({ name: tables[0], bytes: files[tables[0]] }, opts);
      const g = groupByClass(Object.entries(files).map(([path, bytes]) => ({ path, bytes })), f.name);
      return images(g, f.name, opts);
    }
    default: {
      const kind = sniffKind(b);
      if (kind === 'a ZIP archive') return parseOne({ ...f, name: `${f.name}.zip` }, opts);
      if (kind === 'an NPY array') return parseOne({ ...f, name: `${f.name}.npy` }, opts);
      throw new FlowgradError('bad-file', `${f.name}: unsupported file type${e ? ` '.${e}'` : ''}${kind ? ` (it looks like ${kind})` : ''}. Drop ${SUPPORTED}`);
    }
  }
}

async function images(g: ReturnType<typeof listImageZip>, name: string, opts: ParseOptions): Promise<Parsed> {
  const r = await decodeImageEntries(g.entries, g.classNames, name, opts.decode ?? pureDecoder, (d, t) => opts.onProgress?.(d / t));
  if (g.ignoredFiles > 0) r.notes.push(`Ignored ${g.ignoredFiles} file${g.ignoredFiles === 1 ? '' : 's'} that are not images.`);
  return { format: 'images', ...r };
}

export function parseCsvBytes(b: Uint8Array, name: string, opts: ParseOptions): ReturnType<typeof parseCsv> {
  const reader = new CsvReader({ fileName: name, badRows: opts.badRows });
  const chunk = 1 << 20;
  if (b.length <= chunk) return parseCsv(decodeText(b), { fileName: name, badRows: opts.badRows });
  // Cut between UTF-8 sequences (never inside a character); the reader joins fields and
  // lines across chunks, so a line with no newline in sight is never read whole.
  for (let p = 0; p < b.length; ) {
    let end = Math.min(b.length, p + chunk);
    while (end < b.length && (b[end]! & 0xc0) === 0x80) end++;
    reader.push(decodeText(b.subarray(p, end)));
    p = end;
    opts.onProgress?.(p / b.length);
  }
  return reader.finish();
}

/** Parses dropped files: one file, a folder of images, or a pair of IDX / NPY files. */
export async function parseUpload(files: UploadFile[], opts: ParseOptions = {}): Promise<Parsed> {
  const real = files.filter((f) => !f.name.split('/').some((p) => p.startsWith('.')));
  if (real.length === 0) throw new FlowgradError('bad-file', `nothing to read: drop ${SUPPORTED}`);
  if (real.length === 1 && !IMAGE_EXT.test(real[0].name)) return parseOne(real[0], opts);
  if (real.some((f) => IMAGE_EXT.test(f.name))) {
    const root = real.length === 1 ? real[0].name : 'the folder';
    return images(groupByClass(real.map((f) => ({ path: f.name, bytes: f.bytes })), root), root, opts);
  }
  const kinds = real.map((f) => ext(f.name));
  if (real.length === 2 && kinds.every((k) => k === 'idx')) {
    const [a, b] = real.map((f) => parseIdx(f.bytes, f.name));
    const [x, y] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
    if (y.shape.length !== 1) throw new FlowgradError('bad-file', 'of two IDX files, one must hold the labels (one dimension)');
    return { format: 'idx', data: tensorFrom(x, y, `${real[0].name} + ${real[1].name}`), notes: [] };
  }
  if (real.length === 2 && kinds.every((k) => k === 'npy')) {
    const arrays: Record<string, NdArray> = {};
    for (const f of real) arrays[f.name.replace(/\.npy$/i, '')] = parseNpy(f.bytes, f.name);
    return { format: 'npy', ...pickXY(arrays, `${real[0].name} + ${real[1].name}`) };
  }
  throw new FlowgradError('bad-file', `${real.length} files dropped: drop one file, a folder of images, or a pair of IDX (images + labels) or NPY (x + y) files`);
}

/** Bytes held by parsed data (what the memory limit counts). */
export function decodedBytes(d: StoredData): number {
  if (d.kind === 'table') return d.columns.reduce((s, c) => s + (c.type === 'numeric' ? c.values.byteLength : c.codes.byteLength), 0);
  if (d.kind === 'images') return d.pixels.byteLength + d.labels.byteLength;
  return d.x.byteLength + (d.y?.byteLength ?? 0);
}
