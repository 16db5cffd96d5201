/**
 * NumPy's NPY (one array) and NPZ (a ZIP of NPY files) formats. Supported: little- and
 * big-endian float16/32/64, signed and unsigned 8–64-bit integers and booleans, in C order.
 * Integers and booleans come out as Int32Array (Uint8Array for uint8, kept compact for
 * pixels); floats as Float32Array. Anything else (Fortran order, complex, strings, objects)
 * is refused with a message naming what was found.
 */
import { FlowgradError } from '../core/errors.ts';
import { LIMITS, checkShape, fmtBytes, tooBig } from '../core/limits.ts';
import { readZip } from '../bytes/zip.ts';

export interface NdArray {
  shape: number[];
  /** 'float' → Float32Array; 'int' → Int32Array; 'uint8' → Uint8Array. */
  kind: 'float' | 'int' | 'uint8';
  data: Float32Array | Int32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function bad(name: string, msg: string): FlowgradError {
  return new FlowgradError('bad-file', `${name}: ${msg}`);
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

interface NpyHeader {
  shape: number[];
  /** Element count, checked against the memory limit. */
  n: number;
  /** Where the data starts, and its dtype: 'f' | 'i' | 'u' | 'b', bytes per item, byte order. */
  start: number;
  t: string;
  size: number;
  little: boolean;
}

/**
 * Reads and checks the header: the dict literal is parsed by a linear scan (no regex can
 * backtrack on a crafted header) and the declared shape is checked before anything is
 * allocated. Returns null when `bytes` ends inside the header (more is on the way).
 */
function readHeader(bytes: Uint8Array, name: string, partial = false): NpyHeader | null {
  if (bytes.length < 6 && partial) return null;
  if (!isNpy(bytes)) throw bad(name, 'not an NPY file (it does not start with \\x93NUMPY)');
  if (bytes.length < 12 && partial) return null;
  if (bytes.length < 10) throw bad(name, 'truncated NPY header');
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(name, `unsupported NPY version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + hlenSize) throw bad(name, 'truncated NPY header');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (hlen > LIMITS.npyHeaderBytes) throw tooBig(`${name}: the NPY header is`, fmtBytes(hlen), fmtBytes(LIMITS.npyHeaderBytes), 'Save the array with np.save.');
  const start = 8 + hlenSize + hlen;
  if (start > bytes.length) {
    if (partial) return null;
    throw bad(name, `truncated: the header says ${hlen} bytes but the file ends first`);
  }
  let header = '';
  for (let i = 8 + hlenSize; i < start; i += 4096) header += String.fromCharCode(...bytes.subarray(i, Math.min(start, i + 4096)));
  const fields = parseDict(header);
  const descr = fields?.get('descr');
  const fortran = fields?.get('fortran_order');
  const shape = fields?.get('shape');
  if (Array.isArray(descr)) throw bad(name, 'structured dtypes (several fields per element) are not supported: save each field as its own array');
  if (typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape)) throw bad(name, `unreadable NPY header: ${header.trim().slice(0, 80)}`);
  if (fortran) throw bad(name, 'the array is stored in Fortran order; save it in C order (np.ascontiguousarray) and try again');
  const m = /^([<>|=])([fiub])(\d{1,2})$/.exec(descr);
  if (!m) throw bad(name, `unsupported dtype '${descr.slice(0, 40)}': use float16/32/64, (u)int8–64 or bool`);
  const t = m[2];
  const size = Number(m[3]);
  const okSize = t === 'f' ? [2, 4, 8] : t === 'b' ? [1] : [1, 2, 4, 8];
  if (!okSize.includes(size)) throw bad(name, `unsupported dtype '${descr}': use float16/32/64, (u)int8–64 or bool`);
  const n = checkShape(name, shape, t === 'u' && size === 1 ? 1 : 4);
  return { shape, n, start, t, size, little: m[1] !== '>' };
}

/**
 * The Python dict literal of an NPY header (`{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }`): strings, True/False and tuples of whole numbers. One pass; null when
 * it is not such a dict. A value in brackets (a structured dtype) reads as an empty list.
 */
function parseDict(h: string): Map<string, string | boolean | number[]> | null {
  const out = new Map<string, string | boolean | number[]>();
  let i = 0;
  const ws = (): void => {
    while (i < h.length && (h[i] === ' ' || h[i] === '\n' || h[i] === '\t' || h[i] === '\r')) i++;
  };
  const str = (): string | null => {
    const q = h[i];
    if (q !== "'" && q !== '"') return null;
    const end = h.indexOf(q, i + 1);
    if (end < 0) return null;
    const s = h.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  ws();
  if (h[i++] !== '{') return null;
  for (;;) {
    ws();
    if (h[i] === '}') return out;
    const key = str();
    ws();
    if (key === null || h[i++] !== ':') return null;
    ws();
    let value: string | boolean | number[] | null;
    if (h.startsWith('True', i)) {
      value = true;
      i += 4;
    } else if (h.startsWith('False', i)) {
      value = false;
      i += 5;
    } else if (h[i] === '(' || h[i] === '[') {
      const close = h[i] === '(' ? ')' : ']';
      const end = h.indexOf(close, i);
      if (end < 0) return null;
      const items = h.slice(i + 1, end).split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s.length > 0);
      value = close === ']' ? [] : items.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
      i = end + 1;
    } else value = str();
    if (value === null) return null;
    out.set(key, value);
    ws();
    if (h[i] === ',') i++;
    else if (h[i] !== '}') return null;
  }
}

/** The total size an NPY file declares (header + data), for capped decompression. */
export function npyDeclaredSize(head: Uint8Array, name: string): number | null {
  const h = readHeader(head, name, true);
  return h && h.start + h.n * h.size;
}

export function parseNpy(bytes: Uint8Array, name = 'the file'): NdArray {
  const { shape, n, start, t, size, little } = readHeader(bytes, name)!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (start + n * size > bytes.length) throw bad(name, `truncated: shape [${shape.join(',')}] needs ${n * size} bytes of data, the file has ${bytes.length - start}`);
  return { shape, ...decode(dv, start, n, t, size, little, name) };
}

function decode(dv: DataView, off: number, n: number, t: string, size: number, le: boolean, name: string): Pick<NdArray, 'kind' | 'data'> {
  if (t === 'u' && size === 1) return { kind: 'uint8', data: new Uint8Array(dv.buffer, dv.byteOffset + off, n).slice() };
  if (t === 'f') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = off + i * size;
      out[i] = size === 4 ? dv.getFloat32(p, le) : size === 8 ? dv.getFloat64(p, le) : half(dv.getUint16(p, le));
    }
    return { kind: 'float', data: out };
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = off + i * size;
    let v: number;
    if (t === 'b') v = dv.getUint8(p) ? 1 : 0;
    else if (size === 1) v = t === 'i' ? dv.getInt8(p) : dv.getUint8(p);
    else if (size === 2) v = t === 'i' ? dv.getInt16(p, le) : dv.getUint16(p, le);
    else if (size === 4) v = t === 'i' ? dv.getInt32(p, le) : dv.getUint32(p, le);
    else v = Number(t === 'i' ? dv.getBigInt64(p, le) : dv.getBigUint64(p, le));
    if (v > 2147483647 || v < -2147483648) throw bad(name, `value ${v} at index ${i} does not fit in 32 bits`);
    out[i] = v;
  }
  return { kind: 'int', data: out };
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Unzips an archive with a clear error for anything that is not a valid ZIP, inflating only
 * the entries `filter` keeps, under the decoded-data limit in all (see engine/io/zip.ts).
 */
export function unzipChecked(
  bytes: Uint8Array,
  name: string,
  filter?: (file: { name: string; originalSize: number }) => boolean,
  expect?: (path: string) => ((head: Uint8Array) => number | null) | undefined,
): Record<string, Uint8Array> {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw bad(name, 'not a ZIP archive (it does not start with "PK")');
  return readZip(bytes, {
    what: name,
    filter: filter && ((e) => filter({ name: e.name, originalSize: e.size })),
    maxEntry: () => LIMITS.decodedBytes,
    maxTotal: LIMITS.decodedBytes,
    expect: expect && ((e) => expect(e.name)),
    advice: 'Use a smaller sample of it.',
  });
}

/** The arrays of an NPZ file by name (without the .npy extension). */
export function parseNpz(bytes: Uint8Array, name = 'the file'): Record<string, NdArray> {
  const files = unzipChecked(bytes, name, (f) => f.name.endsWith('.npy'), (path) => (head) => npyDeclaredSize(head, `${name}/${path}`));
  const out: Record<string, NdArray> = {};
  for (const [path, data] of Object.entries(files)) out[path.replace(/\.npy$/, '')] = parseNpy(data, `${name}/${path}`);
  if (Object.keys(out).length === 0) throw bad(name, 'the NPZ archive holds no .npy arrays');
  return out;
}
