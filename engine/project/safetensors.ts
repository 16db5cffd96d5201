/**
 * The safetensors file format (huggingface/safetensors), so Flowgrad's weights open in
 * PyTorch, JAX or any other tool, and theirs open here:
 *
 *   [8 bytes: header length n, u64 little-endian][n bytes: JSON header][raw tensor bytes]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets
 * relative to the start of the raw bytes) plus an optional `__metadata__` of string → string.
 * It is padded with spaces so the data starts on an 8-byte boundary.
 *
 * The encoder orders tensors as the reference implementation does (wider dtypes first, then
 * by name) so every tensor starts aligned to its element size and our files are byte-for-byte
 * what the Python library writes for the same tensors (metadata keys aside: those it writes in
 * hash order, we in insertion order). The decoder trusts nothing: every length, offset and
 * dtype is checked and any problem is a FlowgradError 'bad-file' naming it.
 *
 * Data is little-endian, as every browser and Node host is; a big-endian host is refused.
 */
import { strFromU8, strToU8 } from 'fflate';
import { FlowgradError, isFlowgradError } from '../core/errors.ts';
import { checkJsonDepth } from '../core/limits.ts';

export type SafetensorsDtype = 'F32' | 'I32' | 'F64' | 'F16' | 'U8' | 'I8' | 'BOOL' | 'I64';

/** Bytes per element, and the order rank the reference implementation sorts by (higher first). */
const DTYPES: Record<SafetensorsDtype, { bytes: number; rank: number }> = {
  BOOL: { bytes: 1, rank: 0 },
  U8: { bytes: 1, rank: 1 },
  I8: { bytes: 1, rank: 2 },
  F16: { bytes: 2, rank: 3 },
  I32: { bytes: 4, rank: 4 },
  F32: { bytes: 4, rank: 5 },
  F64: { bytes: 8, rank: 6 },
  I64: { bytes: 8, rank: 7 },
};
export const SAFETENSORS_DTYPES = Object.keys(DTYPES) as SafetensorsDtype[];

/** Typed array each dtype decodes to. F16 stays raw bits (Uint16Array); BOOL is 0/1 bytes. */
export type TensorData = Float32Array | Int32Array | Float64Array | Uint16Array | Uint8Array | Int8Array | BigInt64Array;

export interface SafetensorsInput {
  dtype: SafetensorsDtype;
  shape: number[];
  data: ArrayBufferView;
}

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** One tensor's header entry; `begin`/`end` are byte offsets into the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER = 100_000_000;
const METADATA = '__metadata__';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new FlowgradError('unsupported', 'safetensors: this host is big-endian; only little-endian hosts are supported');
}

