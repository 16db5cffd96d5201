/**
 * Convolution and pooling. Two table ops do the work: im2col (unfold image patches into
 * columns) and col2im (fold columns back, summing overlaps) — each the other's gradient.
 * conv = weight-matrix @ im2col(x) on the backend's matmul; transposed conv = col2im of
 * weightᵀ @ x; average pooling = the backend's optional avgPool2d kernels where it has them,
 * else the mean over im2col columns; max pooling = gather at the
 * argmax indices found by one kernel, so every gradient is itself made of table ops.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { noGrad } from '../autograd/mode.ts';
import type { Tensor } from '../core/tensor.ts';
import type { AvgPoolArgs } from '../backend/types.ts';
import { apply, runOptional, supports } from './op.ts';
import type { OpDef } from './op.ts';
import { fromValues, ones } from './creation.ts';
import { gather, gatherInRange } from './indexing.ts';
import { matmul, matmulT } from './matmul.ts';
import { pad, reshape } from './shape.ts';
import { scope } from '../core/memory.ts';
import { conv2dDirect } from './conv-direct.ts';
import { lowPrecision } from '../amp/autocast.ts';

export type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** Geometry of one sliding window pass over [C, H, W] planes producing [oh, ow] positions. */
interface Win { c: number; h: number; w: number; kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number }

export const IM2COL_OP: OpDef<Win> = {
  name: 'im2col',
  shape: ([x], a) => ({ shape: [x.shape[0], a.c * a.kh * a.kw, a.oh * a.ow], dtype: x.dtype }),
  forward(be, [x], out, a) {
    const per = a.c * a.h * a.w, colsPer = a.c * a.kh * a.kw * a.oh * a.ow;
    for (let i = 0; i < x.shape[0]; i++) be.run('im2col', { x: x._storage.buf, out, xOffset: i * per, outOffset: i * colsPer, ...a });
  },
  grad: (g, _x, _o, a) => [apply(COL2IM_OP, [g], a)],
};

export const COL2IM_OP: OpDef<Win> = {
  name: 'col2im',
  shape: ([cols], a) => ({ shape: [cols.shape[0], a.c, a.h, a.w], dtype: cols.dtype }),
  forward(be, [cols], out, a) {
    const per = a.c * a.h * a.w, colsPer = a.c * a.kh * a.kw * a.oh * a.ow;
    be.run('fill', { out, value: 0 });
    for (let i = 0; i < cols.shape[0]; i++) be.run('col2im', { cols: cols._storage.buf, out, colsOffset: i * colsPer, outOffset: i * per, ...a });
  },
  grad: (g, _c, _o, a) => [apply(IM2COL_OP, [g], a)],
};

/** Flat (h*w) index of each window's maximum; an int32 op with no gradient. */
export const MAXPOOL_INDEX_OP: OpDef<Win> = {
  name: 'maxPoolIndex',
  shape: ([x], a) => ({ shape: [x.shape[0], a.c, a.oh * a.ow], dtype: 'int32' }),
  forward(be, [x], out, a) {
    const vals = be.alloc(x.dtype, x.shape[0] * a.c * a.oh * a.ow);
    try {
      be.run('maxPool2d', { x: x._storage.buf, out: vals, argmax: out, nc: x.shape[0] * a.c, ...a });
    } finally {
      be.free(vals);
    }
  },
};

function outSize(op: string, x: Tensor, n: number, k: number, s: number, p: number, d: number): number {
  const o = Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
  if (o <= 0 || !(k > 0 && s > 0 && d > 0 && p >= 0)) {
    throw new FlowgradError('shape', `${op}: input ${fmtShape(x.shape)} too small for kernel ${k} (stride ${s}, padding ${p}, dilation ${d})`);
  }
  return o;
}

