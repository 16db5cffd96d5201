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
export { getThreads, setThreads } from './backend/cpu/pool.ts';
export { AUTO_MAX_THREADS, canShareMemory, setThreadHost, threadHost, threadsFor } from './core/threads.ts';
export type { ThreadHandle, ThreadHost } from './core/threads.ts';
export { replicaHost, setReplicaHost } from './train/replicas/host.ts';
export type { ReplicaHost } from './train/replicas/host.ts';
export type { ReplicaOutcome } from './train/replicas/group.ts';
export { parallelPlan, THREAD_MODES } from './train/replicas/plan.ts';
export type { ParallelPlan, ThreadMode } from './train/replicas/plan.ts';
export { replicaRefusal } from './train/replicas/safety.ts';
export type { Backend } from './backend/types.ts';
export { chooseBackend, createWebGPUBackend } from './backend/webgpu/index.ts';
export type { AdapterDescription, BackendChoice, BackendPreference, WebGPUBackend, WebGPUStats } from './backend/webgpu/index.ts';
export {
  tensor, zeros, ones, full, fullLike, zerosLike, onesLike, randn, rand, uniform, arange, eye, manualSeed,
  where, cast, concat, stack, matmul, reshape, permute, transpose, expand, squeeze, unsqueeze, flatten,
  slice, narrow, pad, gather, indexSelect, scatterAdd, indexAdd, softmax, logsumexp, OPS,
  log1p, expm1, log2, log10, exp2, tan, sinh, cosh, trunc, fmod, remainder, lerp, hypot, logaddexp, addcmul,
  cumsum, flip, roll, repeat, tile, repeatInterleave, tril, triu, maskedFill, split, chunk, outer, norm,
} from './ops/index.ts';
export type { TensorOptions, NestedArray, OpDef } from './ops/index.ts';
export * as nn from './nn/index.ts';
export * as F from './nn/functional.ts';
export * as optim from './optim/index.ts';
export * as amp from './amp/index.ts';
export { compile, compileModule } from './compile/index.ts';
export type { CompileOptions, CompiledFunction, PlanStats } from './compile/index.ts';
export * as data from './data/index.ts';
export { atan2 } from './ops/index.ts';
