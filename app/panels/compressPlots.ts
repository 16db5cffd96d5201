/**
 * The Compress view's drawings, plain canvas 2D: the size-vs-accuracy scatter of the report
 * (x: the weight file gzipped, on a log scale since variants differ by factors; y: accuracy,
 * or loss for regression; each point named) and the live loss curves of the variants that
 * train (fine-tuning after pruning, distillation), one colour per variant.
 */
import type { VariantReport } from '../../workers/api.ts';
import type { CompressCurve } from '../store/compressSlice.ts';
import { RUN_COLORS, css } from './chart.ts';
import { fitCanvas } from './plot2d.ts';

const PAD = { l: 48, r: 12, t: 10, b: 30 };

function frame(ctx: CanvasRenderingContext2D, w: number, h: number, xLabel: string, yLabel: string): void {
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = css('--grid', 'rgba(127,127,127,0.3)');
  ctx.strokeRect(PAD.l, PAD.t, w - PAD.l - PAD.r, h - PAD.t - PAD.b);
  ctx.fillStyle = css('--text-muted', '#9aa3b2');
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(xLabel, PAD.l + (w - PAD.l - PAD.r) / 2, h - 4);
  ctx.save();
  ctx.translate(11, PAD.t + (h - PAD.t - PAD.b) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** [lo, hi] padded so single values and flat series still get an axis. */
function range(v: number[], pad = 0.08): [number, number] {
  let lo = Math.min(...v), hi = Math.max(...v);
  if (!(hi > lo)) [lo, hi] = [lo - Math.abs(lo || 1) * 0.05, hi + Math.abs(hi || 1) * 0.05];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

const score = (r: VariantReport) => (r.accuracy !== undefined ? r.accuracy * 100 : r.loss);

export function drawSizeAccuracy(canvas: HTMLCanvasElement, rows: VariantReport[]): void {
  const f = fitCanvas(canvas);
  if (!f || rows.length === 0) return;
  const { ctx, w, h } = f;
  const acc = rows[0]!.accuracy !== undefined;
  frame(ctx, w, h, 'weights gzipped (kB, log scale)', acc ? 'accuracy (%)' : 'loss');
  const xs = rows.map((r) => Math.log10(Math.max(1, r.file.gzipBytes / 1000)));
  const [x0, x1] = range(xs, 0.15), [y0, y1] = range(rows.map(score), 0.15);
  const px = (v: number) => PAD.l + ((v - x0) / (x1 - x0)) * (w - PAD.l - PAD.r);
  const py = (v: number) => h - PAD.b - ((v - y0) / (y1 - y0)) * (h - PAD.t - PAD.b);
  ctx.textAlign = 'left';
  ctx.fillStyle = css('--text-muted', '#9aa3b2');
  ctx.fillText(`${y1.toFixed(acc ? 1 : 3)}`, 4, PAD.t + 10);
  ctx.fillText(`${y0.toFixed(acc ? 1 : 3)}`, 4, h - PAD.b);
  rows.forEach((r, i) => {
    const x = px(xs[i]!), y = py(score(r));
    ctx.fillStyle = RUN_COLORS[i % RUN_COLORS.length]!;
    ctx.beginPath();
    ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = css('--text', '#e6e9ef');
    ctx.textAlign = x > w - 110 ? 'right' : 'left';
    ctx.fillText(`${r.name} (${(r.file.gzipBytes / 1000).toFixed(1)} kB)`, x + (ctx.textAlign === 'right' ? -8 : 8), y - 6);
  });
}

export function drawCurves(canvas: HTMLCanvasElement, curves: Record<string, CompressCurve>): void {
  const f = fitCanvas(canvas);
  if (!f) return;
  const { ctx, w, h } = f;
  frame(ctx, w, h, 'step', 'training loss');
  const named = Object.entries(curves).filter(([, c]) => c.loss.length > 0);
  if (named.length === 0) return;
  const [x0, x1] = range([0, ...named.map(([, c]) => Math.max(c.totalSteps, c.steps.at(-1)!))], 0);
  const [y0, y1] = range(named.flatMap(([, c]) => c.loss.filter(Number.isFinite)));
  const px = (v: number) => PAD.l + ((v - x0) / (x1 - x0)) * (w - PAD.l - PAD.r);
  const py = (v: number) => h - PAD.b - ((v - y0) / (y1 - y0)) * (h - PAD.t - PAD.b);
  named.forEach(([name, c], i) => {
    const color = RUN_COLORS[(i + 1) % RUN_COLORS.length]!;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    c.steps.forEach((s, k) => (k ? ctx.lineTo(px(s), py(c.loss[k]!)) : ctx.moveTo(px(s), py(c.loss[k]!))));
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.textAlign = 'right';
    ctx.fillText(name, w - PAD.r - 4, PAD.t + 12 + 13 * i);
  });
}
