/**
 * Direct convolution ops for backends with the optional `conv2d` kernels (the CPU backend's
 * implicit GEMM): stride 1, one group, bias fused. The input gradient is itself a direct
 * convolution of dy with the flipped, transposed weight and padding (k − 1)·d − p; the weight
 * gradient is its own op whose gradient rules are again direct convolutions, so double
 * backward works. conv2d() in conv.ts takes this path when it applies, im2col otherwise.
 */
import type { DirectConvGeometry } from '../backend/types.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply, runOptional, supports } from './op.ts';
import type { OpDef } from './op.ts';
import { fromValues } from './creation.ts';
import { indexSelect } from './indexing.ts';
import { reshape, transpose } from './shape.ts';

/** Padding and dilation; every other size comes from the operands' shapes. */
export interface DirectAttrs { ph: number; pw: number; dh: number; dw: number }

function geometry(x: Tensor, weight: Tensor, a: DirectAttrs): DirectConvGeometry {
  const [n, c, h, w] = x.shape, [o, , kh, kw] = weight.shape;
  return { n, c, h, w, o, kh, kw, ...a };
}

const outHW = (g: DirectConvGeometry): [number, number] => [g.h + 2 * g.ph - g.dh * (g.kh - 1), g.w + 2 * g.pw - g.dw * (g.kw - 1)];

/** dx for y = x ⊛ w: dy ⊛ flip(w)ᵀ with the complementary padding. */
function inputGrad(dy: Tensor, weight: Tensor, a: DirectAttrs): Tensor {
  const [o, c, kh, kw] = weight.shape;
  const rev = fromValues(Array.from({ length: kh * kw }, (_, i) => kh * kw - 1 - i), [kh * kw], 'int32', { backend: weight._storage.backend });
  const flipped = reshape(transpose(indexSelect(reshape(weight, [o, c, kh * kw]), 2, rev), 0, 1), [c, o, kh, kw]);
  rev.dispose();
  return apply(CONV2D_DIRECT_OP, [dy, flipped], { ph: a.dh * (kh - 1) - a.ph, pw: a.dw * (kw - 1) - a.pw, dh: a.dh, dw: a.dw });
}

export const CONV2D_DIRECT_OP: OpDef<DirectAttrs> = {
  name: 'conv2d',
  shape: ([x, w], a) => ({ shape: [x.shape[0], w.shape[0], ...outHW(geometry(x, w, a))], dtype: x.dtype }),
  forward(be, [x, w, b], out, a) {
    runOptional(be, 'conv2d', { x: x._storage.buf, weight: w._storage.buf, bias: b ? b._storage.buf : null, out, ...geometry(x, w, a) });
  },
  grad: (g, [x, w, b], _o, a) => [
    x.requiresGrad ? inputGrad(g, w, a) : null,
    w.requiresGrad ? apply(CONV2D_WEIGHT_GRAD_OP, [x, g], a) : null,
    b?.requiresGrad ? g.sum([0, 2, 3]) : null,
  ],
};

/** dW [o, c, kh, kw] from x and dy; bilinear, so its gradients are direct convolutions again. */
export const CONV2D_WEIGHT_GRAD_OP: OpDef<DirectAttrs> = {
  name: 'conv2dWeightGrad',
  shape: ([x, dy], a) => {
    const [, c] = x.shape, o = dy.shape[1];
    // kh, kw from the shapes: oh = h + 2ph − dh(kh − 1).
    const kh = (x.shape[2] + 2 * a.ph - dy.shape[2]) / a.dh + 1, kw = (x.shape[3] + 2 * a.pw - dy.shape[3]) / a.dw + 1;
    return { shape: [o, c, kh, kw], dtype: x.dtype };
  },
  forward(be, [x, dy], out, a, meta) {
    const [n, c, h, w] = x.shape, [o, , kh, kw] = meta.shape;
    runOptional(be, 'conv2dWeightGrad', { x: x._storage.buf, dy: dy._storage.buf, out, n, c, h, w, o, kh, kw, ...a });
  },
  grad: (gw, [x, dy], _o, a) => [
    x.requiresGrad ? inputGrad(dy, gw, a) : null,
    dy.requiresGrad ? apply(CONV2D_DIRECT_OP, [x, gw], a) : null,
  ],
};

/**
 * The direct path for conv2d, or null when it does not apply: the backend lacks the kernels,
 * stride ≠ 1, groups ≠ 1, mixed dtypes, or padding wider than the dilated kernel.
 */
export function conv2dDirect(x: Tensor, weight: Tensor, bias: Tensor | null | undefined, a: DirectAttrs & { sh: number; sw: number; groups: number }): Tensor | null {
  const be = x._storage.backend;
  const [, , kh, kw] = weight.shape;
  if (a.sh !== 1 || a.sw !== 1 || a.groups !== 1 || !supports(be, 'conv2d') || weight._storage.backend !== be) return null;
  if (bias && (bias.dtype !== x.dtype || bias._storage.backend !== be || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0])) return null;
  // float32 and float16 (storage) on the fast kernels; the reference backend takes every float (gradient checks).
  if (x.dtype !== weight.dtype || !(x.dtype === 'float32' || x.dtype === 'float16' || (be.name === 'reference' && x.dtype === 'float64'))) return null;
  if (a.ph > a.dh * (kh - 1) || a.pw > a.dw * (kw - 1)) return null;
  const attrs: DirectAttrs = { ph: a.ph, pw: a.pw, dh: a.dh, dw: a.dw };
  return apply(CONV2D_DIRECT_OP, bias ? [x, weight, bias] : [x, weight], attrs);
}
