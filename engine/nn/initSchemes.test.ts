// Initialisers: orthogonality, the variances torch.nn.init documents, seeded reproducibility,
// and the per-layer `init` attribute reaching the compiled weights.
import { describe, expect, it } from 'vitest';
import { manualSeed, zeros } from '../ops/creation.ts';
import { calculateGain, initWeight_, kaimingNormal_, kaimingUniformWith_, orthogonal_, xavierNormal_ } from './initSchemes.ts';
import { xavierUniform_ } from './init.ts';

const stats = (v: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i]!;
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(s / v.length), max: Math.max(...Array.from(v, Math.abs)) };
};

describe('initializers', () => {
  it('gains as torch.nn.init.calculate_gain', () => {
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
    expect(calculateGain('sigmoid')).toBe(1);
  });
  it('orthogonal rows (wide) and columns (tall) are orthonormal, scaled by gain', () => {
    for (const shape of [[4, 10], [10, 4], [3, 2, 2, 2]]) {
      const w = orthogonal_(zeros(shape), 2);
      const r = shape[0]!, c = w.size / r;
      const a = w.dataSync();
      const k = Math.min(r, c);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let d = 0;
          for (let x = 0; x < Math.max(r, c); x++) d += r < c ? a[i * c + x]! * a[j * c + x]! : a[x * c + i]! * a[x * c + j]!;
          expect(d).toBeCloseTo(i === j ? 4 : 0, 4);
        }
      }
    }
  });
  it('variances follow the documented formulas (fan_in 200, fan_out 100)', () => {
    manualSeed(1);
    const t = zeros([100, 200]);
    expect(stats(kaimingNormal_(t).dataSync()).std).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
    expect(stats(kaimingNormal_(t, { mode: 'fanOut', nonlinearity: 'relu' }).dataSync()).std).toBeCloseTo(Math.SQRT2 / 10, 2);
    expect(stats(xavierNormal_(t).dataSync()).std).toBeCloseTo(Math.sqrt(2 / 300), 2);
    const ku = stats(kaimingUniformWith_(t).dataSync());
    expect(ku.max).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 200) + 1e-6);
    expect(ku.std).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
    expect(stats(xavierUniform_(t).dataSync()).max).toBeLessThanOrEqual(Math.sqrt(6 / 300) + 1e-6);
    expect(Array.from(initWeight_(t, 'ones').dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    expect(stats(initWeight_(t, 'zeros').dataSync()).max).toBe(0);
    const u = stats(initWeight_(t, 'uniform').dataSync());
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(stats(initWeight_(t, 'normal').dataSync()).std).toBeCloseTo(1, 1);
  });
  it('the same seed gives the same weights', () => {
    manualSeed(9);
    const a = Array.from(orthogonal_(zeros([5, 5])).dataSync());
    manualSeed(9);
    expect(Array.from(orthogonal_(zeros([5, 5])).dataSync())).toEqual(a);
  });
});
