/**
 * Pure decoders for PNG (non-interlaced; every colour type and bit depth) and uncompressed
 * BMP (8-, 24- and 32-bit), to RGBA bytes. Browsers decode images with createImageBitmap in a
 * worker (JPEG and WebP too); these let the CLI, the tests and any host without that API read
 * image datasets, and `encodePng` writes test fixtures.
 */
import { zlibSync } from 'fflate';
import { LIMITS } from '../core/limits.ts';
import { inflateCapped } from '../bytes/inflate.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** [height × width × 4] bytes. */
  rgba: Uint8Array;
}

const SIG = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && SIG.every((v, i) => b[i] === v);
}

export function isBmp(b: Uint8Array): boolean {
  return b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d;
}

/** Decodes a PNG or BMP; null when the bytes are not one it can read. Never throws. */
export function decodeImagePure(b: Uint8Array): RgbaImage | null {
  try {
    if (isPng(b)) return decodePng(b);
    if (isBmp(b)) return decodeBmp(b);
  } catch {
    /* corrupt: undecodable */
  }
  return null;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

function decodePng(b: Uint8Array): RgbaImage | null {
  let p = 8;
  let w = 0, h = 0, depth = 0, ctype = 0, interlace = 0;
  let palette: Uint8Array | null = null;
  let trns: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (p + 8 <= b.length) {
    const len = u32(b, p);
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    const data = b.subarray(p + 8, p + 8 + len);
    if (data.length < len) return null;
    if (type === 'IHDR') {
      w = u32(data, 0); h = u32(data, 4); depth = data[8]; ctype = data[9]; interlace = data[12];
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    p += 12 + len;
  }
  if (!w || !h || w * h > LIMITS.imagePixels || interlace !== 0 || idat.length === 0) return null;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[ctype];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) return null;
  const total = idat.reduce((s, c) => s + c.length, 0);
  const z = new Uint8Array(total);
  let o = 0;
  for (const c of idat) {
    z.set(c, o);
    o += c.length;
  }
  const bpp = Math.max(1, (channels * depth) >> 3);
  const stride = Math.ceil((w * channels * depth) / 8);
  // The size the header implies is exact: a stream that inflates past it is refused there.
  const raw = inflateCapped(z, 'zlib', { max: h * (stride + 1), what: 'PNG' });
  if (raw.length < h * (stride + 1)) return null;
  const cur = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const up = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (f === 1) v += a;
      else if (f === 2) v += up;
      else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) {
        const pa = Math.abs(up - c), pb = Math.abs(a - c), pc = Math.abs(a + up - 2 * c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) return null;
      cur[i] = v & 255;
    }
    for (let x = 0; x < w; x++) {
      const sample = (k: number): number => {
        if (depth === 8) return cur[x * channels + k];
        if (depth === 16) return cur[(x * channels + k) * 2];
        const bit = (x * channels + k) * depth;
        const v = (cur[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        return ctype === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
      };
      const q = (y * w + x) * 4;
      if (ctype === 3) {
        const i = sample(0);
        if (!palette || 3 * i + 2 >= palette.length) return null;
        rgba[q] = palette[3 * i]; rgba[q + 1] = palette[3 * i + 1]; rgba[q + 2] = palette[3 * i + 2];
        rgba[q + 3] = trns && i < trns.length ? trns[i] : 255;
      } else if (channels <= 2) {
        const g = sample(0);
        rgba[q] = rgba[q + 1] = rgba[q + 2] = g;
        rgba[q + 3] = channels === 2 ? sample(1) : 255;
      } else {
        rgba[q] = sample(0); rgba[q + 1] = sample(1); rgba[q + 2] = sample(2);
        rgba[q + 3] = channels === 4 ? sample(3) : 255;
      }
    }
    prev.set(cur);
  }
  return { width: w, height: h, rgba };
}

function decodeBmp(b: Uint8Array): RgbaImage | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const off = dv.getUint32(10, true);
  const w = dv.getInt32(18, true);
  const hRaw = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const comp = b.length >= 34 ? dv.getUint32(30, true) : 0;
  const h = Math.abs(hRaw);
  if (w <= 0 || h === 0 || w * h > LIMITS.imagePixels || ![8, 24, 32].includes(bpp) || (comp !== 0 && !(comp === 3 && bpp === 32))) return null;
  const stride = Math.ceil((w * bpp) / 32) * 4;
  if (off + stride * h > b.length) return null;
  const headerSize = dv.getUint32(14, true);
  const palOff = 14 + headerSize;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const row = off + (hRaw > 0 ? h - 1 - y : y) * stride;
    for (let x = 0; x < w; x++) {
      const q = (y * w + x) * 4;
      if (bpp === 8) {
        const i = palOff + 4 * b[row + x];
        if (i + 2 >= b.length) return null;
        rgba[q] = b[i + 2]; rgba[q + 1] = b[i + 1]; rgba[q + 2] = b[i];
      } else {
        const s = row + x * (bpp >> 3);
        rgba[q] = b[s + 2]; rgba[q + 1] = b[s + 1]; rgba[q + 2] = b[s];
      }
      rgba[q + 3] = 255;
    }
  }
  return { width: w, height: h, rgba };
}

const CRC = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(parts: Uint8Array[]): number {
  let c = -1;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC[(c ^ p[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Encodes 8-bit grayscale (channels 1) or RGB (3) pixels as a PNG (for fixtures and exports). */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 3): Uint8Array {
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const t = Uint8Array.from(type, (ch) => ch.charCodeAt(0));
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    out.set(t, 4);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc32([t, data]));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  const parts = [Uint8Array.from(SIG), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
