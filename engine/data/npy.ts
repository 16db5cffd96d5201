/**
 * NumPy's NPY (one array) and NPZ (a ZIP of NPY files) formats. Supported: little- and
 * big-endian float16/32/64, signed and unsigned 8–64-bit integers and booleans, in C order.
 * Integers and booleans come out as Int32Array (Uint8Array for uint8, kept compact for
 * pixels); floats as Float32Array. Anything else (Fortran order, complex, strings, objects)
 * is refused with a message naming what was found.
 */
import { unzipSync } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { MAX_DECODED_BYTES } from '../project/dataTypes.ts';

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

/** Checks a shape and returns its element count, refusing sizes that cannot fit in memory. */
export function checkedSize(name: string, shape: readonly number[], bytesPerItem: number): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw bad(name, `invalid dimension ${d} in shape [${shape.join(',')}]`);
    n *= d;
  }
  if (n * bytesPerItem > MAX_DECODED_BYTES || !Number.isSafeInteger(n)) {
    throw bad(name, `array of shape [${shape.join(',')}] is too big: more than ${MAX_DECODED_BYTES / 2 ** 20} MB in memory. Use a smaller sample of it.`);
  }
  return n;
}

export function parseNpy(bytes: Uint8Array, name = 'the file'): NdArray {
  if (!isNpy(bytes)) throw bad(name, 'not an NPY file (it does not start with \\x93NUMPY)');
  if (bytes.length < 10) throw bad(name, 'truncated NPY header');
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(name, `unsupported NPY version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + hlenSize) throw bad(name, 'truncated NPY header');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + hlenSize + hlen;
  if (start > bytes.length) throw bad(name, `truncated: the header says ${hlen} bytes but the file ends first`);
  let header = '';
  for (let i = 8 + hlenSize; i < start; i++) header += String.fromCharCode(bytes[i]);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(name, `unreadable NPY header: ${header.trim().slice(0, 80)}`);
  if (fortran === 'True') throw bad(name, 'the array is stored in Fortran order; save it in C order (np.ascontiguousarray) and try again');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw bad(name, `unsupported dtype '${descr}': use float16/32/64, (u)int8–64 or bool`);
  const little = m[1] !== '>';
  const t = m[2];
  const size = Number(m[3]);
  const okSize = t === 'f' ? [2, 4, 8] : t === 'b' ? [1] : [1, 2, 4, 8];
  if (!okSize.includes(size)) throw bad(name, `unsupported dtype '${descr}': use float16/32/64, (u)int8–64 or bool`);
  const n = checkedSize(name, shape, 4);
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

/** Unzips an archive with a clear error for anything that is not a valid ZIP. */
export function unzipChecked(bytes: Uint8Array, name: string, filter?: (file: { name: string; originalSize: number }) => boolean): Record<string, Uint8Array> {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw bad(name, 'not a ZIP archive (it does not start with "PK")');
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        if (filter && !filter(f)) return false;
        total += f.originalSize;
        if (total > MAX_DECODED_BYTES) throw bad(name, `the archive unpacks to more than ${MAX_DECODED_BYTES / 2 ** 20} MB. Use a smaller sample of it.`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FlowgradError) throw e;
    throw bad(name, `corrupt ZIP archive (${(e as Error)?.message ?? String(e)})`);
  }
}

/** The arrays of an NPZ file by name (without the .npy extension). */
export function parseNpz(bytes: Uint8Array, name = 'the file'): Record<string, NdArray> {
  const files = unzipChecked(bytes, name, (f) => f.name.endsWith('.npy'));
  const out: Record<string, NdArray> = {};
  for (const [path, data] of Object.entries(files)) out[path.replace(/\.npy$/, '')] = parseNpy(data, `${name}/${path}`);
  if (Object.keys(out).length === 0) throw bad(name, 'the NPZ archive holds no .npy arrays');
  return out;
}
