/**
 * Creating tensors from host data: tensor() from numbers, nested arrays or typed arrays, the
 * usual factories, and the global seeded generator behind randn/rand/dropout/init
 * (manualSeed). Default dtype is float32; typed arrays keep their own dtype.
 */
import { backend as currentBackend } from '../backend/registry.ts';
import type { Backend, BackendBuffer } from '../backend/types.ts';
import type { DType, TypedArray } from '../core/dtype.ts';
import { dtypeOfArray, isFloat } from '../core/dtype.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { newStorage } from '../core/memory.ts';
import { Rng } from '../core/rng.ts';
import { checkShape, sizeOf } from '../core/shape.ts';
import { Tensor } from '../core/tensor.ts';
import { isTracing } from '../compile/trace.ts';

export type NestedArray = number | boolean | readonly NestedArray[];

export interface TensorOptions {
  shape?: readonly number[];
  dtype?: DType;
  requiresGrad?: boolean;
  /** Backend name; defaults to the current one (setBackend). */
  backend?: string;
}

let rng = new Rng(0);

/** Seeds every random draw in the engine (randn, rand, dropout, weight init). */
export function manualSeed(seed: number): void {
  rng = new Rng(seed);
}

/** The engine's global generator (for init and dropout). */
export function globalRng(): Rng {
  return rng;
}

/** Wraps host values as a tensor on a backend (the one primitive behind every factory). */
export function fromValues(values: ArrayLike<number>, shape: readonly number[], dtype: DType, opts: { requiresGrad?: boolean; backend?: Backend } = {}): Tensor {
  const be = opts.backend ?? currentBackend();
  const buf = be.alloc(dtype, sizeOf(shape));
  be.write(buf, values);
  const t = new Tensor(newStorage(be, buf), [...shape], dtype);
  if (opts.requiresGrad) {
    if (!isFloat(dtype)) throw new FlowgradError('dtype', `tensor: only floating tensors can require gradients (got ${dtype})`);
    t.requiresGrad = true;
  }
  return t;
}

/** A backend that can take host memory as a buffer without copying it (the cpu backend). */
type Adopting = Backend & { adopt(dtype: DType, data: TypedArray): BackendBuffer | null };
const canAdopt = (be: Backend): be is Adopting => typeof (be as Partial<Adopting>).adopt === 'function';

/**
 * A tensor over host memory the caller hands over and never writes again (a batch the data
 * loader has just built): a backend that computes on host memory uses the array itself as
 * the tensor's storage, saving the copy tensor() makes; others upload it as tensor() does.
 * A compile trace records host writes, so while one runs the data is written as usual.
 */
export function adoptTensor(data: Float32Array | Int32Array, shape: readonly number[]): Tensor {
  const be = currentBackend();
  const dtype = data instanceof Int32Array ? 'int32' : 'float32';
  if (sizeOf(shape) !== data.length) throw new FlowgradError('shape', `adoptTensor: ${data.length} values do not fill shape ${fmtShape(shape)}`);
  const buf = canAdopt(be) && !isTracing() ? be.adopt(dtype, data) : null;
  return buf ? new Tensor(newStorage(be, buf), [...shape], dtype) : fromValues(data, shape, dtype, { backend: be });
}

function flatten(data: NestedArray, shape: number[], out: number[], depth: number): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new FlowgradError('shape', `tensor: ragged nested array (length ${data.length} where ${shape[depth]} expected at depth ${depth})`);
    for (const x of data as NestedArray[]) flatten(x, shape, out, depth + 1);
    if (data.length === 0 && shape.length === depth + 1) return;
  } else {
    if (shape.length !== depth) throw new FlowgradError('shape', `tensor: ragged nested array (scalar at depth ${depth}, expected depth ${shape.length})`);
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : (data as number));
  }
}

function isBoolData(d: NestedArray): boolean {
  while (Array.isArray(d)) {
    if (d.length === 0) return false;
    d = d[0];
  }
  return typeof d === 'boolean';
}

