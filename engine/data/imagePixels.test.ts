// A picture → one model input: resized to the model's H×W, gray as the mean of R, G and B
// (the value itself for gray uploads), or R, G, B planes; bad pictures named with their size.
import { describe, expect, it } from 'vitest';
import { imagePixels } from './image.ts';

const rgba = (w: number, h: number, px: (x: number, y: number) => [number, number, number, number]) => ({
  width: w, height: h, data: Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => px(Math.floor(i / 4) % w, Math.floor(i / 4 / w))[i % 4]!),
});

describe('imagePixels', () => {
  it('one channel: the mean of R, G and B; alpha ignored', () => {
    const img = rgba(2, 1, (x) => (x === 0 ? [30, 60, 90, 0] : [200, 200, 200, 255]));
    expect(Array.from(imagePixels(img, [1, 1, 2]))).toEqual([60, 200]);
  });

  it('three channels: R, G and B planes, channels first', () => {
    const img = rgba(2, 1, (x) => [10 + x, 20 + x, 30 + x, 255]);
    expect(Array.from(imagePixels(img, [3, 1, 2]))).toEqual([10, 11, 20, 21, 30, 31]);
  });

  it('resizes by area averages: 4×4 of 2×2 blocks → the blocks', () => {
    const img = rgba(4, 4, (x, y) => { const v = 40 * (Math.floor(x / 2) + 2 * Math.floor(y / 2)); return [v, v, v, 255]; });
    expect(Array.from(imagePixels(img, [1, 2, 2]))).toEqual([0, 40, 80, 120]);
  });

  it('refuses models that do not take images, and pictures whose data does not match their size', () => {
    expect(() => imagePixels(rgba(2, 2, () => [0, 0, 0, 255]), [4])).toThrow(/takes \[4\] per sample, not an image/);
    expect(() => imagePixels(rgba(2, 2, () => [0, 0, 0, 255]), [2, 2, 2])).toThrow(/not an image of 1 or 3 channels/);
    expect(() => imagePixels({ width: 3, height: 3, data: new Uint8ClampedArray(8) }, [1, 2, 2])).toThrow(/3×3 needs 36 RGBA values, got 8/);
  });
});
