import { describe, expect, it } from 'vitest';
import { F, manualSeed, nn, ones, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

class Net extends nn.Module {
  fc1 = new nn.Linear(3, 4);
  blocks = [new nn.Linear(4, 4), new nn.Linear(4, 4, { bias: false })];
  head = new nn.Sequential(new nn.ReLU(), new nn.Linear(4, 2));
  drop = new nn.Dropout(0.5);
  override forward(x: Tensor): Tensor {
    let h = this.fc1.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    return this.head.forward(this.drop.forward(h));
  }
}

describe('nn.Module', () => {
  it('names parameters with dotted paths in registration order', () => {
    const names = new Net().namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
    expect(names).toEqual(['fc1.weight:4x3', 'fc1.bias:4', 'blocks.0.weight:4x4', 'blocks.0.bias:4', 'blocks.1.weight:4x4', 'head.1.weight:2x4', 'head.1.bias:2']);
  });

  it('train()/eval() reach every submodule', () => {
    const n = new Net().eval();
    expect(n.drop.training).toBe(false);
    expect(n.head.layers[1].training).toBe(false);
    n.train();
    expect(n.drop.training).toBe(true);
  });

  it('Linear uses PyTorch default init bounds U(±1/√in)', () => {
    manualSeed(3);
    const l = new nn.Linear(100, 50);
    const w = l.weight.dataSync(), b = l.bias!.dataSync();
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(l.weight.requiresGrad && l.weight.isLeaf).toBe(true);
  });

  it('manualSeed makes init reproducible', () => {
    manualSeed(9);
    const a = Array.from(new nn.Linear(5, 5).weight.dataSync());
    manualSeed(9);
    expect(Array.from(new nn.Linear(5, 5).weight.dataSync())).toEqual(a);
  });

  it('stateDict / loadStateDict round-trip', () => {
    const a = new Net(), b = new Net();
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.fc1.weight.dataSync())).toEqual(Array.from(a.fc1.weight.dataSync()));
    expect(() => b.loadStateDict({})).toThrow(/missing/);
  });

  it('forward + backward reaches every parameter', () => {
    const n = new Net().eval();
    n.forward(ones([5, 3])).sum().backward();
    for (const [name, p] of n.namedParameters()) expect(p.grad, name).not.toBeNull();
  });
});

describe('dropout', () => {
  it('is seeded, scales kept elements by 1/(1-p), and is the identity in eval', () => {
    const x = ones([1000]);
    manualSeed(5);
    const a = F.dropout(x, 0.3, true).dataSync();
    manualSeed(5);
    const b = F.dropout(x, 0.3, true).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = a.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(kept.length / 1000).toBeGreaterThan(0.6);
    expect(kept.length / 1000).toBeLessThan(0.8);
    expect(F.dropout(x, 0.3, false)).toBe(x);
  });
});

describe('losses match known values', () => {
  it('crossEntropy', () => {
    const logits = tensor([[1, 2, 3], [1, 1, 1]]);
    const t = tensor([2, 0], { dtype: 'int32' });
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(F.crossEntropy(logits, t).item()).toBeCloseTo(((lse - 3) + Math.log(3)) / 2, 5);
    // label smoothing 0.1: (1-ε)·nll + ε·mean_c(-log p_c)
    const s1 = 0.9 * (lse - 3) + 0.1 * (lse - 2);
    const s2 = Math.log(3);
    expect(F.crossEntropy(logits, t, { labelSmoothing: 0.1 }).item()).toBeCloseTo((s1 + s2) / 2, 5);
  });

  it('bceWithLogits is stable for large logits', () => {
    const v = F.binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([0, 1])).item();
    expect(v).toBeCloseTo(100, 3);
  });
});
