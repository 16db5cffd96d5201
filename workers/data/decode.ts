/**
 * Image decoding in a worker: createImageBitmap (PNG, JPEG, WebP, BMP, GIF — whatever the
 * browser reads) resized while decoding when a size is asked, drawn on an OffscreenCanvas to
 * read the pixels. Falls back to the engine's pure PNG/BMP decoder where those APIs are
 * missing. Undecodable images resolve to null (skipped and counted by the caller).
 */
import type { ImageDecoder } from '../../engine/data/image.ts';
import { decodeImagePure, type RgbaImage } from '../../engine/data/png.ts';

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', bmp: 'image/bmp', gif: 'image/gif' };

export const browserDecoder: ImageDecoder = async (bytes, path, size) => {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return decodeImagePure(bytes);
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[ext] ?? '' });
    bitmap = size ? await createImageBitmap(blob, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' }) : await createImageBitmap(blob);
  } catch {
    return decodeImagePure(bytes);
  }
  try {
    const { width, height } = bitmap;
    if (width < 1 || height < 1) return null;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return decodeImagePure(bytes);
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    const img: RgbaImage = { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    return img;
  } finally {
    bitmap.close();
  }
};