/** A tensor from a number, a (nested) array or a typed array (with opts.shape; default 1-D). */
export function tensor(data: NestedArray | TypedArray | ArrayLike<number>, opts: TensorOptions = {}): Tensor {
  const be = opts.backend !== undefined ? currentBackendNamed(opts.backend) : currentBackend();
  if (ArrayBuffer.isView(data) || (!Array.isArray(data) && typeof data === 'object')) {
    const arr = data as ArrayLike<number>;
    const shape = checkShape('tensor', opts.shape ?? [arr.length]);
    if (sizeOf(shape) !== arr.length) throw new FlowgradError('shape', `tensor: ${arr.length} values do not fill shape ${fmtShape(shape)}`);
    const dtype = opts.dtype ?? dtypeOfArray(arr) ?? 'float32';
    return fromValues(arr, shape, dtype, { requiresGrad: opts.requiresGrad, backend: be });
  }
  const shape: number[] = [];
  const values: number[] = [];
  flatten(data as NestedArray, shape, values, 0);
  const dtype = opts.dtype ?? (isBoolData(data as NestedArray) ? 'bool' : 'float32');
  let finalShape = shape;
  if (opts.shape) {
    finalShape = checkShape('tensor', opts.shape);
    if (sizeOf(finalShape) !== values.length) throw new FlowgradError('shape', `tensor: ${values.length} values do not fill shape ${fmtShape(finalShape)}`);
  }
  return fromValues(values, finalShape, dtype, { requiresGrad: opts.requiresGrad, backend: be });
}

function currentBackendNamed(name: string): Backend {
  return currentBackend(name);
}

function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions): Tensor {
  const s = checkShape(op, shape);
  const dtype = opts.dtype ?? 'float32';
  const be = opts.backend !== undefined ? currentBackend(opts.backend) : currentBackend();
  const buf = be.alloc(dtype, sizeOf(s));
  be.run('fill', { out: buf, value });
  const t = new Tensor(newStorage(be, buf), s, dtype);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/** Same shape, dtype and backend as `like`, filled with `value`. */
export function fullLike(like: Tensor, value: number, opts: { dtype?: DType } = {}): Tensor {
  return filled('fullLike', like.shape, value, { dtype: opts.dtype ?? like.dtype, backend: like.backend });
}
export const zerosLike = (like: Tensor): Tensor => fullLike(like, 0);
export const onesLike = (like: Tensor): Tensor => fullLike(like, 1);

/** A rank-0 tensor holding v, typed to combine with `like` (float stays float, ints stay int). */
export function scalarLike(v: number | boolean, like: Tensor): Tensor {
  const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  let dtype: DType;
  if (isFloat(like.dtype)) dtype = like.dtype;
  else if (typeof v === 'boolean') dtype = 'bool';
  else dtype = Number.isInteger(n) ? (like.dtype === 'bool' ? 'int32' : like.dtype) : 'float32';
  return fromValues([n], [], dtype, { backend: like._storage.backend });
}

function random(op: string, shape: readonly number[], opts: TensorOptions, draw: () => number): Tensor {
  const s = checkShape(op, shape);
  const n = sizeOf(s);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = draw();
  const be = opts.backend !== undefined ? currentBackend(opts.backend) : currentBackend();
  return fromValues(vals, s, opts.dtype ?? 'float32', { requiresGrad: opts.requiresGrad, backend: be });
}

/** Standard normal samples from the global seeded generator. */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return random('randn', shape, opts, () => rng.normal());
}

/** Uniform samples in [0, 1) from the global seeded generator. */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return random('rand', shape, opts, () => rng.next());
}

/** Uniform samples in [lo, hi). */
export function uniform(shape: readonly number[], lo: number, hi: number, opts: TensorOptions = {}): Tensor {
  return random('uniform', shape, opts, () => rng.uniform(lo, hi));
}

/** arange(end) or arange(start, end, step?) like PyTorch; float32 unless opts.dtype. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new FlowgradError('bad-argument', 'arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return fromValues(vals, [n], opts.dtype ?? 'float32', { requiresGrad: opts.requiresGrad, backend: opts.backend !== undefined ? currentBackend(opts.backend) : undefined });
}

/** n×m identity (m defaults to n). */
export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  const vals = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) vals[i * m + i] = 1;
  return fromValues(vals, checkShape('eye', [n, m]), opts.dtype ?? 'float32', { requiresGrad: opts.requiresGrad, backend: opts.backend !== undefined ? currentBackend(opts.backend) : undefined });
}
