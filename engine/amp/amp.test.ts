// Mixed precision on the CPU backend (float16 storage there too, so this runs everywhere):
// which ops autocast lowers and which it keeps in float32; GradScaler's unscaling (exact for
// power-of-two scales), overflow skip with backoff, growth, clipping; fit with
// mixedPrecision trains; clipping through the optimizer's gradScale equals clipping the
// gradients.
import { describe, expect, it } from 'vitest';
import { amp, F, nn, optim, scope, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';
import { fit } from '../train/fit.ts';
import { GraphModel } from '../train/graphModel.ts';
import { splitDataset } from '../data/split.ts';
import { defaultGraph } from '../graph/format.ts';
import { makeBuiltin2D } from '../data/builtin2d.ts';
import { manualSeed } from '../ops/creation.ts';

describe('autocast', () => {
  it('runs matmul, linear and conv in float16 and softmax, norms and losses in float32; parameters keep float32 gradients', () => {
    scope(() => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      const w = tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], { requiresGrad: true });
      const b = tensor([0.5, -0.5], { requiresGrad: true });
      const img = tensor(new Float32Array(2 * 1 * 5 * 5).fill(0.5), { shape: [2, 1, 5, 5] });
      const k = tensor(new Float32Array(3 * 1 * 3 * 3).fill(0.1), { shape: [3, 1, 3, 3] });
      const loss = amp.autocast(() => {
        const y = F.linear(x, w, b);
        expect(y.dtype).toBe('float16');
        expect(x.matmul(w.transpose(0, 1)).dtype).toBe('float16');
        expect(F.conv2d(img, k).dtype).toBe('float16');
        expect(y.relu().dtype).toBe('float16');
        expect(y.softmax(1).dtype).toBe('float32');
        expect(F.layerNorm(y, [2]).dtype).toBe('float32');
        expect(y.add(tensor([1, 1])).dtype).toBe('float32'); // promotion
        const l = F.crossEntropy(y, tensor([0, 1], { dtype: 'int32' }));
        expect(l.dtype).toBe('float32');
        return l;
      });
      expect(x.matmul(w.transpose(0, 1)).dtype).toBe('float32'); // off again
      loss.backward();
      expect(w.grad!.dtype).toBe('float32');
      expect(b.grad!.dtype).toBe('float32');
      // The float16 result is the float32 one rounded (2e-3 relative).
      const ref = F.crossEntropy(F.linear(x, w, b), tensor([0, 1], { dtype: 'int32' }));
      expect(loss.item()).toBeCloseTo(ref.item(), 2);
    });
  });
});

function quadratic(scale: amp.GradScaler | null, steps: number) {
  const p = tensor([0.5, -1.5, 2.0], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < steps; i++) scope(() => {
    opt.zeroGrad();
    const l = p.square().mul(tensor([1, 2, 3])).sum();
    if (scale) {
      scale.scale(l).backward();
      scale.step(opt);
      scale.update();
    } else {
      l.backward();
      opt.step();
    }
  });
  const out = Array.from(p.dataSync());
  opt.dispose();
  return out;
}

describe('GradScaler', () => {
  it('unscales exactly (power-of-two scale) when nothing overflows', async () => {
    const s = new amp.GradScaler({ initScale: 1024, growthInterval: 1000 });
    expect(quadratic(s, 5)).toEqual(quadratic(null, 5));
    expect(await s.read()).toEqual({ scale: 1024, skippedSteps: 0 });
    s.dispose();
  });

  it('skips a step whose scaled gradients overflow, halves the scale, then trains on', async () => {
    // The largest gradient is 12·S: it overflows float32 at S = 2^126 and 2^125, not at 2^124.
    const s = new amp.GradScaler({ initScale: 2 ** 126, growthInterval: 1000 });
    const got = quadratic(s, 8);
    expect(await s.read()).toEqual({ scale: 2 ** 124, skippedSteps: 2 });
    // Skipped steps change nothing: the result is that of the 6 steps taken.
    expect(got).toEqual(quadratic(null, 6));
    expect(got).not.toEqual(quadratic(null, 0));
    s.dispose();
  });

  it('grows the scale after growthInterval good steps', async () => {
    const s = new amp.GradScaler({ initScale: 8, growthInterval: 3, growthFactor: 2 });
    quadratic(s, 7);
    expect((await s.read()).scale).toBe(32);
    s.dispose();
  });

  it('clips the unscaled gradients by norm like clipGradNormTensor', () => {
    const run = (useScaler: boolean) => {
      const p = tensor([3, -4, 12], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.5 });
      const s = new amp.GradScaler({ initScale: 256 });
      scope(() => {
        const l = p.square().sum();
        if (useScaler) { s.scale(l).backward(); s.step(opt, { clipGradNorm: 1 }); } else { l.backward(); optim.clipGradNormTensor([p], 1); opt.step(); }
      });
      s.dispose();
      return Array.from(p.dataSync());
    };
    const a = run(true), b = run(false);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
    expect(a).not.toEqual([3, -4, 12]);
  });
});

describe('clipGradNormScale', () => {
  it('clipping through the optimizer equals clipping the gradients (Adam, 3 steps)', () => {
    const run = (viaScale: boolean) => {
      const ps = [tensor([3, -4, 12], { requiresGrad: true }), tensor([[1, 2], [3, 4]], { requiresGrad: true })];
      const opt = new optim.Adam(ps, { lr: 0.1, eps: 1 });
      for (let i = 0; i < 3; i++) scope(() => {
        opt.zeroGrad();
        ps[0]!.square().sum().add(ps[1]!.exp().sum()).backward();
        if (viaScale) opt.step({ gradScale: optim.clipGradNormScale(ps, 0.5) });
        else { optim.clipGradNormTensor(ps, 0.5); opt.step(); }
      });
      return ps.map((p) => Array.from(p.dataSync()));
    };
    const a = run(true), b = run(false);
    a.flat().forEach((v, i) => expect(v).toBeCloseTo(b.flat()[i]!, 5));
  });
});

describe('fit with mixedPrecision', () => {
  it('trains the starter MLP on circles in float16 (CPU storage) about as well as float32', async () => {
    const d = makeBuiltin2D('circles', { samples: 240, noise: 0.15, seed: 3 });
    const { train, val } = splitDataset({ x: d.x, y: d.y, rows: d.y.length, features: 2 }, 0.25, 1);
    const results: number[] = [];
    for (const mixedPrecision of [false, true]) {
      manualSeed(1);
      const model = new GraphModel(defaultGraph());
      const r = await fit(model, train, val, { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 12, seed: 1, validationSplit: 0.25, mixedPrecision, clipGradNorm: 5 });
      expect(r.reason).toBe('completed');
      results.push(r.last!.valAccuracy!);
      model.dispose();
    }
    expect(results[1]).toBeGreaterThan(0.85);
    expect(Math.abs(results[1]! - results[0]!)).toBeLessThan(0.08);
  });

  it('keeps float16 activations inside the model under autocast', () => {
    scope(() => {
      const net = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
      const out: Tensor = amp.autocast(() => net.forward(tensor([[1, 2]])));
      expect(out.dtype).toBe('float16');
      for (const p of net.parameters()) expect(p.dtype).toBe('float32');
    });
  });
});
