/**
 * Automatic mixed precision, PyTorch's autocast: inside `autocast(fn)`, the ops that carry
 * the FLOPs and the bandwidth — matmul (so linear and attention), convolutions — cast their
 * float32 inputs to float16 and produce float16, while the ops that need range or precision
 * — softmax / log-softmax, normalisation layers, losses — upcast float16 inputs to float32.
 * Elementwise ops follow their inputs (float16 with float32 promotes to float32). Parameters
 * stay float32 ("master weights"): the cast is an op, so their gradients arrive in float32.
 * Pair it with a GradScaler so small float16 gradients do not flush to zero.
 *
 * This file holds only the mode; the ops consult it (ops/matmul.ts, ops/conv.ts,
 * ops/reduce.ts, nn/norm.ts, nn/losses.ts). `fn` must be synchronous, like scope().
 */
import type { DType } from '../core/dtype.ts';
import type { Tensor } from '../core/tensor.ts';

let active: DType | null = null;

export interface AutocastOptions {
  /** Low-precision dtype (float16, the only one WebGPU and the CPU store). */
  dtype?: 'float16';
  /** false runs fn without autocast (convenient for a config flag). */
  enabled?: boolean;
}

/** Runs fn with autocast on (see the file header). */
export function autocast<T>(fn: () => T, opts: AutocastOptions = {}): T {
  const prev = active;
  active = opts.enabled === false ? null : (opts.dtype ?? 'float16');
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/** The dtype low-precision ops compute in right now, or null outside autocast. */
export function autocastDtype(): DType | null {
  return active;
}

/** An input of a low-precision op (matmul, conv): float32 cast to the autocast dtype; anything else as is. */
export function lowPrecision(x: Tensor): Tensor;
export function lowPrecision(x: Tensor | null | undefined): Tensor | null | undefined;
export function lowPrecision(x: Tensor | null | undefined): Tensor | null | undefined {
  return active && x && x.dtype === 'float32' ? x.cast(active) : x;
}

/** An input of a precision-sensitive op (softmax, norms, losses): float16 upcast to float32 under autocast. */
export function fullPrecision(x: Tensor): Tensor {
  return active && x.dtype === 'float16' ? x.cast('float32') : x;
}

/**
 * Why mixed precision cannot run on `be`, or null when it can: a WebGPU device needs the
 * shader-f16 feature for float16 buffers; the CPU and reference backends store float16 always.
 */
export function mixedPrecisionUnavailable(be: { name: string; hasFloat16?: boolean; adapter?: { description?: string; architecture?: string } }): string | null {
  if (be.hasFloat16 !== false) return null;
  const gpu = be.adapter?.description || be.adapter?.architecture || 'this GPU';
  return `Mixed precision needs float16 support on the GPU (WebGPU 'shader-f16'), which ${gpu} lacks: turn Mixed precision off in the training settings`;
}
