// The one-kernel linear layer (linear.ts) against matmul then add, bit for bit: forward and
// every gradient, at 1 and 2 threads, over products whose bias goes in the product's chunks
// (split over column panels, over row panels, the packed kernel) and ones where it goes after
// (an output not written in place, a product too thin for the WASM kernel).
import { afterAll, describe, expect, it } from 'vitest';
import { nodeThreadHost } from '../../cli/nodeThreads.ts';
import { F, nn, setBackend, setThreadHost, setThreads, tensor } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { linearFused, matmulT } from '../../ops/matmul.ts';
import { seededFloats as rand } from '../../test/seeded.ts';
import { linearBiases } from './linear.ts';

setBackend('cpu');
const t = (shape: number[], seed: number): Tensor => tensor(rand(shape.reduce((a, b) => a * b, 1), seed), { shape, dtype: 'float32' });

/** [m, k, n] and where the bias goes. */
const SHAPES: [number, number, number, 'inChunks' | 'after'][] = [
  [128, 784, 256, 'inChunks'], // B panels outnumber A panels: the split over columns, B packed in the job
  [256, 64, 16, 'inChunks'], // more A panels: the split over rows
  [300, 260, 312, 'inChunks'], // both sides ≥ 192: the packed kernel over row panels
  [8, 12, 8, 'inChunks'], // too small to split: the chunks run here
  [128, 256, 10, 'after'], // n not a multiple of 8: C is copied out of the kernel's block
  [2, 784, 256, 'after'], // m < 4: the JavaScript loops
];

/** Forward and the gradients of x, W and b for y = x·Wᵀ + b through `f`. */
function run(f: (x: Tensor, w: Tensor, b: Tensor) => Tensor, m: number, k: number, n: number): Float32Array[] {
  const x = new nn.Parameter(t([m, k], m + k)), w = new nn.Parameter(t([n, k], k + n)), b = new nn.Parameter(t([n], n));
  const y = f(x, w, b);
  y.mul(t([m, n], 7)).sum().backward();
  return [y, x.grad!, w.grad!, b.grad!].map((v) => v.dataSync().slice() as Float32Array);
}

const fused = (x: Tensor, w: Tensor, b: Tensor): Tensor => {
  const y = linearFused(x, w, b);
  if (!y) throw new Error('the one-kernel linear did not apply');
  return y;
};
const separate = (x: Tensor, w: Tensor, b: Tensor): Tensor => matmulT(x, w, false, true).add(b);

describe('linear kernel', () => {
  afterAll(async () => {
    await setThreads(1);
    setThreadHost(null);
  });

  for (const threads of [1, 2]) {
    it(`matches matmul then add bit for bit at ${threads} thread(s), forward and backward`, async () => {
      setThreadHost(nodeThreadHost);
      expect(await setThreads(threads)).toBe(threads);
      for (const [m, k, n, where] of SHAPES) {
        const before = { ...linearBiases };
        const got = run(fused, m, k, n), want = run(separate, m, k, n);
        expect(linearBiases[where], `${m}×${k}·${n}ᵀ: bias ${where}`).toBe(before[where] + 1);
        got.forEach((g, i) => expect(g, `${m}×${k}·${n}ᵀ output ${i}`).toEqual(want[i]));
      }
    }, 60_000);
  }

  it('is what F.linear runs for float32, with the same result as before (3-D input, no bias)', () => {
    const x = t([3, 5, 24], 1), w = t([16, 24], 2), b = t([16], 3);
    const before = linearBiases.inChunks + linearBiases.after;
    const y = F.linear(x, w, b);
    expect(linearBiases.inChunks + linearBiases.after).toBe(before + 1);
    expect(y.shape).toEqual([3, 5, 16]);
    expect(y.dataSync()).toEqual(separate(x.reshape([15, 24]), w, b).reshape([3, 5, 16]).dataSync());
    expect(F.linear(x, w).dataSync()).toEqual(matmulT(x.reshape([15, 24]), w, false, true).reshape([3, 5, 16]).dataSync());
  });
});
