/**
 * Canvas drawings of the Evaluate view: one input sample as an image (values as the model
 * sees them, normalised, so each sample is stretched back to 0–255 over its own range), and
 * a predicted-vs-true scatter plot for regression with the y = x line of a perfect model.
 */
import { css } from './chart.ts';

/** Draws a [C, H, W] sample (C = 1 or 3) at its own size; CSS scales the canvas. */
export function drawSample(c: HTMLCanvasElement, x: Float32Array, [ch, h, w]: [number, number, number]): void {
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d');
  if (!ctx) return;
  let lo = Infinity, hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const img = ctx.createImageData(w, h);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) img.data[i * 4 + k] = Math.round(((x[(ch === 3 ? k : 0) * plane + i]! - lo) / span) * 255);
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Predicted (y) against true (x) values, with the diagonal; `size` in CSS pixels. */
export function drawScatter(c: HTMLCanvasElement, pts: { true: number[]; predicted: number[] }, size: number): void {
  const dpr = window.devicePixelRatio || 1;
  c.width = size * dpr;
  c.height = size * dpr;
  c.style.width = `${size}px`;
  c.style.height = `${size}px`;
  const ctx = c.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  const all = [...pts.true, ...pts.predicted].filter(Number.isFinite);
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = 28;
  const at = (v: number) => pad + ((v - lo) / (hi - lo)) * (size - pad - 8);
  ctx.clearRect(0, 0, size, size);
  ctx.strokeStyle = css('--border', '#444');
  ctx.strokeRect(pad, 8, size - pad - 8, size - pad - 8);
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(at(lo), size - at(lo));
  ctx.lineTo(at(hi), size - at(hi));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = css('--acc', '#38bdf8');
  for (let i = 0; i < pts.true.length; i++) {
    const tx = pts.true[i]!, py = pts.predicted[i]!;
    if (!Number.isFinite(tx) || !Number.isFinite(py)) continue;
    ctx.fillRect(at(tx) - 1.5, size - at(py) - 1.5, 3, 3);
  }
  ctx.fillStyle = css('--text-muted', '#999');
  ctx.font = '10px sans-serif';
  ctx.fillText(lo.toPrecision(3), pad, size - 6);
  ctx.fillText(hi.toPrecision(3), size - 40, size - 6);
  ctx.fillText('true →', size / 2 - 14, size - 6);
  ctx.save();
  ctx.translate(10, size / 2 + 20);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('predicted →', 0, 0);
  ctx.restore();
}