function window(op: string, x: Tensor, k: Pair, stride: Pair, padding: Pair, dilation: Pair): Win {
  if (x.shape.length !== 4) throw new FlowgradError('shape', `${op}: expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  const [kh, kw] = pair(k), [sh, sw] = pair(stride), [ph, pw] = pair(padding), [dh, dw] = pair(dilation);
  const [, c, h, w] = x.shape;
  return { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh: outSize(op, x, h, kh, sh, ph, dh), ow: outSize(op, x, w, kw, sw, pw, dw) };
}

export interface ConvOptions {
  stride?: Pair;
  /** Symmetric zero padding, or 'same' (stride 1) / 'valid'. */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

/** 2-D convolution (cross-correlation) in NCHW with weight [O, C/groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  const g = opts.groups ?? 1;
  if (x.shape.length !== 4 || weight.shape.length !== 4) {
    throw new FlowgradError('shape', `conv2d: expected input [N, C, H, W] and weight [O, C/groups, kh, kw], got ${fmtShape(x.shape)} and ${fmtShape(weight.shape)}`);
  }
  const [n, c] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (c !== cg * g || o % g !== 0) {
    throw new FlowgradError('shape', `conv2d: input ${fmtShape(x.shape)} has ${c} channels but weight ${fmtShape(weight.shape)} with groups=${g} expects ${cg * g} (and O divisible by groups)`);
  }
  const [dh, dw] = pair(opts.dilation ?? 1);
  return scope(() => {
    x = lowPrecision(x);
    weight = lowPrecision(weight);
    bias = lowPrecision(bias);
    let xin = x;
    let padding: Pair = 0;
    if (opts.padding === 'same') {
      const th = dh * (kh - 1), tw = dw * (kw - 1);
      if (pair(opts.stride ?? 1).some((s) => s !== 1)) throw new FlowgradError('bad-argument', "conv2d: padding 'same' needs stride 1");
      xin = pad(x, [Math.floor(tw / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), th - Math.floor(th / 2)]);
    } else if (opts.padding !== undefined && opts.padding !== 'valid') padding = opts.padding;
    const win = window('conv2d', xin, [kh, kw], opts.stride ?? 1, padding, [dh, dw]);
    const direct = conv2dDirect(xin, weight, bias, { ph: win.ph, pw: win.pw, dh, dw, sh: win.sh, sw: win.sw, groups: g });
    if (direct) return direct;
    const cols = apply(IM2COL_OP, [xin], win); // [N, C*kh*kw, L]
    const k = cg * kh * kw;
    let y = g === 1
      ? matmul(reshape(weight, [o, k]), cols)
      : matmul(reshape(weight, [g, o / g, k]), reshape(cols, [n, g, k, win.oh * win.ow]));
    y = reshape(y, [n, o, win.oh, win.ow]);
    return bias ? y.add(reshape(bias, [1, o, 1, 1])) : y;
  });
}

/** 1-D convolution: x [N, C, L], weight [O, C/groups, k]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number } = {}): Tensor {
  if (x.shape.length !== 3 || weight.shape.length !== 3) {
    throw new FlowgradError('shape', `conv1d: expected input [N, C, L] and weight [O, C/groups, k], got ${fmtShape(x.shape)} and ${fmtShape(weight.shape)}`);
  }
  return scope(() => {
    const p = opts.padding;
    const y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
      stride: [1, opts.stride ?? 1], dilation: [1, opts.dilation ?? 1], groups: opts.groups,
      padding: typeof p === 'number' ? [0, p] : p,
    });
    return y.squeeze(2);
  });
}

export interface ConvTransposeOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Transposed 2-D convolution; weight [C_in, C_out/groups, kh, kw] as torch.nn.ConvTranspose2d. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  const g = opts.groups ?? 1;
  if (x.shape.length !== 4 || weight.shape.length !== 4 || x.shape[1] !== weight.shape[0] || weight.shape[0] % g !== 0) {
    throw new FlowgradError('shape', `convTranspose2d: input ${fmtShape(x.shape)} and weight ${fmtShape(weight.shape)} (expected [N, C_in, H, W] and [C_in, C_out/groups, kh, kw], groups=${g})`);
  }
  const [n, cin, h, w] = x.shape;
  const [, og, kh, kw] = weight.shape;
  const [sh, sw] = pair(opts.stride ?? 1), [ph, pw] = pair(opts.padding ?? 0), [dh, dw] = pair(opts.dilation ?? 1);
  const [oph, opw] = pair(opts.outputPadding ?? 0);
  const H = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1, W = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (H <= 0 || W <= 0) throw new FlowgradError('shape', `convTranspose2d: output size ${H}x${W} is not positive for input ${fmtShape(x.shape)}`);
  const cout = og * g, k = og * kh * kw, cg = cin / g;
  return scope(() => {
    const cols = g === 1
      ? matmulT(reshape(weight, [cin, k]), reshape(x, [n, cin, h * w]), true, false)
      : matmulT(reshape(weight, [g, cg, k]), reshape(x, [n, g, cg, h * w]), true, false);
    const win: Win = { c: cout, h: H, w: W, kh, kw, oh: h, ow: w, sh, sw, ph, pw, dh, dw };
    const y = apply(COL2IM_OP, [reshape(cols, [n, cout * kh * kw, h * w])], win);
    return bias ? y.add(reshape(bias, [1, cout, 1, 1])) : y;
  });
}

export interface PoolOptions {
  kernelSize: Pair;
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export function maxPool2d(x: Tensor, opts: PoolOptions): Tensor {
  const win = window('maxPool2d', x, opts.kernelSize, opts.stride ?? opts.kernelSize, opts.padding ?? 0, opts.dilation ?? 1);
  if (win.ph * 2 > win.kh || win.pw * 2 > win.kw) throw new FlowgradError('bad-argument', `maxPool2d: padding must be at most half the kernel size`);
  return scope(() => {
    const [n, c, h, w] = x.shape;
    const idx = apply(MAXPOOL_INDEX_OP, [x], win); // [N, C, oh*ow]
    // Undilated, every window holds a pixel (padding ≤ half the kernel), so the argmax is in
    // range by construction: no read-back to check it, here or in backward. Dilated windows
    // can fall wholly in the padding (argmax −1), which the checked gather refuses.
    const pick = win.dh === 1 && win.dw === 1 ? gatherInRange : gather;
    const v = pick(reshape(x, [n * c, h * w]), 1, reshape(idx, [n * c, win.oh * win.ow]));
    return reshape(v, [n, c, win.oh, win.ow]);
  });
}

/** Average pooling's geometry on [N, C, H, W]: everything of AvgPoolArgs but the plane count. */
type AvgAttrs = Omit<AvgPoolArgs, 'nc'>;

const planes = (t: Tensor): number => t.shape[0] * t.shape[1];

/** Average pooling on the backend's avgPool2d kernel; its gradient is the transposed kernel, and that one's is this again. */
export const AVGPOOL_OP: OpDef<AvgAttrs> = {
  name: 'avgPool2d',
  shape: ([x], a) => ({ shape: [x.shape[0], x.shape[1], a.oh, a.ow], dtype: x.dtype }),
  forward(be, [x], out, a) {
    runOptional(be, 'avgPool2d', { x: x._storage.buf, out, nc: planes(x), ...a });
  },
  grad: (g, _x, _o, a) => [apply(AVGPOOL_GRAD_OP, [g], a)],
};

export const AVGPOOL_GRAD_OP: OpDef<AvgAttrs> = {
  name: 'avgPool2dGrad',
  shape: ([dy], a) => ({ shape: [dy.shape[0], dy.shape[1], a.h, a.w], dtype: dy.dtype }),
  forward(be, [dy], out, a) {
    runOptional(be, 'avgPool2dGrad', { dy: dy._storage.buf, out, nc: planes(dy), ...a });
  },
  grad: (gg, _dy, _o, a) => [apply(AVGPOOL_OP, [gg], a)],
};

export function avgPool2d(x: Tensor, opts: PoolOptions & { countIncludePad?: boolean }): Tensor {
  const win0 = window('avgPool2d', x, opts.kernelSize, opts.stride ?? opts.kernelSize, opts.padding ?? 0, 1);
  const countIncludePad = opts.countIncludePad ?? true;
  if (supports(x._storage.backend, 'avgPool2d') && (x.dtype === 'float32' || x.dtype === 'float16' || x.dtype === 'float64')) {
    const { h, w, oh, ow, kh, kw, sh, sw, ph, pw } = win0;
    return apply(AVGPOOL_OP, [x], { h, w, oh, ow, kh, kw, sh, sw, ph, pw, countIncludePad });
  }
  return scope(() => {
    const [n, c, h, w] = x.shape;
    // Every plane of the batch as a channel of one image: one im2col (and one col2im back)
    // for the whole batch, not one per plane; its rows are (plane, kh, kw), so the reshape
    // sees [N*C, kh*kw, L] as a per-plane im2col would give it.
    const win = { ...win0, c: n * c };
    const cols = reshape(apply(IM2COL_OP, [reshape(x, [1, n * c, h, w])], win), [n * c, win0.kh * win0.kw, win0.oh * win0.ow]);
    let y: Tensor;
    if (countIncludePad) y = cols.mean(1);
    else {
      const counts = noGrad(() => apply(IM2COL_OP, [ones([1, 1, h, w], { dtype: x.dtype, backend: x.backend })], { ...win0, c: 1 }).sum(1));
      y = cols.sum(1).div(counts);
    }
    return reshape(y, [n, c, win.oh, win.ow]);
  });
}

/** PyTorch's adaptive windows [floor(i·n/o), ceil((i+1)·n/o)) as an averaging matrix [o, n]. */
function adaptiveMatrix(n: number, o: number, like: Tensor): Tensor {
  const m = new Float64Array(o * n);
  for (let i = 0; i < o; i++) {
    const s = Math.floor((i * n) / o), e = Math.ceil(((i + 1) * n) / o);
    for (let j = s; j < e; j++) m[i * n + j] = 1 / (e - s);
  }
  return fromValues(m, [o, n], like.dtype, { backend: like._storage.backend });
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  if (x.shape.length !== 4) throw new FlowgradError('shape', `adaptiveAvgPool2d: expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  const [oh, ow] = pair(outputSize);
  return scope(() => {
    const [, , h, w] = x.shape;
    const ph = adaptiveMatrix(h, oh, x), pw = adaptiveMatrix(w, ow, x);
    return matmulT(matmul(ph, x), pw, false, true); // [oh,h]@[N,C,h,w] → [N,C,oh,w] @ pwᵀ
  });
}
