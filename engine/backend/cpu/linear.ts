/**
 * The optional `linear` kernel: out [m, n] = x [m, k] · weight [n, k]ᵀ + bias [n], bit for bit
 * what the matmul kernel and then the add kernel give (the bias joins each finished float32
 * sum in one rounding either way). Where the product runs on the WASM kernel and is written in
 * place in the shared memory, each chunk adds the bias to the block of C it just computed
 * (threadOps.ts OP_BIAS_*), on whichever thread ran it and while the block is in that core's
 * cache: no pass of its own over C, no second fork, no op to dispatch. Otherwise the add
 * kernel runs on C in place after the product.
 */
import type { KernelArgs, OptionalKernelArgs } from '../types.ts';
import { sharedAt } from './arena.ts';
import { matmul } from './matmul.ts';
import { THREADED_KERNELS } from './threaded.ts';

const FIRST = new Int32Array(1);

/** Where biases were added so far: inside the product's chunks, or by the add kernel after (tests check both ran). */
export const linearBiases = { inChunks: 0, after: 0 };

export function linear(a: OptionalKernelArgs['linear']): void {
  const { x, weight, bias, out, m, k, n } = a;
  const product: KernelArgs['matmul'] = { a: x, b: weight, out, batch: 1, m, k, n, transA: false, transB: true, aOffsets: FIRST, bOffsets: FIRST };
  const at = bias ? sharedAt(bias, 'float32') : -1;
  if (matmul(product, at)) {
    linearBiases.inChunks++;
    return;
  }
  if (!bias || m * n === 0) return;
  linearBiases.after++;
  THREADED_KERNELS.binary({ op: 'add', a: out, b: bias, out, aShape: [m, n], bShape: [n], outShape: [m, n] });
}
