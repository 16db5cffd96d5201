/**
 * Byte builders for data tests and demos: NPY arrays, IDX files and ZIPs of PNG class
 * folders, written from scratch so the parsers are checked against the formats' specs, not
 * against themselves. Pure (fflate only).
 */
import { strToU8, zipSync } from 'fflate';
import { encodePng } from './png.ts';

/** An NPY v1 file: dtype like '<f4', '<i8', '|u1', '>f8'. */
export function npyBytes(values: ArrayLike<number>, shape: number[], dtype = '<f4', fortran = false): Uint8Array {
  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const m = /^([<>|=])([fiub])(\d+)$/.exec(dtype);
  const size = m ? Number(m[3]) : 4;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  out.set(strToU8(header), 10);
  const le = !m || m[1] !== '>';
  const t = m?.[2] ?? 'f';
  let p = 10 + header.length;
  for (let i = 0; i < values.length; i++, p += size) {
    const v = values[i];
    if (t === 'f' && size === 8) dv.setFloat64(p, v, le);
    else if (t === 'f') dv.setFloat32(p, v, le);
    else if (size === 1) dv.setUint8(p, v & 255);
    else if (size === 2) dv.setInt16(p, v, le);
    else if (size === 4) dv.setInt32(p, v, le);
    else dv.setBigInt64(p, BigInt(Math.trunc(v)), le);
  }
  return out;
}

/** An IDX file (uint8 values). */
export function idxBytes(values: ArrayLike<number>, shape: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + values.length);
  out[2] = 0x08;
  out[3] = shape.length;
  const dv = new DataView(out.buffer);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(values, (v) => v & 255), 4 + 4 * shape.length);
  return out;
}

/**
 * A ZIP of PNGs in one folder per class: class k draws a bright square in quadrant k
 * (k < 4) on a dark noisy background, so classes are easy to tell apart.
 */
export function classZip(perClass: number, classes = 3, side = 16, seed = 1): Uint8Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const files: Record<string, Uint8Array> = {};
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const px = new Uint8Array(side * side * 3);
      const h = side / 2;
      const ox = (k % 2) * h, oy = (Math.floor(k / 2) % 2) * h;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const inside = x >= ox + 1 && x < ox + h - 1 && y >= oy + 1 && y < oy + h - 1;
          const v = inside ? 200 + rand() * 55 : rand() * 60;
          const p = (y * side + x) * 3;
          px[p] = v;
          px[p + 1] = k === 1 ? v * 0.5 : v;
          px[p + 2] = v;
        }
      }
      files[`shapes/class_${k}/img_${i}.png`] = encodePng(side, side, px, 3);
    }
  }
  return zipSync(files, { level: 1 });
}
