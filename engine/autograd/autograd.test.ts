import { describe, expect, it } from 'vitest';
import { FlowgradError, noGrad, setBackend, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';
import { grad } from './backward.ts';
import { gradcheck } from './gradcheck.ts';

const ref = (v: number[], shape?: number[]) => tensor(v, { shape, dtype: 'float64', requiresGrad: true, backend: 'reference' });

describe('autograd', () => {
  it('accumulates gradients across backward calls and through shared inputs', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward(); // 2x
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6]);
    x.add(x).sum().backward(); // + 2
    expect(Array.from(x.grad!.dataSync())).toEqual([4, 6, 8]);
  });

  it('gives each leaf its own gradient tensor even when the same gradient flows to both', () => {
    const a = tensor([1, 2], { requiresGrad: true }), b = tensor([3, 4], { requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    a.grad!.dispose();
    expect(Array.from(b.grad!.dataSync())).toEqual([1, 1]);
  });

  it('noGrad records nothing', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.sum().backward()).toThrow(FlowgradError);
  });

  it('refuses a second backward through a released graph unless retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.dataSync()[0]).toBeCloseTo(2 * Math.E, 5);
    try {
      y.backward();
      expect.unreachable();
    } catch (e) {
      expect((e as FlowgradError).code).toBe('no-grad');
    }
  });

  it('needs an explicit gradient for non-scalar outputs', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/non-scalar/);
    x.mul(2).backward(tensor([1, 10]));
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 20]);
  });

  it('retainGrad keeps gradients of intermediate tensors', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    h.square().sum().backward();
    expect(Array.from(h.grad!.dataSync())).toEqual([6, 12]);
  });

  it('detach cuts the graph and shares data', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(Array.from(d.dataSync())).toEqual([2, 4]);
  });
});

describe('second derivatives (createGraph)', () => {
  it('d²/dx² x³ = 6x', () => {
    const x = ref([0.5, -1.5, 2]);
    const [g] = grad(x.pow(3).sum(), [x], { createGraph: true });
    expect(Array.from(g.dataSync())).toEqual([0.75, 6.75, 12]);
    const [h] = grad(g.sum(), [x]);
    expect(Array.from(h.dataSync())).toEqual([3, -9, 12]);
  });

  it('backward(createGraph) then backward again gives Hessian-vector products in .grad', () => {
    const x = ref([0.3, -0.7]);
    x.sin().mul(x).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    // d/dx (sin x + x cos x) = 2cos x - x sin x
    const want = [0.3, -0.7].map((v) => 2 * Math.cos(v) - v * Math.sin(v));
    const got = x.grad!.dataSync();
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 10));
  });

  // Gradient of the gradient, checked against finite differences of the first gradient.
  const SECOND: [string, (x: Tensor) => Tensor][] = [
    ['tanh', (x) => x.tanh()], ['sigmoid', (x) => x.sigmoid()], ['exp·log', (x) => x.exp().add(x.abs().add(1).log())],
    ['gelu', (x) => x.gelu()], ['silu', (x) => x.silu()], ['softmax', (x) => x.reshape([2, 3]).softmax(1).square()],
    ['logSoftmax', (x) => x.reshape([2, 3]).logSoftmax(1).square()], ['matmul', (x) => x.reshape([2, 3]).matmul(x.reshape([3, 2])).square()],
    ['div/sqrt', (x) => x.square().add(1).sqrt().div(x.square().add(2))], ['logsumexp', (x) => x.reshape([3, 2]).logsumexp(1).square()],
    ['elu', (x) => x.elu(0.5).square()], ['erf', (x) => x.erf()],
  ];
  for (const [name, fn] of SECOND) {
    it(`${name}: gradcheck of the gradient`, () => {
      const x = ref([0.3, -0.7, 1.1, -1.3, 0.6, 0.9]);
      const r = gradcheck((v) => grad(fn(v).sum(), [v], { createGraph: true })[0], [x]);
      expect(r.where && !r.ok ? r.where : null).toBeNull();
    });
  }
});

describe('float64 on the reference backend', () => {
  it('computes in double precision', () => {
    setBackend('reference');
    try {
      const x = tensor([1e-10], { dtype: 'float64' });
      const v = x.add(1).sub(1).item(); // 0 in float32
      expect(Math.abs(v - 1e-10)).toBeLessThan(1e-16);
    } finally {
      setBackend('cpu');
    }
  });
});
