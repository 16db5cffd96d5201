// The implicit-GEMM convolution kernels (cpu/convgemm.ts) against the reference backend's loop
// nests on shapes that hit k blocking (taps > 256), ragged output panels, padding wider than
// one tap, dilation, bias, and the gradients (first and second order) of conv2d.
import { describe, expect, it } from 'vitest';
import { F, autograd, randn, scope } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { allclose } from '../../test/ops/opcheck.ts';

const shapes: { x: number[]; w: number[]; padding: [number, number]; dilation: [number, number] }[] = [
  { x: [2, 30, 7, 9], w: [9, 30, 3, 3], padding: [1, 1], dilation: [1, 1] },
  { x: [3, 1, 12, 12], w: [6, 1, 5, 5], padding: [2, 2], dilation: [1, 1] },
  { x: [1, 4, 8, 6], w: [5, 4, 3, 2], padding: [2, 1], dilation: [2, 1] },
  { x: [2, 3, 5, 5], w: [17, 3, 1, 1], padding: [0, 0], dilation: [1, 1] },
  // More images than the weight gradient's batch parts (8): parts of one and two images, summed.
  { x: [11, 2, 6, 6], w: [3, 2, 3, 3], padding: [1, 1], dilation: [1, 1] },
];

function grads(x: Tensor, w: Tensor, b: Tensor, padding: [number, number], dilation: [number, number]): Float32Array[] {
  return scope(() => {
    const y = F.conv2d(x, w, b, { padding, dilation });
    const proj = y.mul(y.detach().cos());
    const [gx, gw, gb] = autograd.grad(proj.sum(), [x, w, b], { createGraph: true });
    // second order: d/dx of Σ gw²
    const [ggx] = autograd.grad(gw.square().sum(), [x]);
    return [y, gx, gw, gb, ggx].map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('cpu implicit-GEMM conv2d', () => {
  for (const s of shapes) {
    it(`x ${s.x} w ${s.w} pad ${s.padding} dil ${s.dilation}`, () => {
      const x = randn(s.x, { requiresGrad: true }), w = randn(s.w, { requiresGrad: true }), b = randn([s.w[0]], { requiresGrad: true });
      const got = grads(x, w, b, s.padding, s.dilation);
      const [xr, wr, br] = [x, w, b].map((t) => t.to('reference').detach().requiresGrad_());
      const want = grads(xr, wr, br, s.padding, s.dilation);
      for (let i = 0; i < got.length; i++) expect(allclose(got[i], want[i], 2e-3, 2e-3)).toBeNull();
    });
  }
});
