/**
 * Small canvas drawings for the data panel: image thumbnails (gray or RGB bytes, or 0–1
 * floats), a grid of samples, and a bar chart of counts.
 */
const BAR_COLORS = ['#5b9cf6', '#f2a541', '#3ecf8e', '#ef6fa8', '#a88bfa', '#2ec4b6', '#f47272', '#c6d35c'];

/** Draws one image (HWC bytes or CHW 0–1 floats) into a w×h canvas region. */
export function putImage(ctx: CanvasRenderingContext2D, img: { width: number; height: number; channels: number; bytes?: Uint8Array; chw?: Float32Array }, x: number, y: number, size: number): void {
  const { width, height, channels } = img;
  const data = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const k = channels === 1 ? 0 : c;
      const v = img.bytes ? img.bytes[p * channels + k] : Math.round(Math.max(0, Math.min(1, img.chw![k * width * height + p])) * 255);
      data.data[p * 4 + c] = v;
    }
    data.data[p * 4 + 3] = 255;
  }
  const tmp = new OffscreenCanvas(width, height);
  tmp.getContext('2d')!.putImageData(data, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, x, y, size, size);
}

/** Sizes a canvas to its CSS box (device pixels) and returns its context and CSS size. */
export function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** Horizontal bars: one per value with its count. */
export function drawBars(canvas: HTMLCanvasElement, bars: { value: string; count: number }[]): void {
  const p = prepare(canvas);
  if (!p) return;
  const { ctx, w, h } = p;
  const shown = bars.slice(0, 12);
  const max = Math.max(1, ...shown.map((b) => b.count));
  const row = Math.min(16, h / Math.max(1, shown.length));
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  shown.forEach((b, i) => {
    const y = i * row;
    const label = b.value.length > 10 ? `${b.value.slice(0, 9)}…` : b.value;
    ctx.fillStyle = '#8e97a7';
    ctx.fillText(label, 0, y + row / 2);
    ctx.fillStyle = BAR_COLORS[i % BAR_COLORS.length];
    const bw = ((w - 90) * b.count) / max;
    ctx.fillRect(60, y + 2, Math.max(1, bw), row - 4);
    ctx.fillStyle = '#e5e8ee';
    ctx.fillText(String(b.count), 64 + bw, y + row / 2);
  });
}

/** A grid of images (square thumbnails). */
export function drawGrid(canvas: HTMLCanvasElement, images: { width: number; height: number; channels: number; bytes?: Uint8Array; chw?: Float32Array }[], cols: number): void {
  const p = prepare(canvas);
  if (!p) return;
  const { ctx, w } = p;
  const size = Math.floor(w / cols) - 2;
  images.forEach((img, i) => putImage(ctx, img, (i % cols) * (size + 2), Math.floor(i / cols) * (size + 2), size));
}
