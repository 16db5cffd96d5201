/**
 * A drawing → one model input, prepared the way the training images were. The playground's
 * pad hands over its ink (0–1 per pixel, any size); this crops a frame around the strokes,
 * centred on their bounding box and scaled so they fill the share of the frame a training
 * sample's ink fills (the built-in digits: ~0.6 of the side, measured in drawing.test.ts;
 * uploads: MNIST's convention, a 20-pixel box in 28), then area-averages the frame down to
 * the model's H×W — every output pixel the mean ink over the exact patch it covers, which is
 * what resizing does to uploaded images (image.ts) and how the digits' pen is anti-aliased.
 * Last, the values get the dataset's own preparation: gray copied to each channel, optional
 * inversion (dark ink on light), and the training statistics x' = (x − shift) / scale.
 * Pure: the app runs it on the main thread before asking the worker to predict.
 */

/** Share of the frame the built-in digits' ink spans (the larger of width and height). */
export const DIGIT_INK_FILL = 0.6;
/** MNIST-style framing (a 20-pixel box in a 28-pixel image) for other image datasets. */
export const DEFAULT_INK_FILL = 20 / 28;
/** Pixels with more ink than this count for the strokes' bounding box. */
const INK_THRESHOLD = 0.1;
/** A tap is not blown up to a blob: at most this many times the whole-pad scale. */
const MAX_ZOOM = 4;

export interface InkRaster {
  width: number;
  height: number;
  /** Row-major ink, 0 (none) to 1 (full), width × height values. */
  ink: Float32Array;
}

/** A rectangle in raster pixels (may reach outside the raster: outside is no ink). */
export interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DrawingPrep {
  /** The model's input [C, H, W]. */
  channels: number;
  height: number;
  width: number;
  /** Share of the frame the strokes should fill; null: the whole pad is the frame, as drawn. */
  fill: number | null;
  /** Dark ink on a light background (1 − ink), for datasets drawn that way. */
  invert?: boolean;
  /** Per-channel statistics the training inputs were normalised with, or null. */
  stats?: { shift: ArrayLike<number>; scale: ArrayLike<number> } | null;
}

/** Bounding box [x0, y0, x1, y1) of the pixels with ink, or null for an empty raster. */
export function inkBounds(r: InkRaster, threshold = INK_THRESHOLD): [number, number, number, number] | null {
  let x0 = r.width, y0 = r.height, x1 = -1, y1 = -1;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (r.ink[y * r.width + x] <= threshold) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

/** The frame that centres the box and makes it fill `fill` of an outW × outH image. */
export function frameFor(box: [number, number, number, number], r: InkRaster, outW: number, outH: number, fill: number): Frame {
  const [x0, y0, x1, y1] = box;
  const bw = x1 - x0, bh = y1 - y0;
  const whole = Math.min(outW / r.width, outH / r.height);
  const s = Math.min(fill * Math.min(outW / bw, outH / bh), whole * MAX_ZOOM); // output pixels per raster pixel
  const w = outW / s, h = outH / s;
  return { x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w, h };
}

/** For each of `n` output cells over [start, start + len): the raster cells it overlaps and by how much. */
function overlaps(start: number, len: number, n: number, size: number): { idx: number[]; wt: number[] }[] {
  const step = len / n;
  return Array.from({ length: n }, (_, i) => {
    const a = start + i * step, b = a + step;
    const idx: number[] = [], wt: number[] = [];
    for (let k = Math.max(0, Math.floor(a)); k < Math.min(size, Math.ceil(b)); k++) {
      const w = Math.min(b, k + 1) - Math.max(a, k);
      if (w <= 0) continue;
      idx.push(k);
      wt.push(w / step);
    }
    return { idx, wt };
  });
}

/** Area average of the frame into outW × outH: each output pixel the mean ink over its patch. */
export function areaResample(r: InkRaster, f: Frame, outW: number, outH: number): Float32Array {
  const cols = overlaps(f.x, f.w, outW, r.width);
  const rows = overlaps(f.y, f.h, outH, r.height);
  const out = new Float32Array(outW * outH);
  for (let j = 0; j < outH; j++) {
    const row = rows[j];
    for (let i = 0; i < outW; i++) {
      const col = cols[i];
      let s = 0;
      for (let a = 0; a < row.idx.length; a++) {
        const base = row.idx[a] * r.width;
        let t = 0;
        for (let b = 0; b < col.idx.length; b++) t += r.ink[base + col.idx[b]] * col.wt[b];
        s += t * row.wt[a];
      }
      out[j * outW + i] = Math.min(1, s);
    }
  }
  return out;
}

/**
 * The model input for a drawing ([C·H·W], channels first) and the H×W gray image it was made
 * from (0–1, what the model sees, before normalisation); null when nothing is drawn.
 */
export function drawingToInput(r: InkRaster, prep: DrawingPrep): { pixels: Float32Array; input: Float32Array } | null {
  const box = inkBounds(r);
  if (!box) return null;
  const { channels: c, height: h, width: w } = prep;
  const frame = prep.fill === null ? { x: 0, y: 0, w: r.width, h: r.height } : frameFor(box, r, w, h, prep.fill);
  const pixels = areaResample(r, frame, w, h);
  if (prep.invert) for (let p = 0; p < pixels.length; p++) pixels[p] = 1 - pixels[p];
  const input = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) {
    const shift = prep.stats ? prep.stats.shift[k] ?? 0 : 0;
    const scale = prep.stats ? prep.stats.scale[k] || 1 : 1;
    for (let p = 0; p < h * w; p++) input[k * h * w + p] = (pixels[p] - shift) / scale;
  }
  return { pixels, input };
}
