/**
 * Image datasets: a ZIP (or a dropped folder) with one sub-folder per class. Listing the
 * archive and assembling the decoded pixels are pure; decoding itself is injected (the
 * browser worker uses createImageBitmap + OffscreenCanvas, Node uses the pure PNG/BMP
 * decoder). Images that cannot be decoded are skipped and counted. All images are stored at
 * one square size (their own, up to 64 px) and resized again when the data is prepared.
 */
import { FlowgradError } from '../core/errors.ts';
import { unzipChecked } from './npy.ts';
import { decodeImagePure, type RgbaImage } from './png.ts';
import { MAX_DECODED_BYTES, type ImageSetData } from '../project/dataTypes.ts';

export const IMAGE_EXT = /\.(png|jpe?g|webp|bmp|gif)$/i;
export const MAX_STORED_SIDE = 64;

export interface ImageEntry {
  path: string;
  cls: number;
  bytes: Uint8Array;
}

/** Decodes one image, optionally straight to a size; null when it cannot be decoded. */
export type ImageDecoder = (bytes: Uint8Array, path: string, size: { width: number; height: number } | null) => Promise<RgbaImage | null>;

export const pureDecoder: ImageDecoder = async (bytes) => decodeImagePure(bytes);

function ignored(path: string): boolean {
  return path.startsWith('__MACOSX/') || path.split('/').some((p) => p.startsWith('.'));
}

/** Groups files by their parent folder (the class). */
export function groupByClass(files: { path: string; bytes: Uint8Array }[], name: string): { entries: ImageEntry[]; classNames: string[]; ignoredFiles: number } {
  const images = files.filter((f) => !ignored(f.path) && IMAGE_EXT.test(f.path));
  const ignoredFiles = files.filter((f) => !f.path.endsWith('/')).length - images.length;
  if (images.length === 0) throw new FlowgradError('bad-file', `${name}: no images found (expected PNG, JPEG, WebP or BMP files in one folder per class)`);
  const folder = (p: string) => {
    const parts = p.split('/');
    return parts.length >= 2 ? parts[parts.length - 2] : '';
  };
  if (images.some((f) => folder(f.path) === '')) {
    throw new FlowgradError('bad-file', `${name}: some images are not in a class folder (e.g. '${images.find((f) => folder(f.path) === '')!.path}'). Put each class's images in its own folder: cats/1.png, dogs/1.png, ...`);
  }
  const classNames = [...new Set(images.map((f) => folder(f.path)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (classNames.length < 2) throw new FlowgradError('bad-file', `${name}: all images are in one folder ('${classNames[0]}'); a classifier needs at least two class folders`);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const entries = images.sort((a, b) => a.path.localeCompare(b.path)).map((f) => ({ path: f.path, cls: index.get(folder(f.path))!, bytes: f.bytes }));
  return { entries, classNames, ignoredFiles };
}

export function listImageZip(bytes: Uint8Array, name: string): { entries: ImageEntry[]; classNames: string[]; ignoredFiles: number } {
  const files = unzipChecked(bytes, name, (f) => !ignored(f.name));
  return groupByClass(Object.entries(files).map(([path, b]) => ({ path, bytes: b })), name);
}

/** Area-average (down) or bilinear (up) resize of interleaved bytes (`ch` per pixel, RGBA by default). */
export function resizeRgba(src: Uint8Array, sw: number, sh: number, dw: number, dh: number, ch = 4): Uint8Array {
  if (sw === dw && sh === dh) return src;
  const out = new Uint8Array(dw * dh * ch);
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const o = (y * dw + x) * ch;
      if (fx >= 1 && fy >= 1) {
        const x0 = Math.floor(x * fx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * fx));
        const y0 = Math.floor(y * fy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * fy));
        const n = (x1 - x0) * (y1 - y0);
        for (let c = 0; c < ch; c++) {
          let s = 0;
          for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += src[(yy * sw + xx) * ch + c];
          out[o + c] = Math.round(s / n);
        }
      } else {
        const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
        const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
        const xa = Math.floor(sx), ya = Math.floor(sy);
        const xb = Math.min(sw - 1, xa + 1), yb = Math.min(sh - 1, ya + 1);
        const tx = sx - xa, ty = sy - ya;
        for (let c = 0; c < ch; c++) {
          const a = src[(ya * sw + xa) * ch + c], b = src[(ya * sw + xb) * ch + c];
          const d = src[(yb * sw + xa) * ch + c], e = src[(yb * sw + xb) * ch + c];
          out[o + c] = Math.round((a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty);
        }
      }
    }
  }
  return out;
}

