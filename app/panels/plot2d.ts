/**
 * Drawing for the 2-D plots (dataset preview and decision boundary), TensorFlow Playground
 * style: class colors orange / blue, the background tinted by the model's confidence, the
 * points on top. Plain canvas 2D; nothing here knows React. Drawing is cheap enough to
 * repeat every epoch while training: the boundary goes through one reused scratch canvas, and
 * the data points are rendered once per dataset and size into a cached layer. The plot has no
 * background of its own: the boundary is class colour with confidence as opacity over the
 * canvas' CSS background (--plot-bg), so the light theme's plots are light without a redraw.
 */
import type { Dataset2D } from '../../engine/data/builtin2d.ts';
import type { Boundary } from '../store/runSlice.ts';

export const CLASS_COLORS: [number, number, number][] = [
  [245, 147, 34], // orange
  [8, 119, 189], // blue
  [34, 170, 110],
  [200, 80, 190],
  [230, 200, 40],
];

const rgb = (c: [number, number, number]) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns CSS w, h. */
export function fitCanvas(canvas: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D } | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

/**
 * Boundary grid → RGBA pixels. Grid row 0 is the top of the plot (largest y) and column 0 is
 * x = xMin, as the engine samples it (engine/train/session.ts boundaryOf) — image order.
 */
export function boundaryPixels(b: Boundary): ImageData {
  const { resolution: r, classes: c, probs } = b;
  const img = new ImageData(r, r);
  for (let row = 0; row < r; row++) {
    for (let col = 0; col < r; col++) {
      const k = (row * r + col) * c;
      let best = 0;
      for (let j = 1; j < c; j++) if (probs[k + j] > probs[k + best]) best = j;
      const p = probs[k + best];
      const conf = Number.isFinite(p) ? Math.max(0, Math.min(1, (p - 1 / c) / (1 - 1 / c))) : 0;
      const a = 0.15 + 0.7 * conf;
      const col3 = CLASS_COLORS[best % CLASS_COLORS.length];
      const o = (row * r + col) * 4;
      for (let ch = 0; ch < 3; ch++) img.data[o + ch] = col3[ch];
      img.data[o + 3] = Math.round(255 * a);
    }
  }
  return img;
}

let scratch: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } | null = null;
const pointLayers = new WeakMap<Dataset2D, { key: string; canvas: HTMLCanvasElement }>();

/** The data points drawn once into an offscreen layer (per dataset, size, extent and radius). */
function pointsLayer(data: Dataset2D, w: number, h: number, extent: readonly number[], r: number): HTMLCanvasElement {
  const dpr = window.devicePixelRatio || 1;
  const key = `${w}x${h}@${dpr}:${extent.join(',')}:${r}`;
  const hit = pointLayers.get(data);
  if (hit && hit.key === key) return hit.canvas;
  const canvas = hit?.canvas ?? document.createElement('canvas');
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const [x0, x1, y0, y1] = extent as [number, number, number, number];
  const sx = (x: number) => ((x - x0) / (x1 - x0)) * w;
  const sy = (y: number) => h - ((y - y0) / (y1 - y0)) * h;
  ctx.lineWidth = 0.8;
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  const n = data.y.length;
  // One path per class: far fewer fill/stroke calls than one per point.
  for (let c = 0; c < Math.max(1, data.classes); c++) {
    ctx.fillStyle = rgb(CLASS_COLORS[c % CLASS_COLORS.length]);
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      if (data.y[i] !== c && !(data.classes <= 1 && c === 0)) continue;
      const px = sx(data.x[2 * i]);
      const py = sy(data.x[2 * i + 1]);
      ctx.moveTo(px + r, py);
      ctx.arc(px, py, r, 0, Math.PI * 2);
    }
    ctx.fill();
    ctx.stroke();
  }
  pointLayers.set(data, { key, canvas });
  return canvas;
}

export function drawPlot(canvas: HTMLCanvasElement, data: Dataset2D | null, boundary: Boundary | null, opts: { radius?: number } = {}): void {
  const fit = fitCanvas(canvas);
  if (!fit) return;
  const { w, h, ctx } = fit;
  ctx.clearRect(0, 0, w, h);
  const extent = boundary?.extent ?? data?.extent ?? [-6, 6, -6, 6];
  if (boundary && boundary.resolution > 0) {
    if (!scratch) {
      const c = document.createElement('canvas');
      scratch = { canvas: c, ctx: c.getContext('2d')! };
    }
    const tmp = scratch.canvas;
    if (tmp.width !== boundary.resolution) tmp.width = tmp.height = boundary.resolution;
    scratch.ctx.putImageData(boundaryPixels(boundary), 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(tmp, 0, 0, w, h);
  }
  // Axes through the origin, faint.
  const [x0, x1, y0, y1] = extent;
  const sx = (x: number) => ((x - x0) / (x1 - x0)) * w;
  const sy = (y: number) => h - ((y - y0) / (y1 - y0)) * h;
  ctx.strokeStyle = 'rgba(128,128,128,0.28)'; // faint on a dark or a light background
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(sx(0), 0);
  ctx.lineTo(sx(0), h);
  ctx.moveTo(0, sy(0));
  ctx.lineTo(w, sy(0));
  ctx.stroke();
  if (!data) return;
  ctx.drawImage(pointsLayer(data, w, h, extent, opts.radius ?? 2.5), 0, 0, w, h);
}
