/**
 * Elementwise ops: unary math and activations, broadcasting binary arithmetic, comparisons,
 * where and cast. Each entry pairs a backend kernel with its gradient rule written in ops;
 * binary gradients are summed back to each input's shape (sumTo) to undo broadcasting.
 */
import type { BinaryOp, UnaryOp } from '../backend/types.ts';
import type { DType } from '../core/dtype.ts';
import { floatOf, isFloat, promote } from '../core/dtype.ts';
import { broadcastShapes, sameShape } from '../core/shape.ts';
import { Tensor } from '../core/tensor.ts';
import type { TensorLike } from '../core/tensor.ts';
import { apply, withDtype } from './op.ts';
import type { OpDef } from './op.ts';
import { scalarLike } from './creation.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';

interface UnaryAttrs { alpha?: number; beta?: number }
type UnaryGrad = (g: Tensor, x: Tensor, out: Tensor, a: UnaryAttrs) => Tensor | null;

/** How a unary op picks its output dtype: float math, same as input, or boolean. */
type DtypeRule = 'float' | 'same' | 'bool';

function unaryDef(op: UnaryOp, rule: DtypeRule, grad?: UnaryGrad): OpDef<UnaryAttrs> {
  return {
    name: op,
    shape: ([x]) => ({ shape: [...x.shape], dtype: rule === 'float' ? floatOf(x.dtype) : rule === 'bool' ? 'bool' : x.dtype }),
    forward: (be, [x], out, a, meta) =>
      withDtype(be, [x], rule === 'bool' ? x.dtype : meta.dtype, ([xb]) => be.run('unary', { op, x: xb, out, alpha: a.alpha, beta: a.beta })),
    grad: grad && wrapUnaryGrad(grad),
  };
}

function wrapUnaryGrad(grad: UnaryGrad): OpDef<UnaryAttrs>['grad'] {
  return (g, [x], out, a) => [grad(g, x, out, a)];
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const UNARY_OPS = {
  neg: unaryDef('neg', 'same', (g) => g.neg()),
  exp: unaryDef('exp', 'float', (g, _x, out) => g.mul(out)),
  log: unaryDef('log', 'float', (g, x) => g.div(x)),
  sqrt: unaryDef('sqrt', 'float', (g, _x, out) => g.div(out.mul(2))),
  rsqrt: unaryDef('rsqrt', 'float', (g, _x, out) => g.mul(out.pow(3)).mul(-0.5)),
  abs: unaryDef('abs', 'same', (g, x) => g.mul(x.sign())),
  sign: unaryDef('sign', 'same'),
  sin: unaryDef('sin', 'float', (g, x) => g.mul(x.cos())),
  cos: unaryDef('cos', 'float', (g, x) => g.mul(x.sin()).neg()),
  sigmoid: unaryDef('sigmoid', 'float', (g, _x, out) => binary('sigmoidGrad', g, out)),
  tanh: unaryDef('tanh', 'float', (g, _x, out) => binary('tanhGrad', g, out)),
  relu: unaryDef('relu', 'same', (g, x) => binary('reluGrad', g, x)),
  leakyRelu: unaryDef('leakyRelu', 'float', (g, x, _o, a) => where(x.gt(0), g, g.mul(a.alpha!))),
  elu: unaryDef('elu', 'float', (g, x, out, a) => where(x.gt(0), g, g.mul(out.add(a.alpha!)))),
  gelu: unaryDef('gelu', 'float', (g, x) =>
    g.mul(x.mul(Math.SQRT1_2).erf().add(1).mul(0.5).add(x.mul(x.square().mul(-0.5).exp()).mul(INV_SQRT_2PI)))),
  silu: unaryDef('silu', 'float', (g, x) => {
    const s = x.sigmoid();
    return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
  }),
  erf: unaryDef('erf', 'float', (g, x) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI))),
  clamp: unaryDef('clamp', 'same', (g, x, _o, a) => g.mul(x.ge(a.alpha!).and(x.le(a.beta!)))),
  square: unaryDef('square', 'same', (g, x) => g.mul(x.mul(2))),
  reciprocal: unaryDef('reciprocal', 'float', (g, _x, out) => g.mul(out.square()).neg()),
  floor: unaryDef('floor', 'same', () => null),
  ceil: unaryDef('ceil', 'same', () => null),
  round: unaryDef('round', 'same', () => null),
  not: unaryDef('not', 'bool'),
  identity: unaryDef('identity', 'same', (g) => g),
  asin: unaryDef('asin', 'float', (g, x) => g.mul(x.square().neg().add(1).rsqrt())),
  acos: unaryDef('acos', 'float', (g, x) => g.mul(x.square().neg().add(1).rsqrt()).neg()),
  atan: unaryDef('atan', 'float', (g, x) => g.div(x.square().add(1))),
  isfinite: unaryDef('isfinite', 'bool'),
} satisfies Partial<Record<UnaryOp, OpDef<UnaryAttrs>>>;

export function unary(op: keyof typeof UNARY_OPS, x: Tensor, attrs: UnaryAttrs = {}): Tensor {
  return apply(UNARY_OPS[op], [x], attrs);
}

