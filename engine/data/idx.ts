/**
 * The IDX format of MNIST and its relatives: two zero bytes, a type byte, the number of
 * dimensions, big-endian uint32 sizes, then the values (big-endian). Gzipped files
 * (`.gz`, magic 1f 8b) are inflated first with fflate, so the parser is pure and the same in
 * a worker and in Node.
 */
import { FlowgradError } from '../core/errors.ts';
import { LIMITS, checkShape, fmtBytes, tooBig } from '../core/limits.ts';
import { inflateCapped } from '../bytes/inflate.ts';
import type { NdArray } from './npy.ts';

const TYPES: Record<number, { size: number; label: string }> = {
  0x08: { size: 1, label: 'uint8' },
  0x09: { size: 1, label: 'int8' },
  0x0b: { size: 2, label: 'int16' },
  0x0c: { size: 4, label: 'int32' },
  0x0d: { size: 4, label: 'float32' },
  0x0e: { size: 8, label: 'float64' },
};

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] in TYPES && bytes[3] >= 1 && bytes[3] <= 8;
}

/**
 * Inflates gzip data under the decoded-data limit, with a clear error for corrupt input.
 * `expect` reads the size the inflated data declares (see inflateCapped).
 */
export function gunzipChecked(bytes: Uint8Array, name: string, expect?: (head: Uint8Array) => number | null): Uint8Array {
  // The last 4 bytes hold the uncompressed size modulo 2^32: refuse obvious giants early.
  if (bytes.length >= 18) {
    const n = bytes.length;
    const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
    if (isize > LIMITS.decodedBytes) throw tooBig(`${name} unpacks to`, fmtBytes(isize), fmtBytes(LIMITS.decodedBytes), 'Use a smaller sample of it.');
  }
  return inflateCapped(bytes, 'gzip', { max: LIMITS.decodedBytes, what: name, advice: 'Use a smaller sample of it.', expect });
}

/** The header of an IDX file: value type, shape (checked against the limit) and data offset. */
function readHeader(bytes: Uint8Array, name: string, partial = false): { type: { size: number; label: string }; shape: number[]; n: number; dataStart: number } | null {
  if (partial && bytes.length < 4) return null;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new FlowgradError('bad-file', `${name}: not an IDX file (it should start with two zero bytes)`);
  const type = TYPES[bytes[2]];
  if (!type) throw new FlowgradError('bad-file', `${name}: unknown IDX value type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const ndim = bytes[3];
  if (ndim < 1) throw new FlowgradError('bad-file', `${name}: an IDX file needs at least one dimension`);
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) {
    if (partial) return null;
    throw new FlowgradError('bad-file', `${name}: truncated IDX header (${ndim} dimensions need ${dataStart} bytes, the file has ${bytes.length})`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(dv.getUint32(4 + 4 * i, false));
  // uint8 stays one byte per value; the other types decode to 4-byte Int32/Float32 arrays.
  const n = checkShape(name, shape, type.size === 1 && bytes[2] === 0x08 ? 1 : 4);
  return { type, shape, n, dataStart };
}

export function parseIdx(input: Uint8Array, name = 'the file'): NdArray {
  const bytes = isGzip(input) ? gunzipChecked(input, name, (head) => {
    const h = readHeader(head, name, true);
    return h && h.dataStart + h.n * h.type.size;
  }) : input;
  const { type, shape, n, dataStart } = readHeader(bytes, name)!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = n * type.size;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new FlowgradError('bad-file', `${name}: truncated IDX file: shape [${shape.join(',')}] of ${type.label} needs ${need} bytes of data, found ${have}${shape.length > 1 && shape[0] > 0 ? ` (${Math.floor(have / (need / shape[0]))} of ${shape[0]} samples)` : ''}`);
  }
  if (bytes[2] === 0x08) return { shape, kind: 'uint8', data: bytes.slice(dataStart, dataStart + need) };
  if (bytes[2] === 0x0d || bytes[2] === 0x0e) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = type.size === 4 ? dv.getFloat32(dataStart + 4 * i, false) : dv.getFloat64(dataStart + 8 * i, false);
    return { shape, kind: 'float', data: out };
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = dataStart + i * type.size;
    out[i] = type.size === 1 ? dv.getInt8(p) : type.size === 2 ? dv.getInt16(p, false) : dv.getInt32(p, false);
  }
  return { shape, kind: 'int', data: out };
}
