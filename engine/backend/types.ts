/**
 * The contract between ops and backends: a backend allocates buffers, moves bytes in and out
 * and runs named kernels. Ops never touch memory directly, so a GPU backend (async reads,
 * queued dispatches) can join later without changing any op. Kernel arguments are plain
 * records with shapes already resolved by the op's shape rule; kernels do no validation.
 *
 * Layout conventions: every buffer is dense row-major. Reductions, softmax and index kernels
 * see their input as [outer, n, inner] around the reduced axis; strided copies describe any
 * permute/expand/slice/pad as (shape, strides, offset) on both sides.
 */
import type { DType, TypedArray } from '../core/dtype.ts';

export interface BackendBuffer {
  readonly dtype: DType;
  readonly size: number;
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'sin' | 'cos' | 'sigmoid'
  | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'silu' | 'erf' | 'clamp' | 'square'
  | 'reciprocal' | 'floor' | 'ceil' | 'round' | 'not' | 'identity' | 'asin' | 'acos' | 'atan' | 'isfinite';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'and' | 'or'
  /** ReLU's backward in one pass: a where b > 0, else 0 (a the output gradient, b the input; NaN b gives 0). */
  | 'reluGrad'
  /** tanh's backward in one pass: a·(1 − b²) (a the output gradient, b tanh's output). */
  | 'tanhGrad'
  /** The sigmoid's backward in one pass: a·b·(1 − b) (a the output gradient, b the sigmoid's output). */
  | 'sigmoidGrad';

export type ReduceOp = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

type B = BackendBuffer;

/** Kernel name → argument record. Output buffers are allocated by the caller. */
export interface KernelArgs {
  /** out = f(x) elementwise; `alpha`/`beta` parametrise leakyRelu/elu (alpha) and clamp (alpha=min, beta=max). */
  unary: { op: UnaryOp; x: B; out: B; alpha?: number; beta?: number };
  /** out = a ∘ b with NumPy broadcasting; shapes are given, outShape already broadcast. */
  binary: { op: BinaryOp; a: B; b: B; out: B; aShape: readonly number[]; bShape: readonly number[]; outShape: readonly number[] };
  /** out = cond ? a : b, all broadcast to outShape. */
  where: { cond: B; a: B; b: B; out: B; condShape: readonly number[]; aShape: readonly number[]; bShape: readonly number[]; outShape: readonly number[] };
  /** Reduce x viewed as [outer, n, inner] over n; out has outer*inner elements. */
  reduce: { op: ReduceOp; x: B; out: B; outer: number; n: number; inner: number };
  /** out[b] = op(a[b]) @ op(b[b]); a/b batch element i starts at aOffsets[i]/bOffsets[i]. */
  matmul: { a: B; b: B; out: B; batch: number; m: number; k: number; n: number; transA: boolean; transB: boolean; aOffsets: Int32Array; bOffsets: Int32Array };
  /** out[dst view] = x[src view]; views are (shape, strides, offset) over the flat buffers. */
  copy: { x: B; out: B; shape: readonly number[]; srcStrides: readonly number[]; srcOffset: number; dstStrides: readonly number[]; dstOffset: number };
  fill: { out: B; value: number };
  cast: { x: B; out: B };
  /** Along axis n of [outer, n, inner] views: softmax or log-softmax. */
  softmax: { x: B; out: B; outer: number; n: number; inner: number; log: boolean };
  /** out[o, i, j] = x[o, idx[i], j]; x is [outer, n, inner], idx has m entries, out [outer, m, inner]. */
  indexSelect: { x: B; idx: B; out: B; outer: number; n: number; inner: number; m: number };
  /** out (pre-filled) [outer, n, inner] += src [outer, m, inner] at rows idx. */
  indexAdd: { src: B; idx: B; out: B; outer: number; n: number; inner: number; m: number };
  /** PyTorch gather along dim: out[..i..] = x[..idx[..i..]..]; shapes given in full. */
  gather: { x: B; idx: B; out: B; xShape: readonly number[]; idxShape: readonly number[]; dim: number };
  /**
   * out (pre-filled, shape outShape) scatter-adds src (shape idxShape) at idx along dim; with
   * `zero`, out's contents are ignored and the result is zeros with src added (gather's
   * gradient: a backend may zero and scatter in one pass).
   */
  scatterAdd: { src: B; idx: B; out: B; outShape: readonly number[]; idxShape: readonly number[]; dim: number; zero?: boolean };
  /**
   * In-place fused SGD step on one parameter (PyTorch semantics). `gradScale`, when given, is
   * a float32 [3] buffer [multiplier, skip, skipped so far]: the gradient is used times the
   * multiplier (loss unscaling, clipping), a non-zero skip leaves parameter and state
   * untouched (a non-finite gradient under loss scaling), and Adam's bias corrections count
   * `step − skipped so far` steps — all decided on the device, without a readback.
   */
  sgd: { param: B; grad: B; buf: B | null; lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; first: boolean; maximize: boolean; gradScale?: B | null };
  /** In-place fused Adam/AdamW step on one parameter (PyTorch semantics); `step` counts from 1; `gradScale` as for sgd. */
  adam: { param: B; grad: B; m: B; v: B; vMax: B | null; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; step: number; maximize: boolean; gradScale?: B | null };
  /** im2col for conv: x [C, H, W] at xOffset → cols [C*kh*kw, oh*ow] at outOffset. */
  im2col: { x: B; out: B; xOffset: number; outOffset: number; c: number; h: number; w: number; kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number };
  /** col2im: cols [C*kh*kw, oh*ow] at colsOffset accumulated into out [C, H, W] at outOffset (pre-filled). */
  col2im: { cols: B; out: B; colsOffset: number; outOffset: number; c: number; h: number; w: number; kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number };
  /** Max pooling over [nc, h, w] → [nc, oh, ow] (padding counts as -inf); argmax gets flat h*w indices. */
  maxPool2d: { x: B; out: B; argmax: B; nc: number; h: number; w: number; oh: number; ow: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number };
}

export type KernelName = keyof KernelArgs;

/** Geometry of a stride-1, one-group convolution: x [n, c, h, w] ⊛ weight [o, c, kh, kw]; oh = h + 2ph − dh·(kh − 1). */
export interface DirectConvGeometry { n: number; c: number; h: number; w: number; o: number; kh: number; kw: number; ph: number; pw: number; dh: number; dw: number }

/** The geometry of average pooling (the optional avgPool2d kernels): nc planes of [h, w] into [oh, ow]. */
export interface AvgPoolArgs { nc: number; h: number; w: number; oh: number; ow: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; countIncludePad: boolean }

/**
 * Optional kernels: fused fast paths a backend may offer (it says which through
 * `Backend.supports`). Ops ask first and otherwise compute the same thing from the core
 * kernels, so a backend without them loses nothing. Each writes its `out` buffer whole and
 * reads nothing else it writes (so compiled plans treat them like any core kernel).
 */
export interface OptionalKernelArgs {
  /**
   * out [m, n] = x [m, k] · weight [n, k]ᵀ (+ bias [n]): a linear layer, the bias added to each
   * finished sum as the add kernel would (the same rounding as matmul, then add).
   */
  linear: { x: B; weight: B; bias: B | null; out: B; m: number; k: number; n: number };
  /** out [n, o, oh, ow] = x ⊛ weight (+ bias [o]); cross-correlation, zero padding. */
  conv2d: DirectConvGeometry & { x: B; weight: B; bias: B | null; out: B };
  /** The weight gradient of conv2d: out [o, c, kh, kw] = Σ_{n, oy, ox} dy[n, o, oy, ox]·x[n, c, oy − ph + ki·dh, ox − pw + kj·dw]. */
  conv2dWeightGrad: DirectConvGeometry & { x: B; dy: B; out: B };
  /**
   * Average pooling of nc planes [h, w] into [oh, ow], dilation 1, zero padding: each window's
   * in-bounds sum over kh·kw (countIncludePad) or over its in-bounds count.
   */
  avgPool2d: AvgPoolArgs & { x: B; out: B };
  /** Its gradient, out [nc, h, w]: each pixel's sum of dy / divisor over the windows that cover it. */
  avgPool2dGrad: AvgPoolArgs & { dy: B; out: B };
  /** Logits viewed [outer, n, inner], int32 classes [outer, inner]: out [outer, inner] = logsumexp − logit[class]. */
  crossEntropy: { logits: B; target: B; out: B; outer: number; n: number; inner: number };
  /** Its gradient: out [outer, n, inner] = grad[outer, inner]·(softmax(logits) − onehot(class)). */
  crossEntropyGrad: { logits: B; target: B; grad: B; out: B; outer: number; n: number; inner: number };
  /**
   * The `adam` step of many parameters at once, as few dispatches as the device's binding
   * limit allows (one for most models). Parameters and each state list are views of one
   * allocGroup() arena each, with the same layout; `steps[i]` is parameter i's step count.
   */
  adamMulti: Omit<KernelArgs['adam'], 'param' | 'grad' | 'm' | 'v' | 'vMax' | 'step'> & { params: B[]; grads: B[]; m: B[]; v: B[]; vMax: B[] | null; steps: number[] };
  /** The `sgd` step of many parameters at once (parameters and momentum buffers as for adamMulti); `first[i]` per parameter. */
  sgdMulti: Omit<KernelArgs['sgd'], 'param' | 'grad' | 'buf' | 'first'> & { params: B[]; grads: B[]; bufs: B[] | null; first: boolean[] };
  /**
   * out [1] float32 = Σ over every element of every tensor of (x · m)², m = 1/scale[0] when
   * `scale` is given: the joint squared norm of many gradients (unscaled) in a pass or two,
   * for clipping and the loss scaler's overflow check.
   */
  sumSquares: { xs: B[]; scale: B | null; out: B };
  /**
   * The loss scaler's bookkeeping in one step (amp/scaler.ts), on float32 buffers: scale [S],
   * counts [good steps, skipped steps], norm2 [1] the unscaled gradients' squared norm. Writes
   * gradScale [3] = [coef/S, found, skipped] for this step's optimizer update (found: norm2 is
   * inf/NaN; coef = min(1, maxNorm/(√norm2 + 1e-6)), or 1 when maxNorm is 0), then moves
   * scale and counts to the next step in place: found → S·backoff, good 0, skipped + 1; else
   * good + 1, and at growthInterval S·growth with good 0.
   */
  ampUpdate: { norm2: B; scale: B; counts: B; gradScale: B; maxNorm: number; growthFactor: number; backoffFactor: number; growthInterval: number };
}

export type OptionalKernelName = keyof OptionalKernelArgs;

/** Every kernel's argument record, core and optional: what `Backend.run` takes. */
export type AllKernelArgs = KernelArgs & OptionalKernelArgs;
export type AnyKernelName = keyof AllKernelArgs;

/**
 * A backend's kernel table, given how it runs each kernel (`Row[K]`): a row for every core
 * kernel, and for every optional kernel a row or `null` (not supported: ops compose the same
 * result from core kernels). One table per backend, so a kernel added to KernelArgs or
 * OptionalKernelArgs without its row on some backend does not compile.
 */
export type KernelTable<Row extends { [K in AnyKernelName]: unknown }> = {
  readonly [K in AnyKernelName]: Row[K] | (K extends OptionalKernelName ? null : never);
};

/** The row shape of the host (CPU, reference) backends: run the kernel on the argument record. */
export type HostKernelRows = { [K in AnyKernelName]: (a: AllKernelArgs[K]) => void };

export interface MemoryInfo {
  bytesInUse: number;
  bytesPooled: number;
}

/**
 * One node of a fused elementwise kernel (engine/compile builds these from chains of unary,
 * binary, where and cast kernels). Operands are indices of earlier nodes; every node has the
 * dtype its eager kernel would have stored, so a fused kernel rounds exactly like the chain.
 * An 'input' node reads fused input `input` through a view: the output's index space
 * factored as `shape` (dense, same element count as the output) with element `strides` into
 * that input (0 along broadcast dims). The same IR suits CPU loops and GPU code generation.
 */
export type FusedNode = { dtype: DType } & (
  | { kind: 'input'; input: number; shape: readonly number[]; strides: readonly number[] }
  | { kind: 'const'; value: number }
  | { kind: 'unary'; op: UnaryOp; x: number; alpha?: number; beta?: number }
  | { kind: 'binary'; op: BinaryOp; a: number; b: number }
  | { kind: 'where'; cond: number; a: number; b: number }
  | { kind: 'cast'; x: number }
);

/** out[i] = value of the last node at element i, for every i < out.size. */
export interface FusedArgs {
  nodes: readonly FusedNode[];
  inputs: BackendBuffer[];
  out: BackendBuffer;
}

export interface Backend {
  readonly name: string;
  /** True when readSync works (CPU backends). */
  readonly canReadSync: boolean;
  /** A buffer of `size` elements; contents unspecified (kernels overwrite or the caller fills). */
  alloc(dtype: DType, size: number): BackendBuffer;
  /**
   * Optional: buffers of these sizes as views of one contiguous allocation (a flat arena), for
   * kernels that process many tensors in one dispatch (adamMulti, sgdMulti). Each view is
   * freed on its own; the arena goes when the last one does.
   */
  allocGroup?(dtype: DType, sizes: readonly number[]): BackendBuffer[];
  free(buf: BackendBuffer): void;
  write(buf: BackendBuffer, data: ArrayLike<number>): void;
  read(buf: BackendBuffer): Promise<TypedArray>;
  readSync(buf: BackendBuffer): TypedArray;
  /** Runs a core kernel, or an optional one the backend `supports`. */
  run<K extends AnyKernelName>(kernel: K, args: AllKernelArgs[K]): void;
  /** Optional: whether `run` also takes this optional kernel (absent: none). */
  supports?(kernel: OptionalKernelName): boolean;
  /** Optional: one fused elementwise kernel (compiled plans fall back to the unfused chain without it). */
  runFused?(args: FusedArgs): void;
  /**
   * Optional, for host-memory backends: the bytes `buf` counts in memory(). Its presence says
   * the garbage collector may reclaim a buffer whose tensor was dropped undisposed, so the
   * engine's finalizers keep no hold on it (core/memory.ts) and report it with `reclaimed`.
   */
  hostBytes?(buf: BackendBuffer): number;
  /** Optional (with hostBytes): a buffer of `bytes` was reclaimed by the GC without free(). */
  reclaimed?(bytes: number): void;
  /** Submit queued work (no-op on CPU backends). */
  flush(): void;
  memory(): MemoryInfo;
}
