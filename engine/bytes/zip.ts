/**
 * Reading ZIP archives (NPZ, image datasets, .flowgrad.zip projects) without trusting them.
 * The central directory is parsed here (zip64 included) so that, before anything is
 * inflated, entries whose data overlap (the "overlapping entries" zip bomb) are refused and
 * every entry's declared size is checked; then each wanted entry is inflated by
 * `inflateCapped`, which counts the bytes it really produces against the entry's cap and
 * what is left of the archive's total cap.
 */
import { strFromU8 } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { fmtBytes, fmtCount, tooBig } from '../core/limits.ts';
import { inflateCapped } from './inflate.ts';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  /** Uncompressed size as the archive declares it (not trusted). */
  size: number;
  /** Where the entry's local header starts, and its data. */
  offset: number;
  dataStart: number;
}

/** Entries above this are refused: more files than any dataset needs. */
const MAX_ENTRIES = 500_000;

const u16 = (b: Uint8Array, p: number): number => b[p]! | (b[p + 1]! << 8);
const u32 = (b: Uint8Array, p: number): number => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, p: number): number => u32(b, p) + u32(b, p + 4) * 2 ** 32;

function damaged(what: string, why: string): FlowgradError {
  return new FlowgradError('bad-file', `${what}: corrupt ZIP archive (${why})`);
}

/** The entries of the central directory, checked for overlap; nothing is inflated. */
export function listZip(b: Uint8Array, what: string): ZipEntry[] {
  let eocd = -1;
  for (let p = b.length - 22; p >= 0 && p >= b.length - 22 - 65535; p--) {
    if (u32(b, p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw damaged(what, 'no end of central directory: the file is incomplete');
  let count = u16(b, eocd + 10);
  let cd = u32(b, eocd + 16);
  if ((count === 0xffff || cd === 0xffffffff) && eocd >= 20 && u32(b, eocd - 20) === 0x07064b50) {
    const z = u64(b, eocd - 12);
    if (z + 56 > b.length || u32(b, z) !== 0x06064b50) throw damaged(what, 'bad zip64 end record');
    count = u64(b, z + 32);
    cd = u64(b, z + 48);
  }
  if (count > MAX_ENTRIES) throw tooBig(`${what} holds`, `${fmtCount(count)} files`, fmtCount(MAX_ENTRIES), 'Split it into smaller archives.');
  const entries: ZipEntry[] = [];
  let p = cd;
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) throw damaged(what, `entry ${i + 1} of ${count} is missing from the directory`);
    const flags = u16(b, p + 8);
    const nameLen = u16(b, p + 28), extraLen = u16(b, p + 30), commentLen = u16(b, p + 32);
    if (p + 46 + nameLen + extraLen > b.length) throw damaged(what, 'the directory is cut short');
    const name = strFromU8(b.subarray(p + 46, p + 46 + nameLen), !(flags & 0x800));
    if (flags & 1) throw new FlowgradError('bad-file', `${what}: '${name}' is encrypted; save the archive without a password`);
    let size = u32(b, p + 24), compressedSize = u32(b, p + 20), offset = u32(b, p + 42);
    // zip64: the 32-bit fields that are all ones are in the extra field, in this order.
    for (let x = p + 46 + nameLen, end = x + extraLen; x + 4 <= end; x += 4 + u16(b, x + 2)) {
      if (u16(b, x) !== 1) continue;
      let q = x + 4;
      if (size === 0xffffffff) {
        size = u64(b, q);
        q += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = u64(b, q);
        q += 8;
      }
      if (offset === 0xffffffff) offset = u64(b, q);
    }
    if (offset + 30 > b.length || u32(b, offset) !== 0x04034b50) throw damaged(what, `'${name}' has no local header`);
    const dataStart = offset + 30 + u16(b, offset + 26) + u16(b, offset + 28);
    if (dataStart + compressedSize > b.length) throw damaged(what, `'${name}' is cut short`);
    entries.push({ name, method: u16(b, p + 10), compressedSize, size, offset, dataStart });
    p += 46 + nameLen + extraLen + commentLen;
  }
  const byOffset = [...entries].sort((x, y) => x.offset - y.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (prev.dataStart + prev.compressedSize > byOffset[i]!.offset) {
      throw new FlowgradError('bad-file', `${what}: entries '${prev.name}' and '${byOffset[i]!.name}' overlap; a real archive never does this (it is damaged or a zip bomb)`);
    }
  }
  return entries;
}

export interface ReadZipOptions {
  /** Names the archive in messages. */
  what: string;
  /** Which entries to inflate (all when absent). */
  filter?: (e: ZipEntry) => boolean;
  /** Bytes one entry may unpack to. */
  maxEntry: (e: ZipEntry) => number;
  /** Bytes all inflated entries together may unpack to. */
  maxTotal: number;
  /** The size an entry's own header declares (see InflateCap.expect). */
  expect?: (e: ZipEntry) => ((head: Uint8Array) => number | null) | undefined;
  advice?: string;
}

/** Inflates the wanted entries, each and all together under their caps. */
export function readZip(b: Uint8Array, opts: ReadZipOptions): Record<string, Uint8Array> {
  const advice = opts.advice ?? 'Use a smaller archive.';
  const out = Object.create(null) as Record<string, Uint8Array>; // an entry may be named __proto__
  let total = 0;
  for (const e of listZip(b, opts.what)) {
    if (opts.filter && !opts.filter(e)) continue;
    const what = `${opts.what}/${e.name}`;
    const max = Math.min(opts.maxEntry(e), opts.maxTotal - total);
    if (e.size > max) {
      throw total > 0 && e.size <= opts.maxEntry(e)
        ? tooBig(`${opts.what} unpacks to`, `more than ${fmtBytes(opts.maxTotal)}`, fmtBytes(opts.maxTotal), advice)
        : tooBig(`${what} is`, fmtBytes(e.size), fmtBytes(opts.maxEntry(e)), advice);
    }
    const raw = b.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) {
      if (raw.length > max) throw tooBig(`${what} is`, fmtBytes(raw.length), fmtBytes(max), advice);
      data = raw.slice();
    } else if (e.method === 8) {
      data = inflateCapped(raw, 'deflate', { max, what, advice, expect: opts.expect?.(e) });
    } else {
      throw new FlowgradError('bad-file', `${what}: compression method ${e.method} is not supported; re-create the archive with standard (deflate) compression`);
    }
    total += data.length;
    out[e.name] = data;
  }
  return out;
}
