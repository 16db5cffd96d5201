/**
 * The op contract and the single place where an op runs. Every differentiable operation is
 * an OpDef: its name, its shape rule (output shape and dtype, raising 'shape' errors), its
 * forward (which backend kernels it dispatches) and its gradient rule — written with other
 * ops, so gradients are themselves differentiable (backward with createGraph). apply()
 * checks inputs, allocates the output, runs the kernels and records the graph node.
 */
import type { AllKernelArgs, Backend, BackendBuffer, OptionalKernelArgs, OptionalKernelName } from '../backend/types.ts';
import { backend as currentBackend } from '../backend/registry.ts';
import type { DType } from '../core/dtype.ts';
import { isFloat } from '../core/dtype.ts';
import { FlowgradError } from '../core/errors.ts';
import { newStorage } from '../core/memory.ts';
import type { Storage } from '../core/memory.ts';
import { sizeOf } from '../core/shape.ts';
import { Tensor } from '../core/tensor.ts';
import { isGradEnabled } from '../autograd/mode.ts';

export interface OutMeta {
  shape: number[];
  dtype: DType;
}

export interface OpDef<A = void> {
  readonly name: string;
  /** Output shape and dtype; throws FlowgradError('shape' | 'dtype') on bad inputs. */
  shape(inputs: readonly Tensor[], attrs: A): OutMeta;
  /** Runs the kernels writing `out` (dense, shape from `shape`). Absent for view ops. */
  forward?(be: Backend, inputs: readonly Tensor[], out: BackendBuffer, attrs: A, meta: OutMeta): void;
  /** View ops share input 0's storage (same elements in the same order, new shape). */
  readonly view?: boolean;
  /** Gradient for each input given the output gradient g; null where none flows. */
  grad?(g: Tensor, inputs: readonly Tensor[], out: Tensor, attrs: A): (Tensor | null)[];
}

export interface GradNode {
  readonly op: OpDef<unknown>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
}

export function apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  for (const t of inputs) t._live(op.name);
  const be = inputs.length > 0 ? inputs[0]._storage.backend : currentBackend();
  for (const t of inputs) {
    if (t._storage.backend !== be) {
      throw new FlowgradError('backend', `${op.name}: inputs live on different backends (${be.name} and ${t._storage.backend.name}); move one with .to()`);
    }
  }
  const meta = op.shape(inputs, attrs);
  let storage: Storage;
  if (op.view) {
    storage = inputs[0]._storage;
    storage.refs++;
  } else {
    const buf = be.alloc(meta.dtype, sizeOf(meta.shape));
    try {
      op.forward!(be, inputs, buf, attrs, meta);
    } catch (e) {
      be.free(buf);
      throw e;
    }
    storage = newStorage(be, buf);
  }
  const out = new Tensor(storage, meta.shape, meta.dtype);
  if (op.grad && isGradEnabled() && isFloat(meta.dtype) && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out._leaf = false;
    for (const t of inputs) t._rc++;
    out._h.node = { op: op as OpDef<unknown>, inputs: [...inputs], attrs } satisfies GradNode;
  }
  return out;
}

/** A backend buffer holding `t` converted to `dtype` (t's own buffer when it already is). */
export function asDtype(be: Backend, t: Tensor, dtype: DType): { buf: BackendBuffer; temp: boolean } {
  if (t.dtype === dtype) return { buf: t._storage.buf, temp: false };
  const buf = be.alloc(dtype, t.size);
  be.run('cast', { x: t._storage.buf, out: buf });
  return { buf, temp: true };
}

/** Runs `body` with every input's buffer converted to `dtype`, freeing the temporaries. */
export function withDtype(be: Backend, ts: readonly Tensor[], dtype: DType, body: (bufs: BackendBuffer[]) => void): void {
  const conv = ts.map((t) => asDtype(be, t, dtype));
  try {
    body(conv.map((c) => c.buf));
  } finally {
    for (const c of conv) if (c.temp) be.free(c.buf);
  }
}

/** Whether `be` runs optional kernel `kernel` (backend/types.ts OptionalKernelArgs). */
export function supports(be: Backend, kernel: OptionalKernelName): boolean {
  return be.supports?.(kernel) ?? false;
}

/** Runs an optional kernel through the backend's `run` (so compile traces record it like any other); ask `supports` first. */
export function runOptional<K extends OptionalKernelName>(be: Backend, kernel: K, args: OptionalKernelArgs[K]): void {
  // AllKernelArgs[K] is OptionalKernelArgs[K] for an optional K; the compiler cannot see it for a generic K.
  be.run(kernel, args as AllKernelArgs[K]);
}
