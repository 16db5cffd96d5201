/**
 * The Tensor handle: shape, dtype, a (possibly shared) backend buffer, autograd state and a
 * reference count. Methods are thin, PyTorch-named spellings of the functions in ops/ —
 * the op table there is where behaviour lives. Lifetimes are explained in memory.ts.
 */
import type { DType, TypedArray } from './dtype.ts';
import { isFloat } from './dtype.ts';
import { FlowgradError, fmtShape } from './errors.ts';
import type { Handle, Storage } from './memory.ts';
import { keep, newStorage, registerTensor, releaseTensor } from './memory.ts';
import { sizeOf, stridesOf } from './shape.ts';
import type { GradNode } from '../ops/op.ts';
import type { Dims } from '../ops/reduce.ts';
import * as E from '../ops/elementwise.ts';
import * as R from '../ops/reduce.ts';
import * as S from '../ops/shape.ts';
import * as I from '../ops/indexing.ts';
import { matmul } from '../ops/matmul.ts';
import * as A from '../ops/activations.ts';
import * as M from '../ops/manip.ts';
import { backward } from '../autograd/backward.ts';
import type { BackwardOptions } from '../autograd/backward.ts';
import { backend as backendNamed } from '../backend/registry.ts';

export type TensorLike = Tensor | number | boolean;
export type NestedNumbers = number | NestedNumbers[];

interface TensorHandle extends Handle {
  node: GradNode | null;
}

let nextId = 1;

export class Tensor {
  readonly id = nextId++;
  readonly shape: number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  requiresGrad = false;
  /** Accumulated gradient (leaves, and tensors that called retainGrad()). */
  grad: Tensor | null = null;
  /** @internal storage cell + graph node (what the finalizer may free). */
  readonly _h: TensorHandle;
  /** @internal the storage (the only strong path to host memory, see memory.ts). */
  _s: Storage | null;
  /** @internal holders: the user (until dispose) plus each graph node that saved this tensor. */
  _rc = 1;
  /** @internal whether the user's hold is still there. */
  _userHeld = true;
  /** @internal exempt from scope disposal (parameters, grads, optimizer state). */
  _kept = false;
  /** @internal false for op outputs recorded in a graph. */
  _leaf = true;
  /** @internal */
  _retainGrad = false;

  /** @internal use tensor()/zeros()/... to create tensors. */
  constructor(storage: Storage, shape: number[], dtype: DType) {
    this.shape = shape;
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this._s = storage;
    this._h = { cell: storage.cell, node: null };
    registerTensor(this);
  }

  // ---- state -------------------------------------------------------------------------

  get rank(): number { return this.shape.length; }
  get ndim(): number { return this.shape.length; }
  get isDisposed(): boolean { return this._s === null; }
  /** Leaf: created by the user, not by a recorded op. Gradients accumulate into leaves. */
  get isLeaf(): boolean { return this._leaf; }
  get backend(): string { return this._storage.backend.name; }
  get strides(): number[] { return stridesOf(this.shape); }

  /** @internal */
  get _storage(): Storage {
    const s = this._s;
    if (!s) throw new FlowgradError('disposed', `tensor ${fmtShape(this.shape)} (#${this.id}) was disposed`);
    return s;
  }

  /** @internal */
  _live(op: string): void {
    if (!this._s) throw new FlowgradError('disposed', `${op}: input tensor ${fmtShape(this.shape)} (#${this.id}) was disposed`);
  }

  /** Releases the user's hold; the buffer is freed once no graph still needs it. Idempotent. */
  dispose(): void {
    if (!this._userHeld) return;
    this._userHeld = false;
    releaseTensor(this);
  }

  /** Exempts this tensor from the enclosing scope()'s cleanup. */
  keep(): this {
    return keep(this);
  }

  // ---- data --------------------------------------------------------------------------

  /** A copy of the elements (Float32Array, Int32Array, Uint8Array for bool, Float64Array). */
  data(): Promise<TypedArray> {
    const s = this._storage;
    return s.backend.read(s.buf);
  }

