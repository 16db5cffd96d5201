// Flat arenas and the multi-tensor optimizer kernels on WebGPU: allocGroup views behave like
// buffers (kernels, writes, reads, accounting, aliasing inside one arena); adamMulti and
// sgdMulti equal the CPU's per-tensor kernels for every option, with and without a gradScale,
// in as few dispatches as the binding limit allows; optimizers pack a model's parameters so
// the whole update is one dispatch.
import { describe, expect, it } from 'vitest';
import { nn, optim, scope, setBackend, tensor } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { runOptional } from '../../ops/op.ts';
import { Rng } from '../../core/rng.ts';
import type { BackendBuffer, OptionalKernelArgs } from '../types.ts';
import { dawnBackend } from './dawn.ts';
import { backend as backendNamed } from '../registry.ts';

const be = await dawnBackend();
const suite = be ? describe : describe.skip;

const rand = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

suite('webgpu arenas (allocGroup)', () => {
  it('views are buffers: kernels read and write them, reads and writes hit the right range', async () => {
    const views = be!.allocGroup('float32', [3, 70, 1]);
    be!.write(views[0]!, [1, 2, 3]);
    be!.write(views[1]!, Float32Array.from({ length: 70 }, (_, i) => i));
    be!.write(views[2]!, [42]);
    const out = be!.alloc('float32', 3);
    be!.run('binary', { op: 'add', a: views[0]!, b: views[2]!, out, aShape: [3], bShape: [1], outShape: [3] });
    expect(Array.from(await be!.read(out))).toEqual([43, 44, 45]);
    // An output view next to an input view of the same arena (the read side is copied first).
    be!.run('unary', { op: 'neg', x: views[0]!, out: views[2]!, alpha: 0, beta: 0 } as never);
    expect(Array.from(await be!.read(views[1]!)).slice(68)).toEqual([68, 69]);
    be!.run('copy', { x: views[1]!, out: views[0]!, shape: [3], srcStrides: [1], srcOffset: 67, dstStrides: [1], dstOffset: 0 });
    expect(Array.from(await be!.read(views[0]!))).toEqual([67, 68, 69]);
    expect(Array.from(await be!.read(views[2]!))).toEqual([-1]);
    for (const v of views) be!.free(v);
    be!.free(out);
  });

  it('the arena is one pooled buffer, returned with its last view', async () => {
    await be!.sync();
    const m0 = be!.memory().bytesInUse;
    const views = be!.allocGroup('float32', [10, 10, 10]);
    const align = 256; // minStorageBufferOffsetAlignment on every adapter we meet (the default)
    expect(be!.memory().bytesInUse - m0).toBeGreaterThanOrEqual(3 * align - align + 40);
    be!.free(views[0]!);
    be!.free(views[1]!);
    expect(be!.memory().bytesInUse).toBeGreaterThan(m0);
    be!.free(views[2]!);
    expect(be!.memory().bytesInUse).toBe(m0);
  });
});

interface Case { sizes: number[]; stepOffset?: number; amsgrad?: boolean; weightDecay?: number; decoupled?: boolean; maximize?: boolean; scale?: number[] }

/** The same adamMulti call on WebGPU (tensors in arenas) and on the CPU; returns both results. */
async function adamBoth(c: Case, steps: number): Promise<{ gpu: number[][]; cpu: number[][]; dispatches: number }> {
  const rng = new Rng(7);
  const init = c.sizes.map((n) => rand(rng, n));
  const grads = Array.from({ length: steps }, () => c.sizes.map((n) => rand(rng, n)));
  const run = async (name: 'webgpu' | 'cpu') => {
    setBackend(name);
    const b = name === 'webgpu' ? be! : null;
    const group = (n: number) => (b ? b.allocGroup('float32', c.sizes) : c.sizes.map(() => null)).map((v, i) => {
      const t = tensor(n ? init[i]! : new Float32Array(c.sizes[i]!));
      if (!v) return t;
      b!.run('copy', { x: t._storage.buf, out: v, shape: [c.sizes[i]!], srcStrides: [1], srcOffset: 0, dstStrides: [1], dstOffset: 0 });
      t.dispose();
      return v;
    });
    const asBuf = (x: Tensor | BackendBuffer) => ('_storage' in x ? x._storage.buf : x);
    const params = group(1).map(asBuf), m = group(0).map(asBuf), v = group(0).map(asBuf), vMax = c.amsgrad ? group(0).map(asBuf) : null;
    const s0 = b?.stats().dispatches ?? 0;
    for (let s = 0; s < steps; s++) {
      const gs = grads[s]!.map((g) => tensor(g));
      const args: OptionalKernelArgs['adamMulti'] = {
        params, grads: gs.map((g) => g._storage.buf), m, v, vMax, steps: c.sizes.map(() => s + 1 + (c.stepOffset ?? 0)),
        lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: c.weightDecay ?? 0, decoupled: c.decoupled ?? false,
        maximize: c.maximize ?? false, gradScale: c.scale ? tensor(c.scale)._storage.buf : null,
      };
      runOptional(name === 'webgpu' ? be! : backendNamed('cpu'), 'adamMulti', args);
    }
    const dispatches = (b?.stats().dispatches ?? 0) - s0;
    const out = await Promise.all(params.map(async (p) => Array.from(await (b ?? backendNamed('cpu')).read(p))));
    setBackend('cpu');
    return { out, dispatches };
  };
  const gpu = await run('webgpu'), cpu = await run('cpu');
  return { gpu: gpu.out, cpu: cpu.out, dispatches: gpu.dispatches };
}

