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
import { manualSeed } from '../ops/creation.ts';
import { GraphBuilder } from '../templates/build.ts';
import { GraphModel } from '../train/graphModel.ts';
import { fit } from '../train/fit.ts';
import type { ArrayDataset } from '../project/dataTypes.ts';
import type { TrainConfig } from '../project/config.ts';
import { distillationLoss, distillLossFn, softTargetLoss, studentRowsOf, suggestStudent } from './distill.ts';

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

// A small MLP with Dropout: the teacher must compute its logits in eval mode (no dropout, and
// no draws from the seeded stream the student's own dropout masks come from), so α = 0 trains
// exactly what the labels-only run trains — the "same student without the teacher" comparison.
function mlp(units: number) {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [4] }], ['d1', 'Dense', { units }], ['r1', 'ReLU'], ['drop', 'Dropout', { p: 0.3 }], ['d2', 'Dense', { units: 3 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}
const rows = 64;
const data: ArrayDataset = { x: Float32Array.from({ length: rows * 4 }, () => rng.normal()), y: Int32Array.from({ length: rows }, (_, i) => i % 3), rows, features: 4 };
const cfg: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 2, seed: 5, validationSplit: 0, compiled: false };

async function trainStudent(teacher: GraphModel | null, alpha: number): Promise<Float32Array[]> {
  manualSeed(cfg.seed);
  const s = new GraphModel(mlp(8));
  try {
    await fit(s, data, null, cfg, teacher ? { loss: distillLossFn(s, teacher, { temperature: 4, alpha }) } : {});
    return s.parameters().map((p) => Float32Array.from(p.dataSync()));
  } finally {
    s.dispose();
  }
}

describe('distillation training', () => {
  it('runs the teacher in eval mode: α = 0 trains the same weights as the labels alone, even after the teacher was put in training mode', async () => {
    manualSeed(99);
    const teacher = new GraphModel(mlp(16));
    try {
      const alone = await trainStudent(null, 0);
      teacher.train();
      expect(await trainStudent(teacher, 0)).toEqual(alone);
      const distilled = await trainStudent(teacher, 0.7);
      expect(distilled).not.toEqual(alone);
    } finally {
      teacher.dispose();
    }
  });

  it('computes the soft targets from the teacher\'s eval-mode logits on the very batch it is given, the same on every call', () => {
    manualSeed(99);
    const teacher = new GraphModel(mlp(16)), student = new GraphModel(mlp(8));
    try {
      teacher.train();
      student.eval(); // the student's own dropout off too, so only the teacher could make the two calls differ
      const x = tensor(data.x.slice(0, 16 * 4), { shape: [16, 4] }), y = tensor(data.y.slice(0, 16), { shape: [16], dtype: 'int32' });
      const lossOf = distillLossFn(student, teacher, { temperature: 2, alpha: 1 });
      const a = lossOf(x, y).loss.dataSync()[0], b = lossOf(x, y).loss.dataSync()[0];
      expect(a).toBe(b);
      teacher.eval();
      expect(softTargetLoss(student.logits(x), teacher.logits(x), 2).dataSync()[0]).toBeCloseTo(a!, 5);
    } finally {
      teacher.dispose();
      student.dispose();
    }
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

describe('the student on fewer rows', () => {
  it('takes the first rows of the split, keeps it whole when asked for as many or more, refuses a bad count', () => {
    const few = studentRowsOf(data, 10);
    expect(few.rows).toBe(10);
    expect(few.x).toEqual(data.x.subarray(0, 40));
    expect(few.y).toEqual(data.y.subarray(0, 10));
    expect(studentRowsOf(data, rows)).toBe(data);
    expect(studentRowsOf(data, rows + 5)).toBe(data);
    expect(studentRowsOf(data, undefined)).toBe(data);
    expect(() => studentRowsOf(data, 0)).toThrow(/whole number ≥ 1 \(got 0\)/);
    expect(() => studentRowsOf(data, 2.5)).toThrow(/whole number ≥ 1/);
    // Regression targets [rows × 2]: two values per row follow.
    const reg: ArrayDataset = { ...data, y: Float32Array.from({ length: rows * 2 }, (_, i) => i) };
    expect(studentRowsOf(reg, 3).y).toEqual(Float32Array.from([0, 1, 2, 3, 4, 5]));
  });
});
