/**
 * Kernel name → launches: the WebGPU counterpart of the CPU backend's kernel table, core and
 * optional kernels together (types.ts KernelTable; `null` marks an optional kernel this
 * backend leaves to the ops' composed path). Each entry turns an argument record into zero or
 * more Launches (program + buffers + params + grid); the backend encodes them in order. Empty
 * outputs launch nothing. A row that needs a scratch buffer allocates it from `temp` and
 * frees it once its launches are encoded (reuse is ordered after them on the one queue).
 */
import type { AllKernelArgs, AnyKernelName, KernelTable } from '../types.ts';
import { convLaunches, type TempSink } from './conv.ts';
import { binaryLaunch, castLaunch, copyLaunch, fillLaunch, unaryLaunch, whereLaunch } from './elementwise.ts';
import { gatherLaunch, indexAddLaunch, indexSelectLaunch, scatterAddLaunch } from './indexing.ts';
import { col2imLaunch, im2colLaunch, maxPool2dLaunch } from './im2col.ts';
import { adamLaunch, adamMultiLaunches, ampUpdateLaunch, perTensor, sgdLaunch, sgdMultiLaunches, sumSquaresLaunches, sumSquaresPartials } from './optim.ts';
import { matmulLaunches } from './matmul.ts';
import type { MatmulConfig } from './matmul.ts';
import type { Launch } from './program.ts';
import { reduceLaunch, softmaxLaunch } from './reduce.ts';

export interface KernelConfig {
  matmul: MatmulConfig;
  /** The device's storage-buffer bindings per stage (multi-tensor kernels pack this many). */
  maxBindings: number;
}

type GpuKernelRows = { [K in AnyKernelName]: (a: AllKernelArgs[K], cfg: KernelConfig, temp: TempSink) => Iterable<Launch> };

const when = (count: number, f: () => Launch): Launch[] => (count > 0 ? [f()] : []);

export const WEBGPU_KERNELS: KernelTable<GpuKernelRows> = {
  unary: (a) => when(a.out.size, () => unaryLaunch(a)),
  binary: (a) => when(a.out.size, () => binaryLaunch(a)),
  where: (a) => when(a.out.size, () => whereLaunch(a)),
  reduce: (a) => when(a.outer * a.inner, () => reduceLaunch(a)),
  matmul: (a, cfg) => (a.batch * a.m * a.n > 0 ? matmulLaunches(a, cfg.matmul) : []),
  copy: (a) => when(a.shape.reduce((p, d) => p * d, 1), () => copyLaunch(a)),
  fill: (a) => when(a.out.size, () => fillLaunch(a)),
  cast: (a) => when(a.out.size, () => castLaunch(a)),
  softmax: (a) => when(a.outer * a.inner * a.n, () => softmaxLaunch(a)),
  indexSelect: (a) => when(a.outer * a.m * a.inner, () => indexSelectLaunch(a)),
  indexAdd: (a) => when(a.outer * a.n * a.inner, () => indexAddLaunch(a)),
  gather: (a) => when(a.out.size, () => gatherLaunch(a)),
  scatterAdd: (a) => (a.out.size === 0 ? [] : a.zero ? [fillLaunch({ out: a.out, value: 0 }), scatterAddLaunch(a)] : [scatterAddLaunch(a)]),
  sgd: (a) => when(a.param.size, () => sgdLaunch(a)),
  adam: (a) => when(a.param.size, () => adamLaunch(a)),
  im2col: (a) => when(a.c * a.kh * a.kw * a.oh * a.ow, () => im2colLaunch(a)),
  col2im: (a) => when(a.c * a.h * a.w, () => col2imLaunch(a)),
  maxPool2d: (a) => when(a.nc * a.oh * a.ow, () => maxPool2dLaunch(a)),
  // Optional kernels: direct (implicit-GEMM) convolution, see conv.ts.
  conv2d: (a, cfg, temp) => (a.out.size === 0 ? [] : convLaunches('conv2d', a, cfg.matmul, temp)),
  conv2dWeightGrad: (a, cfg, temp) => (a.out.size === 0 ? [] : convLaunches('conv2dWeightGrad', a, cfg.matmul, temp)),
  // Average pooling runs as one im2col and a mean on this backend (ops/conv.ts avgPool2d).
  avgPool2d: null,
  avgPool2dGrad: null,
  // Cross-entropy runs as softmax + gather on this backend (ops/crossentropy.ts composes it).
  crossEntropy: null,
  crossEntropyGrad: null,
  // A linear layer runs as matmul, then the bias add (nn/functional.ts linear).
  linear: null,
  // Multi-tensor optimizer steps: as few dispatches as the binding limit allows when the tensors sit in arenas (optim.ts).
  adamMulti: (a, cfg) => adamMultiLaunches(a, cfg.maxBindings) ?? perTensor('adamMulti', a),
  sgdMulti: (a, cfg) => sgdMultiLaunches(a, cfg.maxBindings) ?? perTensor('sgdMulti', a),
  sumSquares: sumSquares,
  ampUpdate: (a) => [ampUpdateLaunch(a)],
};

/** Σ x² over many tensors: partial sums per workgroup, then one reduction (optim.ts). */
function* sumSquares(a: AllKernelArgs['sumSquares'], cfg: KernelConfig, temp: TempSink): Generator<Launch> {
  const n = sumSquaresPartials(a.xs.length, cfg.maxBindings, a.scale !== null);
  if (n === 0) { yield fillLaunch({ out: a.out, value: 0 }); return; }
  const partials = temp.alloc('float32', n);
  try {
    yield* sumSquaresLaunches(a, cfg.maxBindings, partials);
    yield reduceLaunch({ op: 'sum', x: partials, out: a.out, outer: 1, n, inner: 1 });
  } finally {
    temp.free(partials);
  }
}