const isDtype = (d: unknown): d is SafetensorsDtype => typeof d === 'string' && Object.hasOwn(DTYPES, d);
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Sets an own property even for names like `__proto__` (tensor names are arbitrary strings). */
function put<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Writes tensors (and optional string metadata) as a safetensors file. Throws
 * FlowgradError 'bad-argument' when a tensor's byte length does not match its dtype and shape.
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsInput>, metadata?: Record<string, string>): Uint8Array {
  requireLittleEndian();
  const bad = (msg: string): never => {
    throw new FlowgradError('bad-argument', `encodeSafetensors: ${msg}`);
  };
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name]!;
    if (name === METADATA) bad(`"${METADATA}" is reserved and cannot name a tensor`);
    if (!isDtype(t.dtype)) bad(`tensor '${name}' has unknown dtype ${JSON.stringify(t.dtype)}; use one of ${SAFETENSORS_DTYPES.join(', ')}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`tensor '${name}' has an invalid shape [${String(t.shape)}]`);
    const want = product(t.shape) * DTYPES[t.dtype].bytes;
    if (t.data.byteLength !== want) bad(`tensor '${name}' (${t.dtype} [${t.shape.join(',')}]) needs ${want} bytes of data, got ${t.data.byteLength}`);
  }
  names.sort((a, b) => DTYPES[tensors[b]!.dtype].rank - DTYPES[tensors[a]!.dtype].rank || (a < b ? -1 : a > b ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') bad(`metadata '${k}' must be a string`);
    header[METADATA] = metadata;
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    put(header, name, { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] });
    offset += t.data.byteLength;
  }
  const json = strToU8(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded, true);
  dv.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces: the header stays valid JSON
  let at = 8 + padded;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

/**
 * Reads and checks a safetensors header without copying any tensor data: every entry's dtype,
 * shape and offsets are validated against the file. Throws FlowgradError 'bad-file'.
 */
export function readSafetensorsHeader(bytes: Uint8Array, opts: { dataUnknown?: boolean } = {}): SafetensorsHeader {
  const fail = (msg: string): never => {
    throw new FlowgradError('bad-file', `Not a valid safetensors file: ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected bytes');
  if (bytes.length < 8) fail(`it is ${bytes.length} bytes long, too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER) fail(`the header claims to be ${n} bytes, more than the ${MAX_HEADER}-byte limit (is this a safetensors file?)`);
  if (8 + n > bytes.length) fail(`the file is truncated: the header claims ${n} bytes but only ${bytes.length - 8} follow`);
  let raw: unknown;
  try {
    const text = strFromU8(bytes.subarray(8, 8 + n));
    checkJsonDepth(text, 'Not a valid safetensors file: the header');
    raw = JSON.parse(text);
  } catch (e) {
    if (isFlowgradError(e)) throw e;
    fail(`the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('the header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = opts.dataUnknown ? Infinity : bytes.length - dataStart; // unknown: only the header is here

  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name === METADATA) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${METADATA} must be an object of strings`);
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') fail(`${METADATA}.${k} must be a string`);
        put(metadata, k, s as string);
      }
      continue;
    }
    const where = `tensor '${name}'`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where} must be an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offsets } = v as Record<string, unknown>;
    if (dtype === undefined) fail(`${where} has no dtype`);
    if (!isDtype(dtype)) fail(`${where} has dtype ${typeof dtype === 'string' ? JSON.stringify(dtype.slice(0, 40)) : Array.isArray(dtype) ? 'a list' : typeof dtype === 'object' && dtype !== null ? 'an object' : String(dtype)}, which is not supported (supported: ${SAFETENSORS_DTYPES.join(', ')})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${where} has an invalid shape (expected a list of whole numbers ≥ 0)`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`${where} has invalid data_offsets (expected [begin, end])`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) fail(`${where} data_offsets [${begin},${end}] are outside the ${dataLength} bytes of data (file truncated?)`);
    const size = DTYPES[dtype as SafetensorsDtype].bytes;
    const count = product(shape as number[]);
    if (count * size !== end - begin) {
      fail(`${where} is ${dtype} [${(shape as number[]).join(',')}], which needs ${count * size} bytes, but its data_offsets span ${end - begin}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: [...(shape as number[])], begin, end });
  }
  const byOffset = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byOffset.length; i++) {
    const [a, b] = [byOffset[i - 1]!, byOffset[i]!];
    if (b.begin < a.end) fail(`tensors '${a.name}' [${a.begin},${a.end}] and '${b.name}' [${b.begin},${b.end}] overlap`);
  }
  return { entries, metadata, dataStart };
}

/**
 * The total size (8 + header + data) a safetensors file declares in its first bytes, or
 * null until the whole header is there: lets a capped decompressor stop at the header when
 * the data would be larger than declared. Throws what readSafetensorsHeader would.
 */
export function safetensorsDeclaredSize(head: Uint8Array): number | null {
  if (head.length < 8) return null;
  const dv = new DataView(head.buffer, head.byteOffset, 8);
  const n = dv.getUint32(4, true) * 2 ** 32 + dv.getUint32(0, true);
  if (n <= MAX_HEADER && 8 + n > head.length) return null;
  let end = 0;
  const { entries } = readSafetensorsHeader(head.subarray(0, 8 + n), { dataUnknown: true });
  for (const e of entries) end = Math.max(end, e.end);
  return 8 + n + end;
}

function view(dtype: SafetensorsDtype, buffer: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'F32': return new Float32Array(buffer);
    case 'I32': return new Int32Array(buffer);
    case 'F64': return new Float64Array(buffer);
    case 'F16': return new Uint16Array(buffer);
    case 'U8': case 'BOOL': return new Uint8Array(buffer);
    case 'I8': return new Int8Array(buffer);
    case 'I64': return new BigInt64Array(buffer);
    default: return dtype satisfies never;
  }
}

/**
 * Reads a safetensors file into typed arrays (each a fresh copy, so correctly aligned and
 * independent of `bytes`). Throws FlowgradError 'bad-file' naming the problem.
 */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> } {
  requireLittleEndian();
  const { entries, metadata, dataStart } = readSafetensorsHeader(bytes);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const e of entries) {
    const copy = bytes.slice(dataStart + e.begin, dataStart + e.end);
    put(tensors, e.name, { dtype: e.dtype, shape: e.shape, data: view(e.dtype, copy.buffer) });
  }
  return { tensors, metadata };
}
