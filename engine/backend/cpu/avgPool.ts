/**
 * Average pooling on the CPU (the optional `avgPool2d` kernels, backend/types.ts): each
 * window's in-bounds sum in float64, divided once; the gradient spreads each dy over its
 * window. Both run over ranges of planes (pool threads take ranges, spatialOps.ts), each
 * plane written by one loop in a fixed order, so the thread count never changes a result.
 * Dilation is always 1 (torch.nn.AvgPool2d has none).
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { AvgPoolArgs, BackendBuffer, OptionalKernelArgs } from '../types.ts';

export type AvgPoolGeometry = Omit<AvgPoolArgs, 'nc'>;

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

/** Window (oy, ox)'s in-bounds rows [y0, y1), columns [x0, x1) and divisor, written into `at`. */
function span(g: AvgPoolGeometry, oy: number, ox: number, at: Int32Array): number {
  const ys = oy * g.sh - g.ph, xs = ox * g.sw - g.pw;
  at[0] = Math.max(ys, 0); at[1] = Math.min(ys + g.kh, g.h);
  at[2] = Math.max(xs, 0); at[3] = Math.min(xs + g.kw, g.w);
  // Without ceil mode every window lies inside the padded image: kh·kw counting the padding.
  return g.countIncludePad ? g.kh * g.kw : (at[1] - at[0]) * (at[3] - at[2]);
}

/** The common 2×2, stride-2, unpadded window (LeNet's): same sums in the same order as the general loop, without its bounds. */
const isTwoByTwo = (g: AvgPoolGeometry): boolean => g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.ph === 0 && g.pw === 0;

/** Average pooling of planes [p0, p1) of X (from float xo) into O (from oo). */
export function avgPoolPlanes(X: TypedArray, xo: number, O: TypedArray, oo: number, g: AvgPoolGeometry, p0: number, p1: number): void {
  const { h, w, oh, ow } = g, at = new Int32Array(4);
  if (isTwoByTwo(g)) {
    for (let p = p0, o = oo + p0 * oh * ow; p < p1; p++) {
      for (let oy = 0; oy < oh; oy++) {
        const r0 = xo + p * h * w + 2 * oy * w, r1 = r0 + w;
        for (let ox = 0, x = 0; ox < ow; ox++, x += 2) O[o++] = (X[r0 + x] + X[r0 + x + 1] + X[r1 + x] + X[r1 + x + 1]) / 4;
      }
    }
    return;
  }
  for (let p = p0; p < p1; p++) {
    const xb = xo + p * h * w;
    let o = oo + p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o++) {
        const div = span(g, oy, ox, at), x0 = at[2], x1 = at[3];
        let s = 0;
        for (let y = at[0]; y < at[1]; y++) {
          const r = xb + y * w;
          for (let x = x0; x < x1; x++) s += X[r + x];
        }
        O[o] = s / div;
      }
    }
  }
}

/** The gradient of planes [p0, p1): O (from oo, h·w per plane) zeroed, then each dy of G (from go) over its divisor added to its window. */
export function avgPoolGradPlanes(G: TypedArray, go: number, O: TypedArray, oo: number, g: AvgPoolGeometry, p0: number, p1: number): void {
  const { h, w, oh, ow } = g, at = new Int32Array(4);
  if (isTwoByTwo(g)) {
    for (let p = p0, i = go + p0 * oh * ow; p < p1; p++) {
      const ob = oo + p * h * w;
      // An odd last row or column is in no window.
      if (2 * oh !== h || 2 * ow !== w) O.fill(0, ob, ob + h * w);
      for (let oy = 0; oy < oh; oy++) {
        const r0 = ob + 2 * oy * w, r1 = r0 + w;
        for (let ox = 0, x = 0; ox < ow; ox++, x += 2) {
          const v = G[i++] / 4;
          O[r0 + x] = v; O[r0 + x + 1] = v; O[r1 + x] = v; O[r1 + x + 1] = v;
        }
      }
    }
    return;
  }
  for (let p = p0; p < p1; p++) {
    const ob = oo + p * h * w;
    O.fill(0, ob, ob + h * w);
    let i = go + p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, i++) {
        const v = G[i] / span(g, oy, ox, at), x0 = at[2], x1 = at[3];
        for (let y = at[0]; y < at[1]; y++) {
          const r = ob + y * w;
          for (let x = x0; x < x1; x++) O[r + x] += v;
        }
      }
    }
  }
}

/** One-thread kernels (any float dtype; threadedSpatial.ts splits float32 ones in the shared memory). */
export function avgPool2d(a: OptionalKernelArgs['avgPool2d']): void {
  avgPoolPlanes(d(a.x), 0, d(a.out), 0, a, 0, a.nc);
}

export function avgPool2dGrad(a: OptionalKernelArgs['avgPool2dGrad']): void {
  avgPoolGradPlanes(d(a.dy), 0, d(a.out), 0, a, 0, a.nc);
}
