/**
 * Drawing for the histogram card: one epoch's histogram as bars, and the heat strip of a
 * parameter over epochs (x = value, y = epoch, shade = share of the epoch's values), so a
 * drifting, collapsing or exploding distribution shows at a glance. Plain canvas 2D, nothing
 * here knows React; the card calls these at most once per animation frame.
 *
 * Each epoch's histogram has its own [lo, hi] (the engine bins over that epoch's min..max),
 * so the strip re-bins every epoch onto one common value axis first (`rebin`, pure and
 * tested): a source bin's count is spread over the target bins it overlaps, in proportion.
 */
import type { ValueHistogram } from '../../workers/api.ts';
import { fitCanvas } from './plot2d.ts';

/**
 * Counts over [lo, hi] in equal bins, re-binned onto `bins` equal bins over [tLo, tHi]; each
 * source bin's count is spread uniformly over its width (parts outside [tLo, tHi] are dropped).
 */
export function rebin(counts: ArrayLike<number>, lo: number, hi: number, tLo: number, tHi: number, bins: number): Float64Array {
  const out = new Float64Array(bins);
  const n = counts.length;
  if (n === 0 || !(hi > lo) || !(tHi > tLo)) return out;
  const w = (hi - lo) / n;
  const tw = (tHi - tLo) / bins;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const a = lo + i * w, b = a + w;
    const first = Math.max(0, Math.floor((a - tLo) / tw));
    const last = Math.min(bins - 1, Math.floor((b - tLo) / tw));
    for (let j = first; j <= last; j++) {
      const overlap = Math.min(b, tLo + (j + 1) * tw) - Math.max(a, tLo + j * tw);
      if (overlap > 0) out[j]! += (c * overlap) / w;
    }
  }
  return out;
}

/** The value range every histogram in the list covers (null when none has a finite value). */
export function commonRange(hs: readonly (ValueHistogram | null)[]): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const h of hs) {
    if (!h || h.count === 0) continue;
    lo = Math.min(lo, h.lo);
    hi = Math.max(hi, h.hi);
  }
  return hi > lo ? [lo, hi] : null;
}

/** A number in few characters: 3 significant digits, exponent form when tiny or huge. */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  return s.replace('-', '−');
}

export interface PlotColors {
  /** The bars' / shades' colour as [r, g, b]. */
  fill: [number, number, number];
  /** Axis labels and the zero line. */
  text: string;
}

/** '#rgb', '#rrggbb' or 'rgb(r, g, b)' → [r, g, b] (fallback when unreadable). */
export function parseColor(s: string, fallback: [number, number, number]): [number, number, number] {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s.trim());
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  const m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : fallback;
}

const LABEL_BAND = 13;
const rgba = (c: [number, number, number], a: number) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

function valueLabels(ctx: CanvasRenderingContext2D, lo: number, hi: number, x0: number, x1: number, y: number, text: string): void {
  ctx.fillStyle = text;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillText(fmtValue(lo), x0, y);
  ctx.textAlign = 'right';
  ctx.fillText(fmtValue(hi), x1, y);
  if (lo < 0 && hi > 0) {
    ctx.textAlign = 'center';
    const xz = x0 + ((0 - lo) / (hi - lo)) * (x1 - x0);
    if (xz - x0 > 24 && x1 - xz > 24) ctx.fillText('0', xz, y);
  }
}

function zeroLine(ctx: CanvasRenderingContext2D, lo: number, hi: number, x0: number, x1: number, top: number, bottom: number, text: string): void {
  if (!(lo < 0 && hi > 0)) return;
  const x = Math.round(x0 + ((0 - lo) / (hi - lo)) * (x1 - x0)) + 0.5;
  ctx.strokeStyle = text;
  ctx.globalAlpha = 0.5;
  ctx.setLineDash([2, 2]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

/** One histogram as bars over its own [lo, hi], value labels underneath. */
export function drawHistogram(canvas: HTMLCanvasElement, h: ValueHistogram | null, colors: PlotColors): void {
  const fit = fitCanvas(canvas);
  if (!fit) return;
  const { w, h: height, ctx } = fit;
  ctx.clearRect(0, 0, w, height);
  const plotH = height - LABEL_BAND - 2;
  if (!h || h.count === 0) {
    ctx.fillStyle = colors.text;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(h ? 'no finite values' : 'no gradient', w / 2, plotH / 2);
    return;
  }
  const n = h.counts.length;
  const max = Math.max(1, ...h.counts);
  const bw = w / n;
  const gap = bw > 4 ? 1 : 0;
  ctx.fillStyle = rgba(colors.fill, 0.85);
  for (let i = 0; i < n; i++) {
    const c = h.counts[i]!;
    if (c === 0) continue;
    // At least 1 px, so a lone value among thousands stays visible.
    const bh = Math.max(1, (c / max) * (plotH - 2));
    ctx.fillRect(i * bw, plotH - bh, Math.max(1, bw - gap), bh);
  }
  zeroLine(ctx, h.lo, h.hi, 0, w, 0, plotH, colors.text);
  valueLabels(ctx, h.lo, h.hi, 0, w, height, colors.text);
}

let scratch: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } | null = null;

/**
 * The heat strip: one row per kept epoch (oldest at the top), columns over the common value
 * range; each row shaded by its own largest count (sqrt, so thin tails still show).
 */
export function drawStrip(canvas: HTMLCanvasElement, series: readonly (ValueHistogram | null)[], colors: PlotColors): void {
  const fit = fitCanvas(canvas);
  if (!fit) return;
  const { w, h: height, ctx } = fit;
  ctx.clearRect(0, 0, w, height);
  const range = commonRange(series);
  const plotH = height - LABEL_BAND - 2;
  if (!range || series.length === 0) return;
  const [lo, hi] = range;
  const cols = Math.max(8, Math.min(160, Math.floor(w / 2)));
  const rows = series.length;
  if (!scratch) {
    const c = document.createElement('canvas');
    scratch = { canvas: c, ctx: c.getContext('2d')! };
  }
  if (scratch.canvas.width < cols || scratch.canvas.height < rows) {
    scratch.canvas.width = Math.max(cols, scratch.canvas.width);
    scratch.canvas.height = Math.max(rows, scratch.canvas.height);
  }
  const img = scratch.ctx.createImageData(cols, rows);
  series.forEach((s, r) => {
    if (!s || s.count === 0) return;
    const row = rebin(s.counts, s.lo, s.hi, lo, hi, cols);
    let max = 0;
    for (const v of row) max = Math.max(max, v);
    if (max <= 0) return;
    for (let c = 0; c < cols; c++) {
      const o = (r * cols + c) * 4;
      img.data[o] = colors.fill[0];
      img.data[o + 1] = colors.fill[1];
      img.data[o + 2] = colors.fill[2];
      img.data[o + 3] = Math.round(255 * Math.sqrt(row[c]! / max));
    }
  });
  scratch.ctx.clearRect(0, 0, cols, rows);
  scratch.ctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch.canvas, 0, 0, cols, rows, 0, 0, w, plotH);
  zeroLine(ctx, lo, hi, 0, w, 0, plotH, colors.text);
  valueLabels(ctx, lo, hi, 0, w, height, colors.text);
}
