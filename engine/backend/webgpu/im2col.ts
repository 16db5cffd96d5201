/**
 * Kernels behind layers: the convolution helpers im2col / col2im plus max pooling (the
 * optimizer kernels are in optim.ts). col2im is written as a gather (one
 * thread per image pixel summing the columns that cover it, in the reference's order) so it
 * needs no atomics.
 */
import type { KernelArgs } from '../types.ts';
import { PRELUDE, Params, bindings, kindOf, main1d } from './program.ts';
import type { Launch, Program } from './program.ts';

type Geometry = Pick<KernelArgs['im2col'], 'c' | 'h' | 'w' | 'kh' | 'kw' | 'oh' | 'ow' | 'sh' | 'sw' | 'ph' | 'pw' | 'dh' | 'dw'>;

/** Words 3..15: c h w kh kw oh ow sh sw ph pw dh dw (after count and two offsets). */
const GEOM = `let c_ = pu(3u); let h = i32(pu(4u)); let w = i32(pu(5u)); let kh = pu(6u); let kw = pu(7u);
  let oh = pu(8u); let ow = pu(9u); let sh = i32(pu(10u)); let sw = i32(pu(11u)); let ph = i32(pu(12u)); let pw = i32(pu(13u));
  let dh = i32(pu(14u)); let dw = i32(pu(15u));`;

function geomParams(count: number, off1: number, off2: number, g: Geometry): Params {
  return new Params().u(count, off1, off2, g.c, g.h, g.w, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw);
}

export function im2colLaunch(a: KernelArgs['im2col']): Launch {
  const k = kindOf(a.x.dtype);
  const count = a.c * a.kh * a.kw * a.oh * a.ow;
  const program: Program = {
    key: `im2col:${k}`,
    access: 'rw',
    source: () => PRELUDE + bindings('rw', ['xs', 'out'], [k, k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  ${GEOM}
  let cols = oh * ow;
  let col = gid % cols; let row = gid / cols;
  let kj = i32(row % kw); let ki = i32((row / kw) % kh); let c = row / (kw * kh);
  let y = i32(col / ow) * sh - ph + ki * dh; let x = i32(col % ow) * sw - pw + kj * dw;
  var v = ${k}(0);
  if (y >= 0 && y < h && x >= 0 && x < w) { v = xs[pu(1u) + (c * u32(h) + u32(y)) * u32(w) + u32(x)]; }
  out[pu(2u) + gid] = v;`),
  };
  return { program, bufs: [a.x, a.out], params: geomParams(count, a.xOffset, a.outOffset, a), threads: count };
}

export function col2imLaunch(a: KernelArgs['col2im']): Launch {
  const k = kindOf(a.out.dtype);
  const count = a.c * a.h * a.w;
  const program: Program = {
    key: `col2im:${k}`,
    access: 'rw',
    source: () => PRELUDE + bindings('rw', ['cols', 'out'], [k, k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  ${GEOM}
  let x = i32(gid % u32(w)); let y = i32((gid / u32(w)) % u32(h)); let c = gid / u32(w * h);
  let o = pu(2u) + gid;
  var acc = out[o];
  for (var ki = 0u; ki < kh; ki++) {
    let ty = y + ph - i32(ki) * dh;
    if (ty < 0 || ty % sh != 0 || ty / sh >= i32(oh)) { continue; }
    for (var kj = 0u; kj < kw; kj++) {
      let tx = x + pw - i32(kj) * dw;
      if (tx < 0 || tx % sw != 0 || tx / sw >= i32(ow)) { continue; }
      let row = (c * kh + ki) * kw + kj;
      acc += cols[pu(1u) + row * oh * ow + u32(ty / sh) * ow + u32(tx / sw)];
    }
  }
  out[o] = acc;`),
  };
  return { program, bufs: [a.cols, a.out], params: geomParams(count, a.colsOffset, a.outOffset, a), threads: count };
}

export function maxPool2dLaunch(a: KernelArgs['maxPool2d']): Launch {
  const k = kindOf(a.x.dtype);
  const count = a.nc * a.oh * a.ow;
  const program: Program = {
    key: `maxPool2d:${k}`,
    access: 'rww',
    source: () => PRELUDE + bindings('rww', ['xs', 'out', 'am'], [k, k, 'i32']) + main1d(`
  if (gid >= pu(0u)) { return; }
  ${GEOM}
  let ox = i32(gid % ow); let oy = i32((gid / ow) % oh); let p = gid / (ow * oh);
  var best = ${k === 'f32' ? '-inf_()' : 'i32(-2147483647 - 1)'}; var at = -1;
  for (var ki = 0; ki < i32(kh); ki++) {
    let y = oy * sh - ph + ki * dh;
    if (y < 0 || y >= h) { continue; }
    for (var kj = 0; kj < i32(kw); kj++) {
      let x = ox * sw - pw + kj * dw;
      if (x < 0 || x >= w) { continue; }
      let v = xs[(p * u32(h) + u32(y)) * u32(w) + u32(x)];
      if (v > best || at < 0${k === 'f32' ? ' || isnan_(v)' : ''}) { best = v; at = y * w + x; }
    }
  }
  out[gid] = best;
  am[gid] = at;`),
  };
  const g = geomParams(count, 0, 0, { ...a, c: a.nc });
  return { program, bufs: [a.x, a.out, a.argmax], params: g, threads: count };
}
