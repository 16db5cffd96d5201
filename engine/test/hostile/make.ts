/**
 * Generators for hostile files, built in memory by the tests (nothing big is checked in):
 * a DEFLATE stream that expands ~160× (fixed Huffman codes: one literal, then matches of
 * length 258 at distance 1, 13 bits each), ZIP archives whose directory says whatever the
 * test wants (understated sizes, entries sharing their data), and NPY/IDX/PNG/safetensors
 * headers around such streams.
 */
import { strToU8 } from 'fflate';

class BitWriter {
  private out: Uint8Array;
  private n = 0;
  private acc = 0;
  private bits = 0;
  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }
  /** `len` bits of `value`, least significant first (how DEFLATE packs values). */
  bits_(value: number, len: number): void {
    this.acc |= value << this.bits;
    this.bits += len;
    while (this.bits >= 8) {
      this.out[this.n++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.bits -= 8;
    }
  }
  /** A Huffman code, most significant bit first. */
  code(code: number, len: number): void {
    let r = 0;
    for (let i = 0; i < len; i++) r |= ((code >> i) & 1) << (len - 1 - i);
    this.bits_(r, len);
  }
  finish(): Uint8Array {
    if (this.bits > 0) this.out[this.n++] = this.acc & 0xff;
    return this.out.slice(0, this.n);
  }
}

/**
 * Raw DEFLATE of `prefix` followed by about `outBytes` copies of its last byte (one
 * fixed-Huffman block), in ~outBytes / 160 bytes.
 */
export function deflateBomb(outBytes: number, prefix: Uint8Array = new Uint8Array(1)): Uint8Array {
  const matches = Math.max(0, Math.ceil((outBytes - prefix.length) / 258));
  const w = new BitWriter(16 + 2 * prefix.length + Math.ceil((matches * 13) / 8));
  w.bits_(1, 1); // BFINAL
  w.bits_(1, 2); // BTYPE = 01, fixed codes
  for (const b of prefix) {
    if (b < 144) w.code(0x30 + b, 8);
    else w.code(0x190 + b - 144, 9);
  }
  for (let i = 0; i < matches; i++) {
    w.code(0xc5, 8); // length symbol 285: 258 bytes
    w.code(0, 5); // distance code 0: distance 1
  }
  w.code(0, 7); // end of block
  return w.finish();
}

/** A zlib stream (for PNG IDAT) around a raw DEFLATE stream; the Adler-32 is not checked. */
export function zlibWrap(deflated: Uint8Array): Uint8Array {
  const out = new Uint8Array(deflated.length + 6);
  out[0] = 0x78;
  out[1] = 0x01;
  out.set(deflated, 2);
  return out;
}

/** A gzip member around a raw DEFLATE stream, with `isize` as its declared size. */
export function gzipWrap(deflated: Uint8Array, isize: number): Uint8Array {
  const out = new Uint8Array(deflated.length + 18);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  out.set(deflated, 10);
  new DataView(out.buffer).setUint32(out.length - 4, isize >>> 0, true);
  return out;
}

export interface RawEntry {
  name: string;
  /** Compressed (method 8) or stored (method 0) bytes. */
  data: Uint8Array;
  method?: 0 | 8;
  /** The uncompressed size the directory declares. */
  size: number;
}

/**
 * A ZIP archive from raw entries. `directory` lists which entries the central directory
 * names, as indices into `entries`, repeats allowed: `[0, 0, 0]` makes three entries share
 * one local header and its data (the overlapping-entries bomb).
 */
export function rawZip(entries: RawEntry[], directory: number[] = entries.map((_, i) => i), names?: string[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let off = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    off += b.length;
  };
  for (const e of entries) {
    const name = strToU8(e.name);
    const h = new Uint8Array(30 + name.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(8, e.method ?? 8, true);
    v.setUint32(18, e.data.length, true);
    v.setUint32(22, e.size, true);
    v.setUint16(26, name.length, true);
    h.set(name, 30);
    offsets.push(off);
    push(h);
    push(e.data);
  }
  const cdStart = off;
  directory.forEach((k, j) => {
    const e = entries[k]!;
    const name = strToU8(names?.[j] ?? e.name);
    const h = new Uint8Array(46 + name.length);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(10, e.method ?? 8, true);
    v.setUint32(20, e.data.length, true);
    v.setUint32(24, e.size, true);
    v.setUint16(28, name.length, true);
    v.setUint32(42, offsets[k]!, true);
    h.set(name, 46);
    push(h);
  });
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, directory.length, true);
  v.setUint16(10, directory.length, true);
  v.setUint32(12, off - cdStart, true);
  v.setUint32(16, cdStart, true);
  push(end);
  const out = new Uint8Array(off);
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/** NPY bytes with any header text (padded to 64 bytes as numpy does) and data. */
export function npyRaw(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const hlenSize = major === 1 ? 2 : 4;
  const pad = (64 - ((8 + hlenSize + header.length + 1) % 64)) % 64;
  const text = `${header}${' '.repeat(pad)}\n`;
  const out = new Uint8Array(8 + hlenSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, text.length, true);
  else v.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[8 + hlenSize + i] = text.charCodeAt(i) & 0xff;
  out.set(data, 8 + hlenSize + text.length);
  return out;
}

export const npyHeader = (descr: string, shape: string): string => `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;

/** IDX header bytes: type byte and big-endian dims. */
export function idxHeader(type: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d, false));
  return out;
}

/** A safetensors header (8-byte length + JSON) with no data after it. */
export function safetensorsHeader(json: string): Uint8Array {
  const text = strToU8(json);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  return out;
}

/** A PNG of `w`×`h` 8-bit grey whose IDAT holds `idat` (a zlib stream). */
export function pngWithIdat(w: number, h: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length, false);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    return out; // the CRC is left 0: the decoder does not check it
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w, false);
  v.setUint32(4, h, false);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** base64url without padding, as share links carry it. */
export function base64url(b: Uint8Array): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const k = Math.min(4, Math.ceil(((b.length - i) * 4) / 3));
    for (let j = 0; j < k; j++) out.push(A[(n >> (18 - 6 * j)) & 63]!);
  }
  return out.join('');
}