/**
 * Decodes every entry into one ImageSetData. `onProgress(done, total)` after each image.
 * Undecodable images are skipped and counted in the notes.
 */
export async function decodeImageEntries(
  entries: ImageEntry[],
  classNames: string[],
  name: string,
  decode: ImageDecoder,
  onProgress?: (done: number, total: number) => void,
): Promise<{ data: ImageSetData; notes: string[] }> {
  let side = 0;
  let gray = true;
  const rgbas: Uint8Array[] = [];
  const labels: number[] = [];
  const skipped: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let img: RgbaImage | null;
    try {
      img = await decode(e.bytes, e.path, side ? { width: side, height: side } : null);
    } catch {
      img = null;
    }
    if (img && (img.width < 1 || img.height < 1 || img.rgba.length !== img.width * img.height * 4)) img = null;
    if (!img) {
      skipped.push(e.path);
    } else {
      if (!side) {
        side = Math.min(MAX_STORED_SIDE, Math.max(img.width, img.height));
        if (entries.length * side * side * 3 > MAX_DECODED_BYTES) {
          throw new FlowgradError('bad-file', `${name}: ${entries.length} images of ${side}×${side} are more than ${MAX_DECODED_BYTES / 2 ** 20} MB decoded. Use fewer or smaller images.`);
        }
      }
      const px = resizeRgba(img.rgba, img.width, img.height, side, side);
      if (gray) for (let p = 0; p < px.length && gray; p += 4) if (px[p] !== px[p + 1] || px[p + 1] !== px[p + 2]) gray = false;
      rgbas.push(px);
      labels.push(e.cls);
    }
    onProgress?.(i + 1, entries.length);
  }
  if (rgbas.length === 0) throw new FlowgradError('bad-file', `${name}: none of the ${entries.length} images could be decoded`);
  const channels = gray ? 1 : 3;
  const pixels = new Uint8Array(rgbas.length * side * side * channels);
  rgbas.forEach((px, n) => {
    const base = n * side * side * channels;
    for (let p = 0; p < side * side; p++) {
      if (channels === 1) pixels[base + p] = px[4 * p];
      else for (let c = 0; c < 3; c++) pixels[base + 3 * p + c] = px[4 * p + c];
    }
  });
  const notes: string[] = [];
  if (skipped.length > 0) notes.push(`Skipped ${skipped.length} image${skipped.length === 1 ? '' : 's'} that could not be decoded (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}).`);
  const present = new Set(labels);
  const empty = classNames.filter((_, i) => !present.has(i));
  if (empty.length > 0) notes.push(`No decodable images in class${empty.length === 1 ? '' : 'es'} ${empty.map((c) => `'${c}'`).join(', ')}.`);
  return { data: { kind: 'images', width: side, height: side, channels, pixels, labels: Int32Array.from(labels), classNames }, notes };
}

/** An RGBA image as the browser's ImageData holds it (structural: the engine has no DOM types). */
export interface RgbaLike {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/**
 * An RGBA image → one model input's pixels (0–255, [C,H,W] channels first), read the way an
 * uploaded image dataset was: resized to H×W by resizeRgba, alpha ignored, one channel = gray
 * (the mean of R, G and B, which is the value itself for a gray image) or three = R, G, B.
 */
export function imagePixels(image: RgbaLike, shape: readonly number[]): Float32Array {
  const [c, h, w] = shape;
  if (shape.length !== 3 || (c !== 1 && c !== 3)) throw new FlowgradError('bad-argument', `the model takes [${shape.join(',')}] per sample, not an image of 1 or 3 channels`);
  if (!(image.width >= 1 && image.height >= 1) || image.data.length !== image.width * image.height * 4) {
    throw new FlowgradError('bad-argument', `an image of ${image.width}×${image.height} needs ${image.width * image.height * 4} RGBA values, got ${image.data.length}`);
  }
  const px = resizeRgba(Uint8Array.from(image.data), image.width, image.height, w!, h!);
  const plane = h! * w!;
  const out = new Float32Array(c * plane);
  for (let p = 0; p < plane; p++) {
    const [r, g, b] = [px[4 * p]!, px[4 * p + 1]!, px[4 * p + 2]!];
    if (c === 1) out[p] = (r + g + b) / 3;
    else [out[p], out[plane + p], out[2 * plane + p]] = [r, g, b];
  }
  return out;
}
