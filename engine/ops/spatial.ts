/**
 * More layer ops, composed from table ops: 1-D pooling (through the 2-D ones), group and
 * instance normalisation, pixel (un)shuffle, interpolation (nearest by index select,
 * bilinear as two small interpolation-matrix products), unfold / fold (PyTorch's names for
 * im2col / col2im) and the bilinear form. PyTorch's layouts (NCHW) and argument meanings.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply } from './op.ts';
import { COL2IM_OP, IM2COL_OP, adaptiveAvgPool2d, avgPool2d, maxPool2d } from './conv.ts';
import type { Pair } from './conv.ts';
import { fromValues } from './creation.ts';
import { indexSelect } from './indexing.ts';
import { matmul, matmulT } from './matmul.ts';
import { reshape } from './shape.ts';
import { fullPrecision } from '../amp/autocast.ts';

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

function need(op: string, x: Tensor, rank: number, layout: string): void {
  if (x.shape.length !== rank) throw new FlowgradError('shape', `${op}: expected input ${layout}, got ${fmtShape(x.shape)}`);
}

export interface Pool1dOptions { kernelSize: number; stride?: number; padding?: number }

export function maxPool1d(x: Tensor, o: Pool1dOptions): Tensor {
  need('maxPool1d', x, 3, '[N, C, L]');
  return scope(() => maxPool2d(x.unsqueeze(2), { kernelSize: [1, o.kernelSize], stride: [1, o.stride ?? o.kernelSize], padding: [0, o.padding ?? 0] }).squeeze(2));
}

export function avgPool1d(x: Tensor, o: Pool1dOptions & { countIncludePad?: boolean }): Tensor {
  need('avgPool1d', x, 3, '[N, C, L]');
  return scope(() => avgPool2d(x.unsqueeze(2), { kernelSize: [1, o.kernelSize], stride: [1, o.stride ?? o.kernelSize], padding: [0, o.padding ?? 0], countIncludePad: o.countIncludePad }).squeeze(2));
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  need('adaptiveAvgPool1d', x, 3, '[N, C, L]');
  return scope(() => adaptiveAvgPool2d(x.unsqueeze(2), [1, outputSize]).squeeze(2));
}

/** Normalises x [N, C, ...] over groups of C/numGroups channels (and all spatial positions). */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  if (x.shape.length < 2 || x.shape[1] % numGroups !== 0) {
    throw new FlowgradError('shape', `groupNorm: input ${fmtShape(x.shape)} has channels not divisible by ${numGroups} groups`);
  }
  return scope(() => {
    x = fullPrecision(x);
    const [n, c] = x.shape;
    const g = reshape(x, [n, numGroups, x.size / (n * numGroups)]);
    const d = g.sub(g.mean(2, true));
    let y = reshape(d.mul(d.square().mean(2, true).add(eps).rsqrt()), x.shape);
    const cshape = [c, ...x.shape.slice(2).map(() => 1)];
    if (weight) y = y.mul(reshape(weight, cshape));
    if (bias) y = y.add(reshape(bias, cshape));
    return y;
  });
}

