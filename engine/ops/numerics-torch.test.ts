// Numerics against PyTorch's float64 behaviour at the edges where a naive composition gives
// NaN or a float32-grade approximation: the gradient of the 2-norm at a zero vector (also
// through normalize and cosine similarity), the gradients of pow at base 0 or exponent 0,
// and erf/GELU in float64 on the CPU and reference backends (values and gradients).
import { describe, expect, it } from 'vitest';
import { F, autograd, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

const f64 = (v: number[], shape = [v.length], backend = 'cpu') => tensor(v, { shape, dtype: 'float64', requiresGrad: true, backend });
const arr = (t: Tensor | null): number[] => Array.from(t!.dataSync());

// Reference values from Python 3's math.erf (correctly rounded to ~1 ulp in glibc):
// [x, math.erf(x), 0.5*x*(1+math.erf(x/math.sqrt(2)))]
const ERF_REF: [number, number, number][] = [
  [1e-8, 1.1283791670955126e-8, 5.000000039894228e-9],
  [0.1, 0.1124629160182849, 0.053982783727702904],
  [0.5, 0.5204998778130465, 0.34573123063700656],
  [-0.7, -0.6778011938374184, -0.1693745565561511],
  [1.0, 0.8427007929497149, 0.8413447460685429],
  [1.5, 0.9661051464753108, 1.399789198096713],
  [2.0, 0.9953222650189527, 1.9544997361036416],
  [2.5, 0.999593047982555, 2.4844758366855597],
  [3.0, 0.9999779095030014, 2.99595030590511],
  [3.5, 0.9999992569016276, 3.4991857982233756],
  [4.5, 0.9999999998033839, 4.4999847104709385],
];
// d/dx gelu = Φ(x) + x·φ(x), from the same math.erf and math.exp.
const GELU_GRAD_REF: [number, number][] = [[-0.7, 0.023385898866340155], [0.5, 0.8674951246561629], [2.0, 1.085231801078197], [3.5, 1.0028217603536247]];

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

for (const backend of ['cpu', 'reference']) {
  describe(`float64 erf and GELU on ${backend}`, () => {
    it('erf matches math.erf to 4e-15 relative', () => {
      const got = arr(f64(ERF_REF.map((r) => r[0]), undefined, backend).erf());
      got.forEach((g, i) => expect(relErr(g, ERF_REF[i][1]), `erf(${ERF_REF[i][0]})`).toBeLessThan(4e-15));
    });
    it('gelu matches 0.5·x·(1 + erf(x/√2)) to 4e-15 relative', () => {
      const got = arr(f64(ERF_REF.map((r) => r[0]), undefined, backend).gelu());
      got.forEach((g, i) => expect(relErr(g, ERF_REF[i][2]), `gelu(${ERF_REF[i][0]})`).toBeLessThan(4e-15));
    });
    it('erf and gelu gradients match the closed forms', () => {
      const x = f64(ERF_REF.map((r) => r[0]), undefined, backend);
      x.erf().sum().backward();
      arr(x.grad).forEach((g, i) => {
        const v = ERF_REF[i][0];
        expect(relErr(g, (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v))).toBeLessThan(1e-14);
      });
      const y = f64(GELU_GRAD_REF.map((r) => r[0]), undefined, backend);
      y.gelu().sum().backward();
      arr(y.grad).forEach((g, i) => expect(relErr(g, GELU_GRAD_REF[i][1]), `gelu'(${GELU_GRAD_REF[i][0]})`).toBeLessThan(1e-14));
    });
  });
}

describe('2-norm at a zero vector: gradient 0 as PyTorch (no NaN)', () => {
  it('norm over all elements', () => {
    const x = f64([0, 0, 0]);
    x.norm().backward();
    expect(arr(x.grad)).toEqual([0, 0, 0]);
    expect(x.norm().item()).toBe(0);
  });
  it('norm along a dim: a zero row gets 0, other rows x/‖x‖', () => {
    const x = f64([0, 0, 3, 4], [2, 2]);
    const n = x.norm(2, 1);
    expect(arr(n)).toEqual([0, 5]);
    n.sum().backward();
    const g = arr(x.grad);
    expect(g.slice(0, 2)).toEqual([0, 0]);
    expect(g[2]).toBeCloseTo(0.6, 15);
    expect(g[3]).toBeCloseTo(0.8, 15);
  });
  it('stays twice differentiable: d/dx Σ ∂‖x‖/∂x at [3, 4] is (1/‖x‖)(1 − x·Σx/‖x‖²)', () => {
    const x = f64([3, 4]);
    const [g] = autograd.grad(x.norm(), [x], { createGraph: true });
    g.sum().backward();
    const h = arr(x.grad);
    expect(h[0]).toBeCloseTo((1 - (3 * 7) / 25) / 5, 14);
    expect(h[1]).toBeCloseTo((1 - (4 * 7) / 25) / 5, 14);
  });
  it('normalize: zero row gets 1/eps through the numerator (torch: x / max(‖x‖, eps)), no NaN', () => {
    const x = f64([0, 0, 3, 4], [2, 2]);
    F.normalize(x).sum().backward();
    const g = arr(x.grad);
    expect(g.slice(0, 2)).toEqual([1e12, 1e12]);
    // Row [3, 4]: d/dx Σ x/‖x‖ = 1/‖x‖ − x·Σx/‖x‖³.
    expect(g[2]).toBeCloseTo(1 / 5 - (3 * 7) / 125, 14);
    expect(g[3]).toBeCloseTo(1 / 5 - (4 * 7) / 125, 14);
  });
  it('cosine similarity with a zero vector: finite gradients', () => {
    const a = f64([0, 0], [1, 2]), b = f64([3, 4], [1, 2]);
    const c = F.cosineSimilarity(a, b);
    expect(c.item()).toBe(0);
    c.sum().backward();
    const ga = arr(a.grad), gb = arr(b.grad);
    expect([...ga, ...gb].every(Number.isFinite)).toBe(true);
    expect(ga[0]).toBeCloseTo(3 / (1e-8 * 5), 0);
    expect(gb).toEqual([0, 0]);
  });
});

describe('pow at the edges: PyTorch gradients', () => {
  it('∂/∂exponent is 0 at base 0 (exponent ≥ 0); ∂/∂base is 0 at exponent 0', () => {
    const a = f64([0, 0, 2, 0]), b = f64([2, 0, 3, 0.5]);
    a.pow(b).sum().backward();
    const gb = arr(b.grad), ga = arr(a.grad);
    expect(gb.slice(0, 2)).toEqual([0, 0]);
    expect(gb[2]).toBeCloseTo(8 * Math.LN2, 14);
    expect(gb[3]).toBe(0);
    expect(ga.slice(0, 3)).toEqual([0, 0, 12]);
    expect(ga[3]).toBe(Infinity); // 0.5·0^(−0.5), as torch
  });
});
