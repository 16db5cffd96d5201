// Distillation: the loss α·T²·KL(softmax(zt/T) ‖ softmax(zs/T)) + (1 − α)·CE has the gradient
// backward() computes (finite differences, float64) and the closed form α·T·(ps − pt)/N on its
// soft part; the suggested student halves every shrinkable layer and keeps the classifier.
import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/creation.ts';
import { gradcheck } from '../autograd/gradcheck.ts';
import { crossEntropy } from '../nn/losses.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { getTemplate } from '../templates/index.ts';
import { Rng } from '../core/rng.ts';
import { distillationLoss, softTargetLoss, suggestStudent } from './distill.ts';

const rng = new Rng(11);
const N = 3, C = 4;
const f64 = (v: number[], requiresGrad = false) => tensor(v, { shape: [N, C], dtype: 'float64', requiresGrad, backend: 'reference' });
const zsV = Array.from({ length: N * C }, () => rng.normal() * 2);
const ztV = Array.from({ length: N * C }, () => rng.normal() * 3);
const y = tensor([1, 3, 0], { dtype: 'int32', backend: 'reference' });

describe('distillation loss', () => {
  it('has the gradient finite differences give (student logits; T = 4, α = 0.7)', () => {
    const zt = f64(ztV);
    const r = gradcheck((zs) => distillationLoss(zs, zt, crossEntropy(zs, y), { temperature: 4, alpha: 0.7 }), [f64(zsV, true)], { eps: 1e-6, atol: 1e-7, rtol: 1e-5 });
    expect(r.ok ? null : r.where).toBeNull();
  });

  it('soft part: T²·KL with gradient T·(softmax(zs/T) − softmax(zt/T))/N, zero when the logits agree', () => {
    const T = 2.5;
    const zs = f64(zsV, true);
    const loss = softTargetLoss(zs, f64(ztV), T);
    loss.backward();
    const g = zs.grad!.dataSync();
    const soft = (v: number[], i: number) => {
      const row = v.slice(i * C, i * C + C).map((z) => Math.exp(z / T));
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((e) => e / s);
    };
    let kl = 0;
    for (let i = 0; i < N; i++) {
      const ps = soft(zsV, i), pt = soft(ztV, i);
      for (let c = 0; c < C; c++) {
        expect(g[i * C + c]).toBeCloseTo((T * (ps[c]! - pt[c]!)) / N, 12);
        kl += pt[c]! * Math.log(pt[c]! / ps[c]!);
      }
    }
    expect(loss.dataSync()[0]).toBeCloseTo((T * T * kl) / N, 12);
    expect(softTargetLoss(f64(ztV), f64(ztV), T).dataSync()[0]).toBeCloseTo(0, 12);
  });
});

describe('suggested student', () => {
  it('halves the widths of LeNet-5 (about a quarter of the parameters) and keeps its 10 classes', () => {
    const teacher = getTemplate('lenet5')!.build();
    const student = suggestStudent(teacher);
    const a = analyzeGraph(student);
    expect(a.ok).toBe(true);
    expect(Object.fromEntries(student.nodes.filter((n) => n.attrs.filters ?? n.attrs.units).map((n) => [n.id, n.attrs.filters ?? n.attrs.units]))).toEqual({ conv1: 3, conv2: 8, fc1: 60, fc2: 42, fc3: 10 });
    expect(a.totalParams / analyzeGraph(teacher).totalParams).toBeLessThan(0.26);
    const narrower = suggestStudent(teacher, 0.48);
    expect(analyzeGraph(narrower).totalParams / analyzeGraph(teacher).totalParams).toBeLessThanOrEqual(0.25);
  });
});
