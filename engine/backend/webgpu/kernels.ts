/**
 * Kernel name → launches: the WebGPU counterpart of the CPU backend's kernel table. Each
 * entry turns a KernelArgs record into zero or more Launches (program + buffers + params +
 * grid); the backend encodes them. Empty outputs launch nothing.
 */
import type { KernelArgs, KernelName } from '../types.ts';
import { binaryLaunch, castLaunch, copyLaunch, fillLaunch, unaryLaunch, whereLaunch } from './elementwise.ts';
import { gatherLaunch, indexAddLaunch, indexSelectLaunch, scatterAddLaunch } from './indexing.ts';
import { col2imLaunch, im2colLaunch, maxPool2dLaunch } from './im2col.ts';
import { adamLaunch, sgdLaunch } from './optim.ts';
import { matmulLaunches } from './matmul.ts';
import type { MatmulConfig } from './matmul.ts';
import type { Launch } from './program.ts';
import { reduceLaunch, softmaxLaunch } from './reduce.ts';

export interface KernelConfig { matmul: MatmulConfig }

type Table = { [K in KernelName]: (a: KernelArgs[K], cfg: KernelConfig) => Launch[] };

const when = (count: number, f: () => Launch): Launch[] => (count > 0 ? [f()] : []);

export const WEBGPU_KERNELS: Table = {
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
  scatterAdd: (a) => when(a.out.size, () => scatterAddLaunch(a)),
  sgd: (a) => when(a.param.size, () => sgdLaunch(a)),
  adam: (a) => when(a.param.size, () => adamLaunch(a)),
  im2col: (a) => when(a.c * a.kh * a.kw * a.oh * a.ow, () => im2colLaunch(a)),
  col2im: (a) => when(a.c * a.h * a.w, () => col2imLaunch(a)),
  maxPool2d: (a) => when(a.nc * a.oh * a.ow, () => maxPool2dLaunch(a)),
};
