// compile(): eager and compiled training give the same loss trajectory (MLP and a small CNN,
// on both backends), the memory plan needs fewer buffers than the eager run, elementwise
// chains become single fused kernels, and compiled steps neither leak nor retrace.
import { describe, expect, it } from 'vitest';
import { F, compile, compileModule, manualSeed, memory, nn, optim, randn, scope, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

class SmallCnn extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
  conv2 = new nn.Conv2d(4, 6, 3);
  fc = new nn.Linear(6 * 2 * 2, 3);
  override forward(x: Tensor): Tensor {
    let h = F.maxPool2d(this.conv1.forward(x).relu(), { kernelSize: 2 });
    h = F.avgPool2d(this.conv2.forward(h).tanh(), { kernelSize: 2, stride: 1 });
    return this.fc.forward(h.flatten(1));
  }
}

const mlp = () => new nn.Sequential(new nn.Linear(6, 16), new nn.GELU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 3));

/** Loss after each of `steps` Adam steps, eager or compiled, from the same seed. */
function trajectory(make: () => nn.Module, x: Tensor, y: Tensor, compiled: boolean, steps = 20): number[] {
  manualSeed(3);
  const model = make();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const step = compiled ? compileModule(model, (out, t) => F.crossEntropy(out, t)) : null;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(scope(() => {
      opt.zeroGrad();
      let loss: Tensor;
      if (step) loss = step(x, y);
      else {
        loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
      }
      opt.step();
      return loss.item();
    }));
  }
  if (step) {
    expect(step.traces).toBe(1);
    step.dispose();
  }
  opt.dispose();
  model.dispose();
  return losses;
}

describe('compile', () => {
  for (const be of ['cpu', 'reference']) {
    it(`MLP: eager and compiled give the same 20-step loss trajectory (${be})`, () => {
      manualSeed(1);
      const x = randn([10, 6], { backend: be }), y = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: 'int32', backend: be });
      const make = () => mlp().to(be);
      const eager = trajectory(make, x, y, false), comp = trajectory(make, x, y, true);
      expect(eager[19]).toBeLessThan(eager[0]);
      comp.forEach((l, i) => expect(l).toBeCloseTo(eager[i], 6));
    });
  }

  it('small CNN: eager and compiled give the same 20-step loss trajectory', () => {
    manualSeed(2);
    const x = randn([4, 1, 10, 10]), y = tensor([0, 1, 2, 1], { dtype: 'int32' });
    const eager = trajectory(() => new SmallCnn(), x, y, false), comp = trajectory(() => new SmallCnn(), x, y, true);
    expect(eager[19]).toBeLessThan(eager[0]);
    comp.forEach((l, i) => expect(l).toBeCloseTo(eager[i], 6));
  });

  it('the memory plan reuses buffers: fewer buffers and bytes than the eager run', () => {
    manualSeed(1);
    const model = mlp();
    const step = compileModule(model, (out, t) => F.crossEntropy(out, t));
    const x = randn([32, 6]), y = tensor(Array.from({ length: 32 }, (_, i) => i % 3), { dtype: 'int32' });
    scope(() => step(x, y));
    const s = step.stats()!;
    expect(s.buffers).toBeLessThan(s.eagerBuffers / 2);
    expect(s.bytes).toBeLessThan(s.eagerBytes);
    step.dispose();
    model.dispose();
  });

  it('elementwise chains fuse into one kernel', () => {
    const f = compile((a: Tensor, b: Tensor) => a.mul(2).add(b).exp().neg().sigmoid().sum(1));
    const a = randn([4, 5]), b = randn([5]);
    const eager = scope(() => a.mul(2).add(b).exp().neg().sigmoid().sum(1)).dataSync();
    f(a, b).dispose(); // trace
    const out = f(a, b);
    const s = f.stats()!;
    expect(s.eagerKernels).toBe(6);
    expect(s.fusedKernels).toBe(1);
    expect(s.kernels).toBe(2); // fused chain + sum
    expect(Array.from(out.dataSync())).toEqual(Array.from(eager));
    out.dispose();
    f.dispose();
  });

  it('a value read twice by one kernel (x − x, x · x) is inlined once and feeds both operands', () => {
    // Found by quantization-aware training's c − c.detach() + fakeQuant(x): the second operand read a buffer whose kernel the first had absorbed.
    const fns = [(a: Tensor) => { const c = a.mul(2); return c.sub(c).add(a.mul(3)); }, (a: Tensor) => { const c = a.mul(2); return c.mul(c.detach()).add(1); }];
    const a = randn([3, 4]);
    for (const fn of fns) {
      const f = compile(fn);
      const eager = scope(() => fn(a)).dataSync();
      f(a).dispose(); // trace
      const out = f(a);
      expect(f.stats()!.fusedKernels).toBe(1);
      expect(Array.from(out.dataSync())).toEqual(Array.from(eager));
      out.dispose();
      f.dispose();
    }
  });

  it('fuses activation gradients in the backward pass', () => {
    manualSeed(1);
    const model = mlp();
    const step = compileModule(model, (out, t) => F.crossEntropy(out, t));
    const x = randn([8, 6]), y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
    scope(() => step(x, y));
    const s = step.stats()!;
    expect(s.fusedKernels).toBeGreaterThan(0);
    expect(s.kernels).toBeLessThan(s.eagerKernels);
    step.dispose();
    model.dispose();
  });

  it('retraces per input signature and handles array results', () => {
    const f = compile((a: Tensor) => [a.square(), a.sum()]);
    const r1 = f(tensor([1, 2, 3])), r2 = f(tensor([4, 5, 6])), r3 = f(tensor([[1, 2], [3, 4]]));
    expect(f.traces).toBe(2);
    expect(Array.from(r2[0].dataSync())).toEqual([16, 25, 36]);
    expect(r2[1].item()).toBe(15);
    expect(r3[1].item()).toBe(10);
    for (const t of [...r1, ...r2, ...r3]) t.dispose();
    f.dispose();
  });

  it('compiled training steps do not leak (tensors and bytes flat)', () => {
    manualSeed(1);
    const model = mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const step = compileModule(model, (out, t) => F.crossEntropy(out, t));
    const x = randn([8, 6]), y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
    const run = () => scope(() => { opt.zeroGrad(); step(x, y); opt.step(); });
    for (let i = 0; i < 3; i++) run();
    const m0 = memory();
    for (let i = 0; i < 300; i++) run();
    const m1 = memory();
    expect(m1.liveTensors).toBe(m0.liveTensors);
    expect(m1.bytesInUse).toBe(m0.bytesInUse);
    step.dispose();
    opt.dispose();
    model.dispose();
  });

  it('gradients accumulate into .grad like backward()', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const f = compile((x: Tensor) => x.mul(w).square().sum(), { params: [w] });
    const x = tensor([1, 1, 2]);
    f(x).dispose();
    f(x).dispose();
    expect(Array.from(w.grad!.dataSync())).toEqual([4, 8, 48]);
    f.dispose();
  });
});
