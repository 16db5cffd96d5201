/**
 * Reference versions of the optional kernels (backend/types.ts OptionalKernelArgs): the
 * direct convolution and its weight gradient as plain loop nests over every output and
 * tap, average pooling and its gradient window by window, the fused cross-entropy pair row by row, and the linear layer's product plus bias.
 * Like kernels.ts: obvious, not fast.
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { BackendBuffer, OptionalKernelArgs } from '../types.ts';
import { REFERENCE_KERNELS, rowExpSum } from './kernels.ts';
import { hostLossScaling, splitAdam, splitSgd } from '../multi.ts';

type Kernels = { [K in keyof OptionalKernelArgs]: (a: OptionalKernelArgs[K]) => void };
const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;

export const REFERENCE_OPTIONAL: Kernels = {
  conv2d(a) {
    const X = d(a.x), W = d(a.weight), B = a.bias ? d(a.bias) : null, O = d(a.out);
    const oh = a.h + 2 * a.ph - a.dh * (a.kh - 1), ow = a.w + 2 * a.pw - a.dw * (a.kw - 1);
    for (let n = 0; n < a.n; n++)
      for (let o = 0; o < a.o; o++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) {
            let s = B ? B[o] : 0;
            for (let c = 0; c < a.c; c++)
              for (let ki = 0; ki < a.kh; ki++)
                for (let kj = 0; kj < a.kw; kj++) {
                  const y = oy - a.ph + ki * a.dh, x = ox - a.pw + kj * a.dw;
                  if (y < 0 || y >= a.h || x < 0 || x >= a.w) continue;
                  s += X[((n * a.c + c) * a.h + y) * a.w + x] * W[((o * a.c + c) * a.kh + ki) * a.kw + kj];
                }
            O[((n * a.o + o) * oh + oy) * ow + ox] = s;
          }
  },
  conv2dWeightGrad(a) {
    const X = d(a.x), G = d(a.dy), O = d(a.out);
    const oh = a.h + 2 * a.ph - a.dh * (a.kh - 1), ow = a.w + 2 * a.pw - a.dw * (a.kw - 1);
    for (let o = 0; o < a.o; o++)
      for (let c = 0; c < a.c; c++)
        for (let ki = 0; ki < a.kh; ki++)
          for (let kj = 0; kj < a.kw; kj++) {
            let s = 0;
            for (let n = 0; n < a.n; n++)
              for (let oy = 0; oy < oh; oy++)
                for (let ox = 0; ox < ow; ox++) {
                  const y = oy - a.ph + ki * a.dh, x = ox - a.pw + kj * a.dw;
                  if (y < 0 || y >= a.h || x < 0 || x >= a.w) continue;
                  s += G[((n * a.o + o) * oh + oy) * ow + ox] * X[((n * a.c + c) * a.h + y) * a.w + x];
                }
            O[((o * a.c + c) * a.kh + ki) * a.kw + kj] = s;
          }
  },
  avgPool2d(a) {
    const X = d(a.x), O = d(a.out);
    for (let p = 0; p < a.nc; p++)
      for (let oy = 0; oy < a.oh; oy++)
        for (let ox = 0; ox < a.ow; ox++) {
          let s = 0, count = 0;
          for (let ki = 0; ki < a.kh; ki++)
            for (let kj = 0; kj < a.kw; kj++) {
              const y = oy * a.sh - a.ph + ki, x = ox * a.sw - a.pw + kj;
              if (y < 0 || y >= a.h || x < 0 || x >= a.w) continue;
              s += X[(p * a.h + y) * a.w + x];
              count++;
            }
          O[(p * a.oh + oy) * a.ow + ox] = s / (a.countIncludePad ? a.kh * a.kw : count);
        }
  },
  avgPool2dGrad(a) {
    const G = d(a.dy), O = d(a.out);
    O.fill(0);
    for (let p = 0; p < a.nc; p++)
      for (let oy = 0; oy < a.oh; oy++)
        for (let ox = 0; ox < a.ow; ox++) {
          const inside = (ki: number, kj: number) => {
            const y = oy * a.sh - a.ph + ki, x = ox * a.sw - a.pw + kj;
            return y >= 0 && y < a.h && x >= 0 && x < a.w ? (p * a.h + y) * a.w + x : -1;
          };
          let count = 0;
          for (let ki = 0; ki < a.kh; ki++) for (let kj = 0; kj < a.kw; kj++) if (inside(ki, kj) >= 0) count++;
          const g = G[(p * a.oh + oy) * a.ow + ox] / (a.countIncludePad ? a.kh * a.kw : count);
          for (let ki = 0; ki < a.kh; ki++)
            for (let kj = 0; kj < a.kw; kj++) {
              const at = inside(ki, kj);
              if (at >= 0) O[at] += g;
            }
        }
  },
  linear({ x, weight, bias, out, m, k, n }) {
    const X = d(x), W = d(weight), B = bias ? d(bias) : null, O = d(out);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += X[i * k + p] * W[j * k + p];
        O[i * n + j] = B ? s + B[j] : s;
      }
  },
  crossEntropy({ logits, target, out, outer, n, inner }) {
    const X = d(logits), T = d(target), O = d(out);
    for (let p = 0; p < outer; p++)
      for (let q = 0; q < inner; q++) {
        const at = (r: number) => (p * n + r) * inner + q;
        const { mx, s } = rowExpSum(X, at, n);
        O[p * inner + q] = mx + Math.log(s) - X[at(T[p * inner + q])];
      }
  },
  crossEntropyGrad({ logits, target, grad, out, outer, n, inner }) {
    const X = d(logits), T = d(target), G = d(grad), O = d(out);
    for (let p = 0; p < outer; p++)
      for (let q = 0; q < inner; q++) {
        const at = (r: number) => (p * n + r) * inner + q;
        const { mx, s } = rowExpSum(X, at, n);
        const g = G[p * inner + q], t = T[p * inner + q];
        for (let r = 0; r < n; r++) O[at(r)] = g * (Math.exp(X[at(r)] - mx) / s - (r === t ? 1 : 0));
      }
  },
  adamMulti(a) {
    for (const t of splitAdam(a)) REFERENCE_KERNELS.adam(t);
  },
  sgdMulti(a) {
    for (const t of splitSgd(a)) REFERENCE_KERNELS.sgd(t);
  },
  ...hostLossScaling(d),
};
