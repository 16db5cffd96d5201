// Drawings → model inputs: exact area averaging, centring and scaling like the training
// images, the dataset's normalisation, and a round trip through the built-in digits (a digit
// blown up to pad size comes back as nearly the same 28×28 image).
import { describe, expect, it } from 'vitest';
import { makeDigits, DIGIT_SIDE } from './digits.ts';
import { areaResample, drawingToInput, DIGIT_INK_FILL, inkBounds, type InkRaster } from './drawing.ts';

const raster = (width: number, height: number, f: (x: number, y: number) => number): InkRaster => {
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ink[y * width + x] = f(x, y);
  return { width, height, ink };
};

function correlation(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** img moved by (dx, dy) pixels, zeros shifted in. */
function shifted(img: Float32Array, side: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    const sx = x - dx, sy = y - dy;
    if (sx >= 0 && sy >= 0 && sx < side && sy < side) out[y * side + x] = img[sy * side + sx];
  }
  return out;
}

describe('areaResample', () => {
  it('averages exactly the patch each output pixel covers', () => {
    const r = raster(4, 4, (x, y) => y * 4 + x);
    expect(Array.from(areaResample({ ...r, ink: r.ink.map((v) => v / 16) }, { x: 0, y: 0, w: 4, h: 4 }, 2, 2)).map((v) => v * 16)).toEqual([2.5, 4.5, 10.5, 12.5]);
    // 3 columns into 2: the middle column is shared half and half.
    const stripe = raster(3, 1, (x) => (x === 1 ? 1 : 0));
    expect(Array.from(areaResample(stripe, { x: 0, y: 0, w: 3, h: 1 }, 2, 1))).toEqual([1 / 3, 1 / 3].map((v) => Math.fround(v)));
  });

  it('counts the frame outside the raster as no ink', () => {
    const full = raster(10, 10, () => 1);
    const out = areaResample(full, { x: -5, y: 0, w: 20, h: 10 }, 4, 1);
    expect(Array.from(out)).toEqual([0, 1, 1, 0]);
  });
});

describe('drawingToInput', () => {
  it('gives nothing for an empty pad', () => {
    expect(drawingToInput(raster(20, 20, () => 0), { channels: 1, height: 28, width: 28, fill: DIGIT_INK_FILL })).toBeNull();
  });

  it('centres a stroke drawn in a corner and scales it to fill the frame', () => {
    // A 40×40 square in the top-left of a 280×280 pad.
    const pad = raster(280, 280, (x, y) => (x >= 10 && x < 50 && y >= 20 && y < 60 ? 1 : 0));
    const { pixels } = drawingToInput(pad, { channels: 1, height: 28, width: 28, fill: 0.5 })!;
    const box = inkBounds({ width: 28, height: 28, ink: pixels }, 0.5)!;
    expect(box).toEqual([7, 7, 21, 21]); // 14 of 28 pixels, centred
    expect(pixels[14 * 28 + 14]).toBeCloseTo(1, 5);
    // Without framing the pad is taken as drawn: the square stays in its corner, 4×4 pixels.
    const asDrawn = drawingToInput(pad, { channels: 1, height: 28, width: 28, fill: null })!.pixels;
    expect(inkBounds({ width: 28, height: 28, ink: asDrawn }, 0.5)).toEqual([1, 2, 5, 6]);
  });

  it('applies the dataset preparation: channels, inversion and training statistics', () => {
    const pad = raster(2, 2, (x) => (x === 0 ? 1 : 0));
    const prep = { channels: 3, height: 2, width: 2, fill: null, stats: { shift: [0.5, 0, 1], scale: [0.25, 2, 1] } };
    const { pixels, input } = drawingToInput(pad, prep)!;
    expect(Array.from(pixels)).toEqual([1, 0, 1, 0]);
    expect(Array.from(input)).toEqual([2, -2, 2, -2, 0.5, 0, 0.5, 0, 0, -1, 0, -1]);
    const inverted = drawingToInput(pad, { ...prep, channels: 1, stats: null, invert: true })!;
    expect(Array.from(inverted.input)).toEqual([0, 1, 0, 1]);
  });

  it('sees a built-in digit blown up to pad size as nearly the digit itself', () => {
    const n = 30, S = DIGIT_SIDE, Z = 10;
    const { x } = makeDigits(n, 0, 7);
    const extents: number[] = [];
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const digit = x.subarray(k * S * S, (k + 1) * S * S);
      const b = inkBounds({ width: S, height: S, ink: digit })!;
      extents.push(Math.max(b[2] - b[0], b[3] - b[1]) / S);
      const pad = raster(S * Z, S * Z, (px, py) => digit[Math.floor(py / Z) * S + Math.floor(px / Z)]);
      const { input } = drawingToInput(pad, { channels: 1, height: S, width: S, fill: DIGIT_INK_FILL })!;
      // Re-framing centres the digit (undoing its ±2.5-pixel jitter): compare at the best shift.
      let best = -1;
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) best = Math.max(best, correlation(input, shifted(digit, S, dx, dy)));
      sum += best;
    }
    // The fill is what the digits really fill, so re-framing keeps their size and shape.
    const mean = extents.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - DIGIT_INK_FILL)).toBeLessThan(0.05);
    expect(sum / n).toBeGreaterThan(0.85);
  });
});
