/**
 * The multi-tensor optimizer kernels (adamMulti, sgdMulti) as the per-tensor kernels they
 * stand for. Backends without a faster form (CPU, reference, and WebGPU when the tensors are
 * not in arenas) run these one by one, so every backend has the same semantics.
 */
import type { KernelArgs, OptionalKernelArgs } from './types.ts';

export function splitAdam(a: OptionalKernelArgs['adamMulti']): KernelArgs['adam'][] {
  const { params, grads, m, v, vMax, steps, ...common } = a;
  return params.map((param, i) => ({ ...common, param, grad: grads[i]!, m: m[i]!, v: v[i]!, vMax: vMax ? vMax[i]! : null, step: steps[i]! }));
}

export function splitSgd(a: OptionalKernelArgs['sgdMulti']): KernelArgs['sgd'][] {
  const { params, grads, bufs, first, ...common } = a;
  return params.map((param, i) => ({ ...common, param, grad: grads[i]!, buf: bufs ? bufs[i]! : null, first: first[i]! }));
}
