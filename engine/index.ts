/**
 * Flowgrad's public surface: PyTorch-like, camelCase. Everything a training loop needs —
 * tensors and their factories, autograd switches, memory scopes, nn / F / optim and the
 * backend switch — is exported from here; internals stay behind it.
 */
import './backend/registry.ts';

export { Tensor } from './core/tensor.ts';
export type { TensorLike, NestedNumbers } from './core/tensor.ts';
export type { DType, TypedArray } from './core/dtype.ts';
export { FlowgradError, isFlowgradError } from './core/errors.ts';
export type { ErrorCode } from './core/errors.ts';
export { scope, memory, keep } from './core/memory.ts';
export type { MemoryInfo } from './core/memory.ts';
export { noGrad, enableGrad, isGradEnabled } from './autograd/mode.ts';
export type { BackwardOptions, GradOptions } from './autograd/backward.ts';
export * as autograd from './autograd/index.ts';
export { setBackend, getBackend, listBackends } from './backend/registry.ts';
export type { Backend } from './backend/types.ts';
export {
  tensor, zeros, ones, full, fullLike, zerosLike, onesLike, randn, rand, uniform, arange, eye, manualSeed,
  where, cast, concat, stack, matmul, reshape, permute, transpose, expand, squeeze, unsqueeze, flatten,
  slice, narrow, pad, gather, indexSelect, scatterAdd, indexAdd, softmax, logsumexp, OPS,
} from './ops/index.ts';
export type { TensorOptions, NestedArray, OpDef } from './ops/index.ts';
export * as nn from './nn/index.ts';
export * as F from './nn/functional.ts';
export * as optim from './optim/index.ts';