const near = (a: number[][], b: number[][]) => a.forEach((r, i) => r.forEach((x, j) => expect(Math.abs(x - b[i]![j]!)).toBeLessThan(1e-5 + 1e-4 * Math.abs(b[i]![j]!))));

suite('webgpu adamMulti / sgdMulti', () => {
  const cases: [string, Case][] = [
    ['plain', { sizes: [5, 64, 1, 130] }],
    ['amsgrad + L2 decay', { sizes: [17, 3, 256], amsgrad: true, weightDecay: 0.1 }],
    ['AdamW + maximize', { sizes: [8, 9], weightDecay: 0.05, decoupled: true, maximize: true }],
    ['gradScale multiplier', { sizes: [33, 7], scale: [0.25, 0, 0] }],
    ['gradScale after 2 skipped steps', { sizes: [33, 7], scale: [1, 0, 2], stepOffset: 2 }],
    ['gradScale skip', { sizes: [4, 4], scale: [1, 1, 0] }],
  ];
  for (const [name, c] of cases) {
    it(`adamMulti equals the CPU's per-tensor Adam: ${name}`, async () => {
      const r = await adamBoth(c, 3);
      near(r.gpu, r.cpu);
      expect(r.dispatches).toBe(3); // one dispatch per step for all tensors
    });
  }

  it('more tensors than one dispatch binds: split by the device limit, same result', async () => {
    const sizes = Array.from({ length: 23 }, (_, i) => 1 + ((i * 37) % 90));
    const r = await adamBoth({ sizes }, 2);
    near(r.gpu, r.cpu);
    const perDispatch = Math.min(10, be!.device.limits.maxStorageBuffersPerShaderStage - 3);
    expect(r.dispatches).toBe(2 * Math.ceil(sizes.length / perDispatch));
  });

  it('sgdMulti equals SGD on the CPU (momentum, Nesterov, first step, weight decay, scale)', async () => {
    const results: number[][][] = [];
    for (const name of ['webgpu', 'cpu'] as const) {
      setBackend(name);
      const ps = [tensor([0.5, -1, 2, 3], { requiresGrad: true }), tensor([[0.1, 0.2], [0.3, 0.4]], { requiresGrad: true })];
      const opt = new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 });
      if (name === 'webgpu') expect(opt.packed).toBe(true);
      for (let s = 0; s < 4; s++) scope(() => {
        opt.zeroGrad();
        ps[0]!.square().sum().add(ps[1]!.exp().sum()).backward();
        opt.step(s === 2 ? { gradScale: tensor([0.5, 0, 0]) } : {});
      });
      results.push(await Promise.all(ps.map(async (p) => Array.from(await p.data()))));
      opt.dispose();
    }
    setBackend('cpu');
    near(results[0]!, results[1]!);
  });

  it('Adam packs a model into one arena: one optimizer dispatch per step, trains like the CPU', async () => {
    const losses: number[][] = [];
    for (const name of ['webgpu', 'cpu'] as const) {
      setBackend(name);
      const net = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 3));
      // Same start on both backends.
      const rng = new Rng(3);
      for (const p of net.parameters()) p.assign(rand(rng, p.size).map((x) => x * 0.3));
      const opt = new optim.Adam(net.parameters(), { lr: 0.01 });
      if (name === 'webgpu') expect(opt.packed).toBe(true);
      const x = tensor(rand(new Rng(5), 32 * 4), { shape: [32, 4] });
      const y = tensor(Int32Array.from({ length: 32 }, (_, i) => i % 3), { dtype: 'int32' });
      const ls: number[] = [];
      for (let s = 0; s < 20; s++) {
        const loss = scope(() => {
          opt.zeroGrad();
          const l = nn.functional.crossEntropy(net.forward(x), y);
          l.backward();
          const d0 = name === 'webgpu' ? be!.stats().dispatches : 0;
          opt.step();
          // (The first step also zero-fills the state arenas.)
          if (name === 'webgpu' && s > 0) expect(be!.stats().dispatches - d0).toBe(1);
          return l.detach();
        });
        ls.push((await loss.data())[0]!);
        loss.dispose();
      }
      losses.push(ls);
      opt.dispose();
    }
    setBackend('cpu');
    expect(losses[0]![19]!).toBeLessThan(losses[0]![0]! * 0.8);
    losses[0]!.forEach((l, i) => expect(l).toBeCloseTo(losses[1]![i]!, 4));
  });

  it('parameters something else holds are not moved (a view keeps its buffer): per-tensor updates, same result', async () => {
    setBackend('webgpu');
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = tensor([4, 5], { requiresGrad: true });
    const view = a.detach(); // shares a's storage
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    expect(opt.packed).toBe(false);
    scope(() => { a.square().sum().add(b.sum()).backward(); opt.step(); });
    const got = Array.from(await view.data());
    setBackend('cpu');
    expect(got.map((v) => Number(v.toFixed(4)))).toEqual([0.9, 1.9, 2.9]);
    opt.dispose();
  });
});

