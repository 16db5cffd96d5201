/**
 * Renders the PWA icons (public/icon-192.png, public/icon-512.png) with Node built-ins only:
 * a tiny rasterizer for the same picture as public/favicon.svg (rounded square, two crossing
 * curves, four nodes), encoded as PNG with zlib. Run: node scripts/make-icons.mjs
 */
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const BG = hex('#14161b');

/**
 * Paints the picture at 4×4 supersampling (shapes stamped into a subsample-resolution layer in
 * 64×64 design units, later ones on top), then averages down to `size` pixels.
 */
function render(size) {
  const ss = 4;
  const W = size * ss;
  const unit = W / 64; // subsamples per design unit
  const layer = new Int16Array(W * W).fill(-1); // index into colors, -1: outside
  const colors = [BG];
  const paint = (color, inside, [x0, y0, x1, y1]) => {
    const c = colors.push(color) - 1;
    for (let y = Math.max(0, Math.floor(y0 * unit)); y < Math.min(W, Math.ceil(y1 * unit)); y++) {
      for (let x = Math.max(0, Math.floor(x0 * unit)); x < Math.min(W, Math.ceil(x1 * unit)); x++) {
        if (inside((x + 0.5) / unit, (y + 0.5) / unit)) layer[y * W + x] = c;
      }
    }
  };
  // Rounded square background.
  const r = 14;
  paint(BG, (x, y) => {
    const cx = Math.min(Math.max(x, r), 64 - r), cy = Math.min(Math.max(y, r), 64 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  }, [0, 0, 64, 64]);
  // Two crossing cubic curves, 4 units wide: stamp discs along them.
  const curve = (color, p) => {
    const c = colors.push(color) - 1;
    const rad = 2 * unit;
    for (let i = 0; i <= 600; i++) {
      const t = i / 600, u = 1 - t;
      const px = (u * u * u * p[0][0] + 3 * u * u * t * p[1][0] + 3 * u * t * t * p[2][0] + t * t * t * p[3][0]) * unit;
      const py = (u * u * u * p[0][1] + 3 * u * u * t * p[1][1] + 3 * u * t * t * p[2][1] + t * t * t * p[3][1]) * unit;
      for (let y = Math.floor(py - rad); y <= Math.ceil(py + rad); y++) {
        for (let x = Math.floor(px - rad); x <= Math.ceil(px + rad); x++) {
          if (x >= 0 && y >= 0 && x < W && y < W && (x + 0.5 - px) ** 2 + (y + 0.5 - py) ** 2 <= rad * rad) layer[y * W + x] = c;
        }
      }
    }
  };
  curve(hex('#7c8cff'), [[18, 20], [32, 20], [32, 44], [46, 44]]);
  curve(hex('#f5a524'), [[18, 44], [32, 44], [32, 20], [46, 20]]);
  for (const [cx, cy, color] of [[18, 20, '#2ec4b6'], [18, 44, '#2ec4b6'], [46, 20, '#5b9cf6'], [46, 44, '#ef6fa8']]) {
    paint(hex(color), (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= 36, [cx - 6, cy - 6, cx + 6, cy + 6]);
  }
  const px = new Float64Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxx = 0; pxx < size; pxx++) {
      let rr = 0, gg = 0, bb = 0, n = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = layer[(py * ss + sy) * W + pxx * ss + sx];
          if (c < 0) continue;
          rr += colors[c][0]; gg += colors[c][1]; bb += colors[c][2]; n++;
        }
      }
      const o = (py * size + pxx) * 4;
      if (n) {
        px[o] = rr / n; px[o + 1] = gg / n; px[o + 2] = bb / n;
      }
      px[o + 3] = (255 * n) / (ss * ss);
    }
  }
  return px;
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function encodePng(size, rgba) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let i = 0; i < size * 4; i++) raw[y * (size * 4 + 1) + 1 + i] = Math.round(rgba[y * size * 4 + i]);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const size of [192, 512]) {
    const out = fileURLToPath(new URL(`../public/icon-${size}.png`, import.meta.url));
    writeFileSync(out, encodePng(size, render(size)));
    console.log(`wrote ${out}`);
  }
}