  /** Synchronous copy of the elements (CPU backends only). */
  dataSync(): TypedArray {
    const s = this._storage;
    if (!s.backend.canReadSync) throw new FlowgradError('unsupported', `dataSync: backend '${s.backend.name}' reads asynchronously; use await data()`);
    return s.backend.readSync(s.buf);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new FlowgradError('shape', `item: tensor ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    return this.dataSync()[0];
  }

  /** Nested JS arrays (a number for rank 0). */
  arraySync(): NestedNumbers {
    const d = this.dataSync();
    const build = (dim: number, off: number): NestedNumbers => {
      if (dim === this.shape.length) return d[off];
      const st = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, off + i * st));
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- autograd ----------------------------------------------------------------------

  /** Computes gradients of this tensor w.r.t. every leaf requiring grad (accumulated into .grad). */
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    backward(this, grad, opts);
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    const s = this._storage;
    s.refs++;
    return new Tensor(s, [...this.shape], this.dtype);
  }

  /** Also keep .grad on this non-leaf tensor at the next backward(). */
  retainGrad(): this {
    this._retainGrad = true;
    return this;
  }

  /** Sets requiresGrad in place (leaves only) and returns this. */
  requiresGrad_(on = true): this {
    if (on && !isFloat(this.dtype)) throw new FlowgradError('dtype', `requiresGrad_: ${this.dtype} tensors cannot require gradients`);
    this.requiresGrad = on;
    return this;
  }

  /** Overwrites this tensor's elements in place (no gradient; for optimizers and loading weights). */
  assign(src: Tensor | ArrayLike<number>): this {
    const s = this._storage;
    if (src instanceof Tensor) {
      if (src.size !== this.size) throw new FlowgradError('shape', `assign: ${fmtShape(src.shape)} into ${fmtShape(this.shape)}`);
      const from = src._storage;
      if (from.backend === s.backend) {
        s.backend.run('cast', { x: from.buf, out: s.buf });
        return this;
      }
      s.backend.write(s.buf, src.dataSync());
      return this;
    }
    if (src.length !== this.size) throw new FlowgradError('shape', `assign: ${src.length} values into ${fmtShape(this.shape)}`);
    s.backend.write(s.buf, src);
    return this;
  }

  /** A copy on another backend ('cpu' | 'reference'). */
  to(backendName: string): Tensor {
    const be = backendNamed(backendName);
    const buf = be.alloc(this.dtype, this.size);
    be.write(buf, this.dataSync());
    return new Tensor(newStorage(be, buf), [...this.shape], this.dtype);
  }

  /** A copy that stays in the graph (gradient flows through). */
  clone(): Tensor { return E.unary('identity', this); }

  // ---- elementwise -------------------------------------------------------------------

  add(o: TensorLike): Tensor { return E.binary('add', this, o); }
  sub(o: TensorLike): Tensor { return E.binary('sub', this, o); }
  mul(o: TensorLike): Tensor { return E.binary('mul', this, o); }
  div(o: TensorLike): Tensor { return E.binary('div', this, o); }
  pow(o: TensorLike): Tensor { return E.binary('pow', this, o); }
  maximum(o: TensorLike): Tensor { return E.binary('maximum', this, o); }
  minimum(o: TensorLike): Tensor { return E.binary('minimum', this, o); }
  eq(o: TensorLike): Tensor { return E.binary('eq', this, o); }
  ne(o: TensorLike): Tensor { return E.binary('ne', this, o); }
  gt(o: TensorLike): Tensor { return E.binary('gt', this, o); }
  lt(o: TensorLike): Tensor { return E.binary('lt', this, o); }
  ge(o: TensorLike): Tensor { return E.binary('ge', this, o); }
  le(o: TensorLike): Tensor { return E.binary('le', this, o); }
  and(o: TensorLike): Tensor { return E.binary('and', this, o); }
  or(o: TensorLike): Tensor { return E.binary('or', this, o); }
  /** where(cond, this, other) — PyTorch's Tensor.where. */
  where(cond: Tensor, other: TensorLike): Tensor { return E.where(cond, this, other); }

  neg(): Tensor { return E.unary('neg', this); }
  exp(): Tensor { return E.unary('exp', this); }
  log(): Tensor { return E.unary('log', this); }
  sqrt(): Tensor { return E.unary('sqrt', this); }
  rsqrt(): Tensor { return E.unary('rsqrt', this); }
  abs(): Tensor { return E.unary('abs', this); }
  sign(): Tensor { return E.unary('sign', this); }
  sin(): Tensor { return E.unary('sin', this); }
  asin(): Tensor { return E.unary('asin', this); }
  acos(): Tensor { return E.unary('acos', this); }
  atan(): Tensor { return E.unary('atan', this); }
  cos(): Tensor { return E.unary('cos', this); }
  sigmoid(): Tensor { return E.unary('sigmoid', this); }
  tanh(): Tensor { return E.unary('tanh', this); }
  relu(): Tensor { return E.unary('relu', this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return E.unary('leakyRelu', this, { alpha: negativeSlope }); }
  elu(alpha = 1): Tensor { return E.unary('elu', this, { alpha }); }
  gelu(): Tensor { return E.unary('gelu', this); }
  silu(): Tensor { return E.unary('silu', this); }
  erf(): Tensor { return E.unary('erf', this); }
  square(): Tensor { return E.unary('square', this); }
  reciprocal(): Tensor { return E.unary('reciprocal', this); }
  floor(): Tensor { return E.unary('floor', this); }
  ceil(): Tensor { return E.unary('ceil', this); }
  round(): Tensor { return E.unary('round', this); }
  logicalNot(): Tensor { return E.unary('not', this); }
  /** True where the value is neither infinite nor NaN (torch.isfinite). */
  isFinite(): Tensor { return E.unary('isfinite', this); }
  clamp(min?: number | null, max?: number | null): Tensor {
    return E.unary('clamp', this, { alpha: min ?? -Infinity, beta: max ?? Infinity });
  }
  log1p(): Tensor { return A.log1p(this); }
  expm1(): Tensor { return A.expm1(this); }
  log2(): Tensor { return A.log2(this); }
  log10(): Tensor { return A.log10(this); }
  tan(): Tensor { return A.tan(this); }
  atan2(x: TensorLike): Tensor { return A.atan2(this, x); }
  sinh(): Tensor { return A.sinh(this); }
  cosh(): Tensor { return A.cosh(this); }
  trunc(): Tensor { return A.trunc(this); }
  softplus(beta = 1, threshold = 20): Tensor { return A.softplus(this, beta, threshold); }
  fmod(o: TensorLike): Tensor { return A.fmod(this, o); }
  remainder(o: TensorLike): Tensor { return A.remainder(this, o); }
  cast(dtype: DType): Tensor { return E.cast(this, dtype); }
  float(): Tensor { return E.cast(this, 'float32'); }
  /** float16 copy (half the memory; computed in float32 on the CPU). */
  half(): Tensor { return E.cast(this, 'float16'); }
  int(): Tensor { return E.cast(this, 'int32'); }

  // ---- reductions --------------------------------------------------------------------

  sum(dim?: Dims, keepDim = false): Tensor { return R.reduce('sum', this, dim, keepDim); }
  mean(dim?: Dims, keepDim = false): Tensor { return R.reduce('mean', this, dim, keepDim); }
  prod(dim?: Dims, keepDim = false): Tensor { return R.reduce('prod', this, dim, keepDim); }
  max(dim?: Dims, keepDim = false): Tensor { return R.reduce('max', this, dim, keepDim); }
  min(dim?: Dims, keepDim = false): Tensor { return R.reduce('min', this, dim, keepDim); }
  argmax(dim?: number, keepDim = false): Tensor { return this._arg('argmax', dim, keepDim); }
  argmin(dim?: number, keepDim = false): Tensor { return this._arg('argmin', dim, keepDim); }
  var(dim?: Dims, keepDim = false, correction = 1): Tensor { return R.variance(this, dim, keepDim, correction); }
  std(dim?: Dims, keepDim = false, correction = 1): Tensor { return R.std(this, dim, keepDim, correction); }
  logsumexp(dim?: Dims, keepDim = false): Tensor { return R.logsumexp(this, dim, keepDim); }
  norm(p = 2, dim?: Dims, keepDim = false): Tensor { return M.norm(this, p, dim, keepDim); }
  cumsum(dim: number): Tensor { return M.cumsum(this, dim); }
  softmax(dim = -1): Tensor { return R.softmax(this, dim, false); }
  logSoftmax(dim = -1): Tensor { return R.softmax(this, dim, true); }

  private _arg(op: 'argmax' | 'argmin', dim: number | undefined, keepDim: boolean): Tensor {
    if (dim !== undefined) return R.reduce(op, this, dim, keepDim);
    const flat = S.reshape(this, [this.size]);
    try {
      return R.reduce(op, flat, 0, false);
    } finally {
      flat.dispose();
    }
  }

  // ---- linear algebra and shapes -----------------------------------------------------

  matmul(o: Tensor): Tensor { return matmul(this, o); }
  /** Transpose of the last two dims (identity for rank < 2). */
  get T(): Tensor { return S.transpose(this); }
  reshape(shape: readonly number[]): Tensor { return S.reshape(this, shape); }
  view(shape: readonly number[]): Tensor { return S.reshape(this, shape); }
  transpose(d0 = -2, d1 = -1): Tensor { return S.transpose(this, d0, d1); }
  permute(perm: readonly number[]): Tensor { return S.permute(this, perm); }
  squeeze(dim?: number | number[]): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  expand(shape: readonly number[]): Tensor { return S.expand(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  slice(dim: number, start = 0, end?: number, step = 1): Tensor { return S.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  pad(pads: readonly number[], value = 0): Tensor { return S.pad(this, pads, value); }
  /** concat([this, ...others], dim). */
  concat(others: readonly Tensor[], dim = 0): Tensor { return S.concat([this, ...others], dim); }
  /** stack([this, ...others], dim). */
  stack(others: readonly Tensor[], dim = 0): Tensor { return S.stack([this, ...others], dim); }
  flip(dims: number | number[]): Tensor { return M.flip(this, dims); }
  roll(shifts: number | number[], dims?: number | number[]): Tensor { return M.roll(this, shifts, dims); }
  repeat(reps: readonly number[]): Tensor { return M.repeat(this, reps); }
  tile(reps: readonly number[]): Tensor { return M.tile(this, reps); }
  tril(diagonal = 0): Tensor { return M.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return M.triu(this, diagonal); }
  maskedFill(mask: Tensor, value: number): Tensor { return M.maskedFill(this, mask, value); }
  split(size: number, dim = 0): Tensor[] { return M.split(this, size, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return M.chunk(this, chunks, dim); }
  gather(dim: number, idx: Tensor): Tensor { return I.gather(this, dim, idx); }
  indexSelect(dim: number, idx: Tensor): Tensor { return I.indexSelect(this, dim, idx); }
  scatterAdd(dim: number, idx: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, dim, idx, src); }
  indexAdd(dim: number, idx: Tensor, src: Tensor): Tensor { return I.indexAdd(this, dim, idx, src); }
}
