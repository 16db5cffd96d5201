import { describe, expect, it } from 'vitest';
import { F, FlowgradError, manualSeed, memory, nn, optim, randn, scope, tensor, zeros } from '../index.ts';

describe('memory', () => {
  it('scope frees temporaries and keeps returned tensors (also in arrays and objects)', () => {
    const before = memory().liveTensors;
    const out = scope(() => {
      const a = zeros([3]).add(1);
      const b = a.mul(2);
      return { b, list: [a.add(b)] };
    });
    expect(memory().liveTensors - before).toBe(2);
    out.b.dispose();
    out.list[0].dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('nested scopes hand returned tensors to the outer scope', () => {
    const before = memory().liveTensors;
    scope(() => {
      const inner = scope(() => zeros([2]).add(1));
      expect(inner.isDisposed).toBe(false);
    });
    expect(memory().liveTensors).toBe(before);
  });

  it('dispose is idempotent and using a disposed tensor throws code "disposed"', () => {
    const t = zeros([2]);
    t.dispose();
    t.dispose();
    try {
      t.add(1);
      expect.unreachable();
    } catch (e) {
      expect((e as FlowgradError).code).toBe('disposed');
    }
  });

  it('tensors saved for backward survive disposal until the graph is released', () => {
    const before = memory().liveTensors;
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const h = w.exp();
    const loss = h.sum();
    h.dispose(); // still needed by the graph: kept alive by it
    loss.backward();
    expect(w.grad!.dataSync()[0]).toBeCloseTo(Math.E, 5);
    loss.dispose();
    // Graph released after backward: only w and its grad remain.
    expect(memory().liveTensors - before).toBe(2);
    w.dispose();
    expect(memory().liveTensors).toBe(before);
  });

  it('disposing an output releases the whole unused graph', () => {
    const before = memory();
    const w = tensor([1, 2, 3], { requiresGrad: true });
    scope(() => w.mul(2).exp().sum().keep()).dispose();
    expect(memory().liveTensors - before.liveTensors).toBe(1);
    w.dispose();
    expect(memory().bytesInUse).toBe(before.bytesInUse);
  });

  it('1,000 MLP training steps inside scope keep liveTensors and bytesInUse flat', () => {
    manualSeed(1);
    const net = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3));
    const opt = new optim.Adam(net.parameters(), { lr: 1e-2 });
    const x = randn([8, 4]);
    const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
    const step = () => scope(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
    });
    for (let i = 0; i < 5; i++) step();
    const m0 = memory();
    for (let i = 0; i < 1000; i++) step();
    const m1 = memory();
    expect(m1.liveTensors).toBe(m0.liveTensors);
    expect(m1.bytesInUse).toBe(m0.bytesInUse);
  });

  it('scope rejects async functions', () => {
    expect(() => scope(() => Promise.resolve(1))).toThrow(/Promise/);
  });
});