/** Sums g over broadcast dimensions so it has `shape` again (the gradient of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  const s = sum(g, dims, true);
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}

const COMPARE = new Set<BinaryOp>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'and', 'or']);

function computeDtype(op: BinaryOp, a: DType, b: DType): DType {
  const p = promote(a, b);
  if (op === 'and' || op === 'or') return 'bool';
  if (op === 'div') return floatOf(p);
  if (COMPARE.has(op)) return p;
  return p === 'bool' ? 'int32' : p;
}

type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

function binaryDef(op: BinaryOp, grad?: BinaryGrad): OpDef<void> {
  return {
    name: op,
    shape: ([a, b]) => ({
      shape: broadcastShapes(op, a.shape, b.shape),
      dtype: COMPARE.has(op) ? 'bool' : computeDtype(op, a.dtype, b.dtype),
    }),
    forward: (be, [a, b], out, _attrs, meta) =>
      withDtype(be, [a, b], computeDtype(op, a.dtype, b.dtype), ([ab, bb]) =>
        be.run('binary', { op, a: ab, b: bb, out, aShape: a.shape, bShape: b.shape, outShape: meta.shape })),
    grad: grad && ((g, [a, b], out) => {
      const [ga, gb] = grad(g, a, b, out);
      return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
    }),
  };
}

const need = (t: Tensor) => t.requiresGrad;

/** Gradient share of `a` for max/min: 1 where it wins, 1/2 on ties (as PyTorch). */
function winnerMask(a: Tensor, b: Tensor, op: 'gt' | 'lt'): Tensor {
  return binary(op, a, b).add(a.eq(b).mul(0.5));
}

export const BINARY_OPS = {
  add: binaryDef('add', (g, a, b) => [need(a) ? g : null, need(b) ? g : null]),
  sub: binaryDef('sub', (g, a, b) => [need(a) ? g : null, need(b) ? g.neg() : null]),
  mul: binaryDef('mul', (g, a, b) => [need(a) ? g.mul(b) : null, need(b) ? g.mul(a) : null]),
  div: binaryDef('div', (g, a, b) => [need(a) ? g.div(b) : null, need(b) ? g.mul(a).div(b.square()).neg() : null]),
  // As PyTorch at the edges (where a product would be 0·∞ = NaN): ∂/∂a is 0 where b = 0,
  // ∂/∂b is 0 where a = 0 and b ≥ 0.
  pow: binaryDef('pow', (g, a, b, out) => [
    need(a) ? where(b.eq(0), 0, g.mul(b).mul(a.pow(b.sub(1)))) : null,
    need(b) ? where(a.eq(0).and(b.ge(0)), 0, g.mul(out).mul(a.log())) : null,
  ]),
  maximum: binaryDef('maximum', (g, a, b) => {
    const m = winnerMask(a, b, 'gt');
    return [need(a) ? g.mul(m) : null, need(b) ? g.mul(m.neg().add(1)) : null];
  }),
  minimum: binaryDef('minimum', (g, a, b) => {
    const m = winnerMask(a, b, 'lt');
    return [need(a) ? g.mul(m) : null, need(b) ? g.mul(m.neg().add(1)) : null];
  }),
  eq: binaryDef('eq'), ne: binaryDef('ne'), gt: binaryDef('gt'), lt: binaryDef('lt'),
  ge: binaryDef('ge'), le: binaryDef('le'), and: binaryDef('and'), or: binaryDef('or'),
  // ∂/∂b is 0 almost everywhere (a step in b); ∂/∂a is the same mask again.
  reluGrad: binaryDef('reluGrad', (g, a, b) => [need(a) ? binary('reluGrad', g, b) : null, null]),
  // a·(1 − b²): ∂/∂a is the same op on g, ∂/∂b = −2ab·g.
  tanhGrad: binaryDef('tanhGrad', (g, a, b) => [need(a) ? binary('tanhGrad', g, b) : null, need(b) ? g.mul(a).mul(b).mul(-2) : null]),
  // a·b·(1 − b): ∂/∂a is the same op on g, ∂/∂b = a·(1 − 2b)·g.
  sigmoidGrad: binaryDef('sigmoidGrad', (g, a, b) => [need(a) ? binary('sigmoidGrad', g, b) : null, need(b) ? g.mul(a).mul(b.mul(-2).add(1)) : null]),
} satisfies Record<BinaryOp, OpDef<void>>;

/** Converts numbers to scalar tensors next to `like`, runs f, and frees those scalars. */
function lifted(a: TensorLike, b: TensorLike, f: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const ref = a instanceof Tensor ? a : (b as Tensor);
  const x = a instanceof Tensor ? a : scalarLike(a, ref);
  const y = b instanceof Tensor ? b : scalarLike(b, ref);
  try {
    return f(x, y);
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return lifted(a, b, (x, y) => apply(BINARY_OPS[op], [x, y], undefined));
}

export const WHERE_OP: OpDef<void> = {
  name: 'where',
  shape: ([c, a, b]) => ({ shape: broadcastShapes('where', broadcastShapes('where', c.shape, a.shape), b.shape), dtype: promote(a.dtype, b.dtype) }),
  forward: (be, [c, a, b], out, _x, meta) =>
    withDtype(be, [a, b], meta.dtype, ([ab, bb]) =>
      be.run('where', { cond: c._storage.buf, a: ab, b: bb, out, condShape: c.shape, aShape: a.shape, bShape: b.shape, outShape: meta.shape })),
  grad: (g, [c, a, b]) => [
    null,
    a.requiresGrad ? sumTo(where(c, g, 0), a.shape) : null,
    b.requiresGrad ? sumTo(where(c, 0, g), b.shape) : null,
  ],
};

/** cond ? a : b elementwise, broadcasting all three. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  return lifted(a, b, (x, y) => apply(WHERE_OP, [cond, x, y], undefined));
}

export const CAST_OP: OpDef<{ dtype: DType }> = {
  name: 'cast',
  shape: ([x], a) => ({ shape: [...x.shape], dtype: a.dtype }),
  forward: (be, [x], out) => be.run('cast', { x: x._storage.buf, out }),
  grad: (g, [x], _o, a) => [isFloat(x.dtype) && isFloat(a.dtype) ? g.cast(x.dtype) : null],
};

export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x.clone() : apply(CAST_OP, [x], { dtype });
}
