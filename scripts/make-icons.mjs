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

/** Canvas with 4×4 supersampling: shapes are tested per subsample in 64×64 design units. */
function render(size) {
  const ss = 4;
  const px = new Float64Array(size * size * 4);
  const curves = [
    { color: hex('#7c8cff'), p: [[18, 20], [32, 20], [32, 44], [46, 44]] },
    { color: hex('#f5a524'), p: [[18, 44], [32, 44], [32, 20], [46, 20]] },
  ];
  const dots = [
    { c: [18, 20], color: hex('#2ec4b6') },
    { c: [18, 44], color: hex('#2ec4b6') },
    { c: [46, 20], color: hex('#5b9cf6') },
    { c: [46, 44], color: hex('#ef6fa8') },
  ];
  // Sample each bezier densely; a point is "on" a curve when it is within 2 units of a sample.
  const samples = curves.map(({ color, p }) => {
    const pts = [];
    for (let i = 0; i <= 400; i++) {
      const t = i / 400, u = 1 - t;
      pts.push([
        u * u * u * p[0][0] + 3 * u * u * t * p[1][0] + 3 * u * t * t * p[2][0] + t * t * t * p[3][0],
        u * u * u * p[0][1] + 3 * u * u * t * p[1][1] + 3 * u * t * t * p[2][1] + t * t * t * p[3][1],
      ]);
    }
    return { color, pts };
  });
  const inRoundedRect = (x, y) => {
    const r = 14;
    const cx = Math.min(Math.max(x, r), 64 - r), cy = Math.min(Math.max(y, r), 64 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= 0 && y >= 0 && x <= 64 && y <= 64;
  };
  for (let py = 0; py < size; py++) {
    for (let pxx = 0; pxx < size; pxx++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = ((pxx + (sx + 0.5) / ss) / size) * 64;
          const y = ((py + (sy + 0.5) / ss) / size) * 64;
          if (!inRoundedRect(x, y)) continue;
          let c = BG;
          for (const { color, pts } of samples) {
            if (pts.some(([qx, qy]) => (qx - x) ** 2 + (qy - y) ** 2 <= 4)) c = color;
          }
          for (const d of dots) if ((d.c[0] - x) ** 2 + (d.c[1] - y) ** 2 <= 36) c = d.color;
          acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255;
        }
      }
      const n = ss * ss, o = (py * size + pxx) * 4;
      const a = acc[3] / n;
      // Premultiplied average → straight alpha.
      px[o] = a ? acc[0] / (acc[3] / 255) : 0;
      px[o + 1] = a ? acc[1] / (acc[3] / 255) : 0;
      px[o + 2] = a ? acc[2] / (acc[3] / 255) : 0;
      px[o + 3] = a;
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