/** Normalises each (sample, channel) plane of x [N, C, ...] (batch statistics, no running ones). */
export const instanceNorm = (x: Tensor, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor =>
  groupNorm(x, x.shape[1], weight, bias, eps);

/** [N, C·r², H, W] → [N, C, H·r, W·r]. */
export function pixelShuffle(x: Tensor, r: number): Tensor {
  need('pixelShuffle', x, 4, '[N, C·r², H, W]');
  const [n, cr, h, w] = x.shape;
  if (cr % (r * r) !== 0) throw new FlowgradError('shape', `pixelShuffle: ${cr} channels not divisible by ${r}²`);
  const c = cr / (r * r);
  return scope(() => reshape(reshape(x, [n, c, r, r, h, w]).permute([0, 1, 4, 2, 5, 3]), [n, c, h * r, w * r]));
}

/** [N, C, H·r, W·r] → [N, C·r², H, W]. */
export function pixelUnshuffle(x: Tensor, r: number): Tensor {
  need('pixelUnshuffle', x, 4, '[N, C, H·r, W·r]');
  const [n, c, hr, wr] = x.shape;
  if (hr % r !== 0 || wr % r !== 0) throw new FlowgradError('shape', `pixelUnshuffle: ${hr}x${wr} not divisible by ${r}`);
  const h = hr / r, w = wr / r;
  return scope(() => reshape(reshape(x, [n, c, h, r, w, r]).permute([0, 1, 3, 5, 2, 4]), [n, c * r * r, h, w]));
}

export interface InterpolateOptions {
  size?: Pair;
  scaleFactor?: number | [number, number];
  mode?: 'nearest' | 'bilinear';
  alignCorners?: boolean;
}

/** Source coordinate of each output pixel (PyTorch's conventions). */
function source(out: number, inp: number, scale: number, alignCorners: boolean, nearest: boolean): number[] {
  return Array.from({ length: out }, (_, i) => {
    if (nearest) return Math.min(inp - 1, Math.floor(i * (1 / scale)));
    if (alignCorners) return out > 1 ? (i * (inp - 1)) / (out - 1) : 0;
    return Math.max(0, (i + 0.5) / scale - 0.5);
  });
}

/** Linear-interpolation weights [out, in] for one axis. */
function linearMatrix(src: number[], inp: number, like: Tensor): Tensor {
  const m = new Float64Array(src.length * inp);
  src.forEach((s, i) => {
    const i0 = Math.min(Math.floor(s), inp - 1), i1 = Math.min(i0 + 1, inp - 1), t = s - i0;
    m[i * inp + i0] += 1 - t;
    m[i * inp + i1] += t;
  });
  return fromValues(m, [src.length, inp], like.dtype, { backend: like._storage.backend });
}

/** Resizes x [N, C, H, W] (F.interpolate for 'nearest' and 'bilinear'). */
export function interpolate(x: Tensor, o: InterpolateOptions): Tensor {
  need('interpolate', x, 4, '[N, C, H, W]');
  const [, , h, w] = x.shape;
  const [fh, fw] = o.scaleFactor !== undefined ? pair(o.scaleFactor as Pair) : [0, 0];
  const [oh, ow] = o.size !== undefined ? pair(o.size) : [Math.floor(h * fh), Math.floor(w * fw)];
  if (!(oh > 0 && ow > 0)) throw new FlowgradError('bad-argument', `interpolate: give a positive size or scaleFactor (got ${oh}x${ow})`);
  const sh = o.size !== undefined || !fh ? oh / h : fh, sw = o.size !== undefined || !fw ? ow / w : fw;
  const mode = o.mode ?? 'nearest', ac = o.alignCorners ?? false;
  return scope(() => {
    if (mode === 'nearest') {
      const ih = fromValues(source(oh, h, sh, false, true), [oh], 'int32', { backend: x._storage.backend });
      const iw = fromValues(source(ow, w, sw, false, true), [ow], 'int32', { backend: x._storage.backend });
      return indexSelect(indexSelect(x, 2, ih), 3, iw);
    }
    const mh = linearMatrix(source(oh, h, sh, ac, false), h, x), mw = linearMatrix(source(ow, w, sw, ac, false), w, x);
    return matmulT(matmul(mh, x), mw, false, true);
  });
}

export interface UnfoldOptions { kernelSize: Pair; dilation?: Pair; padding?: Pair; stride?: Pair }

function win(op: string, c: number, h: number, w: number, o: UnfoldOptions) {
  const [kh, kw] = pair(o.kernelSize), [dh, dw] = pair(o.dilation ?? 1), [ph, pw] = pair(o.padding ?? 0), [sh, sw] = pair(o.stride ?? 1);
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (!(oh > 0 && ow > 0)) throw new FlowgradError('shape', `${op}: ${h}x${w} input too small for kernel ${kh}x${kw}`);
  return { c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw };
}

/** Sliding local blocks: x [N, C, H, W] → [N, C·kh·kw, L] (F.unfold, i.e. im2col). */
export function unfold(x: Tensor, o: UnfoldOptions): Tensor {
  need('unfold', x, 4, '[N, C, H, W]');
  return apply(IM2COL_OP, [x], win('unfold', x.shape[1], x.shape[2], x.shape[3], o));
}

/** Sums blocks back: cols [N, C·kh·kw, L] → [N, C, H, W] for outputSize [H, W] (F.fold, i.e. col2im). */
export function fold(cols: Tensor, outputSize: Pair, o: UnfoldOptions): Tensor {
  need('fold', cols, 3, '[N, C·kh·kw, L]');
  const [kh, kw] = pair(o.kernelSize), [h, w] = pair(outputSize);
  const c = cols.shape[1] / (kh * kw);
  const a = win('fold', c, h, w, o);
  if (!Number.isInteger(c) || a.oh * a.ow !== cols.shape[2]) throw new FlowgradError('shape', `fold: ${fmtShape(cols.shape)} does not match kernel ${kh}x${kw} over ${h}x${w}`);
  return apply(COL2IM_OP, [cols], a);
}

/** y = x1ᵀ·W·x2 + b with W [out, in1, in2]: x1 [N, in1], x2 [N, in2] → [N, out] (F.bilinear). */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const [out, in1, in2] = weight.shape;
  if (weight.shape.length !== 3 || x1.shape[x1.shape.length - 1] !== in1 || x2.shape[x2.shape.length - 1] !== in2) {
    throw new FlowgradError('shape', `bilinear: inputs ${fmtShape(x1.shape)}, ${fmtShape(x2.shape)} do not fit weight ${fmtShape(weight.shape)}`);
  }
  return scope(() => {
    const n = x1.shape[0];
    const t = matmul(x1, reshape(weight.permute([1, 0, 2]), [in1, out * in2])); // [N, out·in2]
    const y = reshape(t, [n, out, in2]).mul(x2.unsqueeze(1)).sum(2);
    return bias ? y.add(bias) : y;
  });
}
