/**
 * CPU im2col / col2im for convolution via matmul, and max pooling. The inner loop walks one output row with
 * the valid x-range computed up front, so there is no bounds test per element.
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { BackendBuffer, KernelArgs } from '../types.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

/** Output columns ox whose input column ox*sw - pw + off lies in [0, w). */
function validRange(ow: number, sw: number, pw: number, off: number, w: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pw - off) / sw));
  const hi = Math.min(ow, Math.floor((w - 1 + pw - off) / sw) + 1);
  return [lo, Math.max(lo, hi)];
}

export function im2col(a: KernelArgs['im2col']): void {
  const X = d(a.x), O = d(a.out);
  const cols = a.oh * a.ow;
  for (let c = 0; c < a.c; c++)
    for (let ki = 0; ki < a.kh; ki++)
      for (let kj = 0; kj < a.kw; kj++) {
        const row = a.outOffset + ((c * a.kh + ki) * a.kw + kj) * cols;
        const xoff = kj * a.dw;
        const [lo, hi] = validRange(a.ow, a.sw, a.pw, xoff, a.w);
        for (let oy = 0; oy < a.oh; oy++) {
          const y = oy * a.sh - a.ph + ki * a.dh;
          const o = row + oy * a.ow;
          if (y < 0 || y >= a.h) { O.fill(0, o, o + a.ow); continue; }
          const xb = a.xOffset + (c * a.h + y) * a.w - a.pw + xoff;
          for (let ox = 0; ox < lo; ox++) O[o + ox] = 0;
          for (let ox = lo; ox < hi; ox++) O[o + ox] = X[xb + ox * a.sw];
          for (let ox = hi; ox < a.ow; ox++) O[o + ox] = 0;
        }
      }
}

export function col2im(a: KernelArgs['col2im']): void {
  const C = d(a.cols), O = d(a.out);
  const cols = a.oh * a.ow;
  for (let c = 0; c < a.c; c++)
    for (let ki = 0; ki < a.kh; ki++)
      for (let kj = 0; kj < a.kw; kj++) {
        const row = a.colsOffset + ((c * a.kh + ki) * a.kw + kj) * cols;
        const xoff = kj * a.dw;
        const [lo, hi] = validRange(a.ow, a.sw, a.pw, xoff, a.w);
        for (let oy = 0; oy < a.oh; oy++) {
          const y = oy * a.sh - a.ph + ki * a.dh;
          if (y < 0 || y >= a.h) continue;
          const o = row + oy * a.ow;
          const xb = a.outOffset + (c * a.h + y) * a.w - a.pw + xoff;
          for (let ox = lo; ox < hi; ox++) O[xb + ox * a.sw] += C[o + ox];
        }
      }
}

/** Pooling geometry of one [h, w] plane (the kernel's arguments less the buffers and the plane count). */
export type PoolGeometry = Omit<KernelArgs['maxPool2d'], 'x' | 'out' | 'argmax' | 'nc'>;

export function maxPool2d(a: KernelArgs['maxPool2d']): void {
  maxPoolPlanes(d(a.x), 0, d(a.out), 0, d(a.argmax), 0, a, 0, a.nc);
}

/**
 * Max pooling of planes [p0, p1) of X (from float xo) into O and the flat in-plane argmax AM
 * (from oo and ao), the in-bounds kernel window computed once per output position. Planes
 * are independent, so pool threads run ranges of them (spatialOps.ts) with the same results.
 */
export function maxPoolPlanes(X: TypedArray, xo: number, O: TypedArray, oo: number, AM: TypedArray, ao: number, g: PoolGeometry, p0: number, p1: number): void {
  const { h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = g;
  if (ph === 0 && pw === 0) return maxPoolUnpadded(X, xo, O, oo, AM, ao, g, p0, p1);
  for (let p = p0; p < p1; p++) {
    const xb = xo + p * h * w;
    let o = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = ox * sw - pw;
        let best = -Infinity, at = -1;
        for (let ki = 0; ki < kh; ki++) {
          const y = y0 + ki * dh;
          if (y < 0 || y >= h) continue;
          const row = y * w;
          for (let kj = 0; kj < kw; kj++) {
            const x = x0 + kj * dw;
            if (x < 0 || x >= w) continue;
            const v = X[xb + row + x];
            if (v > best || at < 0 || v !== v) { best = v; at = row + x; } // NaN wins (PyTorch)
          }
        }
        O[oo + o] = best;
        AM[ao + o] = at;
      }
    }
  }
}

/**
 * The common 2×2, stride-2 window, unrolled and branch-free: on random data `v > best` is a
 * coin toss, and the mispredicted jumps cost more than the loads (LeNet-5's first pooling
 * 1.77 → 0.75 ms in Node). The winner's index moves by `take · (i − at)` and its value is
 * read back from X, so ties keep the first element and the last NaN wins, as in the loop below.
 */
function maxPool2x2(X: TypedArray, xo: number, O: TypedArray, oo: number, AM: TypedArray, ao: number, g: PoolGeometry, p0: number, p1: number): void {
  const { h, w, oh, ow } = g;
  for (let p = p0, o = p0 * oh * ow; p < p1; p++) {
    const xb = xo + p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const r = 2 * oy * w;
      for (let ox = 0; ox < ow; ox++, o++) {
        const i0 = r + 2 * ox;
        let at = i0, best = X[xb + i0];
        let v = X[xb + i0 + 1], take = +(v > best) | +(v !== v);
        at += take;
        best = X[xb + at];
        v = X[xb + i0 + w];
        take = +(v > best) | +(v !== v);
        at += take * (i0 + w - at);
        best = X[xb + at];
        v = X[xb + i0 + w + 1];
        take = +(v > best) | +(v !== v);
        at += take * (i0 + w + 1 - at);
        O[oo + o] = X[xb + at];
        AM[ao + o] = at;
      }
    }
  }
}

/** Without padding every window lies inside the plane: no bounds tests at all. */
function maxPoolUnpadded(X: TypedArray, xo: number, O: TypedArray, oo: number, AM: TypedArray, ao: number, g: PoolGeometry, p0: number, p1: number): void {
  const { h, w, oh, ow, kh, kw, sh, sw, dh, dw } = g;
  if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1) return maxPool2x2(X, xo, O, oo, AM, ao, g, p0, p1);
  for (let p = p0, o = p0 * oh * ow; p < p1; p++) {
    const xb = xo + p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o++) {
        let at = oy * sh * w + ox * sw, best = X[xb + at];
        for (let ki = 0; ki < kh; ki++) {
          const row = (oy * sh + ki * dh) * w + ox * sw;
          for (let kj = 0; kj < kw; kj++) {
            const v = X[xb + row + kj * dw];
            if (v > best || v !== v) { best = v; at = row + kj * dw; }
          }
        }
        O[oo + o] = best;
        AM[ao + o] = at;
      }
    }
  }
}