suite('webgpu sumSquares / ampUpdate (the loss scaler and clipping kernels)', () => {
  const both = async (run: (name: 'webgpu' | 'cpu') => Promise<number[]>) => [await run('webgpu'), await run('cpu')];

  it('sumSquares equals the CPU over many tensors (split across dispatches), with and without a scale', async () => {
    const sizes = Array.from({ length: 23 }, (_, i) => 1 + ((i * 53) % 3000));
    for (const scale of [null, 256]) {
      const [gpu, cpu] = await both(async (name) => {
        setBackend(name);
        const rng = new Rng(11);
        const xs = sizes.map((n) => tensor(rand(rng, n).map((v) => v * (scale ?? 1))));
        const out = tensor([0]);
        const s = scale ? tensor([scale]) : null;
        runOptional(backendNamed(name), 'sumSquares', { xs: xs.map((x) => x._storage.buf), scale: s?._storage.buf ?? null, out: out._storage.buf });
        const r = Array.from(await out.data());
        setBackend('cpu');
        return r;
      });
      expect(Math.abs(gpu[0]! - cpu[0]!)).toBeLessThan(1e-4 * cpu[0]!);
      expect(cpu[0]!).toBeGreaterThan(1000);
    }
  });

  it('sumSquares is inf when one element is (the overflow check), 0 for no tensors', async () => {
    setBackend('webgpu');
    const out = tensor([5]);
    runOptional(be!, 'sumSquares', { xs: [tensor([1, 2])._storage.buf, tensor([3, Infinity, 4])._storage.buf], scale: null, out: out._storage.buf });
    expect((await out.data())[0]).toBe(Infinity);
    runOptional(be!, 'sumSquares', { xs: [], scale: null, out: out._storage.buf });
    expect((await out.data())[0]).toBe(0);
    setBackend('cpu');
  });

  for (const [name, n2, counts, maxNorm] of [
    ['a good step', 4, [3, 1], 0], ['a good step at the growth interval', 4, [4, 1], 0], ['an overflow', Infinity, [2, 1], 0],
    ['NaN', NaN, [0, 0], 1], ['clipping by norm', 100, [0, 2], 5],
  ] as const) {
    it(`ampUpdate equals the CPU: ${name}`, async () => {
      const [gpu, cpu] = await both(async (b) => {
        setBackend(b);
        const scale = tensor([1024]), ct = tensor([...counts]), gs = tensor([9, 9, 9]);
        runOptional(backendNamed(b), 'ampUpdate', {
          norm2: tensor([n2])._storage.buf, scale: scale._storage.buf, counts: ct._storage.buf, gradScale: gs._storage.buf,
          maxNorm, growthFactor: 2, backoffFactor: 0.5, growthInterval: 5,
        });
        const r = [...await gs.data(), ...await scale.data(), ...await ct.data()].map(Number);
        setBackend('cpu');
        return r;
      });
      gpu.forEach((v, i) => expect(v).toBeCloseTo(cpu[i]!, 6));
      if (name === 'an overflow') expect(cpu).toEqual([1 / 1024, 1, 1, 512, 0, 2]);
      if (name === 'a good step at the growth interval') expect(cpu.slice(3)).toEqual([2048, 0, 1]);
      if (name === 'clipping by norm') expect(cpu[0]).toBeCloseTo(0.5 / 1024, 8);
    });
  }
});
