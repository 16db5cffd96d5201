// float16 storage on WebGPU (shader-f16): the source rewrite of half.ts on its own, then the
// whole op suite (OP_CASES + LAYER_CASES) on float16 inputs, forward and gradients, against
// the CPU backend's float16 (the same contract: f16 storage, f32 compute, each op's output
// rounded to half). Needs an adapter with shader-f16 — Mesa's lavapipe (Debian's
// mesa-vulkan-drivers from bookworm-backports) has it, SwiftShader does not; `npm test` runs
// this file a second time on lavapipe when it is installed. FLOWGRAD_REQUIRE_F16=1 turns a
// missing feature into a failure (CI sets it).
import { describe, expect, it } from 'vitest';
import { LAYER_CASES, OP_CASES } from '../../test/ops/cases.ts';
import { allclose, makeInputs } from '../../test/ops/opcheck.ts';
import type { OpCase } from '../../test/ops/opcheck.ts';
import { grad } from '../../autograd/backward.ts';
import { Rng } from '../../core/rng.ts';
import { fromValues } from '../../ops/creation.ts';
import { backend } from '../registry.ts';
import { amp, optim, scope, setBackend, tensor } from '../../index.ts';
import { runTraining } from '../../train/session.ts';
import type { SessionEvent } from '../../train/session.ts';
import { defaultGraph } from '../../graph/format.ts';
import { FlowgradError } from '../../core/errors.ts';
import { halfStorage } from './half.ts';
import { dawnBackend } from './dawn.ts';

describe('half.ts: f16 storage rewrite', () => {
  const src = `@group(0) @binding(0) var<uniform> prm: array<vec4<u32>, 16>;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
fn main() {
  let v = xs[idx[xs[0] ]];
  let w = A[1u] * 2.0;
  out[u32(xs[1])] = v + w.x;
  out[2] += xs[3];
  if (out[0] == xs[0]) { out[1] = select(xs[2], 0.0, true); }
}`;
  it('declares the float16 bindings f16 and converts every access', () => {
    const r = halfStorage(src, new Set([1, 2, 4]));
    expect(r.startsWith('enable f16;')).toBe(true);
    expect(r).toContain('var<storage, read> xs: array<f16>;');
    expect(r).toContain('var<storage, read> A: array<vec4<f16>>;');
    expect(r).toContain('var<storage, read> idx: array<i32>;');
    expect(r).toContain('let v = f32(xs[idx[f32(xs[0]) ]]);');
    expect(r).toContain('let w = vec4<f32>(A[1u]) * 2.0;');
    expect(r).toContain('out[u32(f32(xs[1]))] = f16( v + w.x);');
    expect(r).toContain('out[2] = f16(f32(out[2]) + ( f32(xs[3])));');
    expect(r).toContain('if (f32(out[0]) == f32(xs[0])) { out[1] = f16( select(f32(xs[2]), 0.0, true)); }');
  });
  it('refuses an integer binding and a binding it cannot find', () => {
    expect(() => halfStorage(src, new Set([3]))).toThrow(/integer/);
    expect(() => halfStorage(src, new Set([7]))).toThrow(/found 0 of 1/);
  });
});

const be = await dawnBackend();
const f16 = be?.hasFloat16 ?? false;
const required = Boolean((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FLOWGRAD_REQUIRE_F16);

/** The starter MLP on circles through the worker's entry point, on the current backend. */
async function trainCircles(mixedPrecision: boolean) {
  const events: SessionEvent[] = [];
  const out = await runTraining({
    runId: 'mp', graph: defaultGraph(), dataset: { kind: 'builtin2d', name: 'circles', samples: 240, noise: 0.15, seed: 3 },
    config: { optimizer: 'adam', lr: 0.02, batchSize: 16, epochs: 8, seed: 1, validationSplit: 0.25, mixedPrecision }, boundaryResolution: 0,
  }, { onEvent: (e) => events.push(e), shouldStop: () => false });
  return { out, events };
}

if (be && !f16) {
  it('mixed precision on a WebGPU adapter without shader-f16: a clear error naming the setting, before any work', async () => {
    setBackend('webgpu');
    try {
      const err = await trainCircles(true).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(FlowgradError);
      expect((err as FlowgradError).code).toBe('unsupported');
      expect((err as Error).message).toMatch(/shader-f16.*turn Mixed precision off/);
    } finally {
      setBackend('cpu');
    }
  });
}

if (!f16) {
  it.skipIf(!required)('float16 on WebGPU needs an adapter with shader-f16', () => {
    throw new Error(`FLOWGRAD_REQUIRE_F16 is set but the adapter (${be?.adapter.description ?? 'none'}) has no shader-f16`);
  });
}

const ATOL = 2e-2, RTOL = 2e-2;

async function forward(c: OpCase, name: string): Promise<{ data: Float32Array | null; dtype: string; shape: number[] }> {
  const out = scope(() => c.fn(...makeInputs(c, name, 'float16')));
  try {
    const d = await out.data();
    return { data: Float32Array.from(d as ArrayLike<number>), dtype: out.dtype, shape: out.shape };
  } finally {
    out.dispose();
  }
}

async function grads(c: OpCase, name: string): Promise<Float32Array[]> {
  const gs = scope(() => {
    const xs = makeInputs(c, name, 'float16');
    const y = c.fn(...xs);
    const rng = new Rng(3);
    const proj = fromValues(Array.from({ length: y.size }, () => rng.uniform(0.5, 1.5)), y.shape, y.dtype, { backend: backend(name) });
    return grad(y, xs.filter((x) => x.requiresGrad), { gradOutput: proj });
  });
  try {
    return await Promise.all(gs.map(async (g) => Float32Array.from((await g.data()) as ArrayLike<number>)));
  } finally {
    for (const g of gs) g.dispose();
  }
}

// Registered only with shader-f16 (the one test above stands for the suite otherwise).
if (f16) describe('the op suite in float16 on WebGPU vs float16 on the CPU', () => {
  it('float16 tensors round-trip and take half the memory', async () => {
    const before = be!.memory().bytesInUse;
    const t = tensor([1, 0.1, -65504, 1e-5, 3.14159], { dtype: 'float16', backend: 'webgpu' });
    expect(t.dtype).toBe('float16');
    const got = Array.from(await t.data());
    const cpu = Array.from(tensor([1, 0.1, -65504, 1e-5, 3.14159], { dtype: 'float16', backend: 'cpu' }).dataSync());
    expect(got).toEqual(cpu);
    expect(be!.memory().bytesInUse - before).toBe(256); // 10 bytes, in the smallest bucket
    t.dispose();
  });
  for (const c of [...OP_CASES, ...LAYER_CASES]) {
    it(`${c.name}: forward`, async () => {
      const [g, r] = [await forward(c, 'webgpu'), await forward(c, 'cpu')];
      expect(g.shape).toEqual(r.shape);
      expect(g.dtype).toBe(r.dtype);
      expect(allclose(g.data!, r.data!, ATOL, RTOL)).toBeNull();
    });
    if (c.grad !== false) {
      it(`${c.name}: gradients`, async () => {
        const [g, r] = [await grads(c, 'webgpu'), await grads(c, 'cpu')];
        expect(g.length).toBe(r.length);
        g.forEach((x, i) => expect(allclose(x, r[i]!, ATOL, RTOL), `gradient of input ${i}`).toBeNull());
      });
    }
  }
  it('mixed-precision training on WebGPU: float16 kernels run, accuracy as in float32, like the CPU in float16', async () => {
    const acc: Record<string, number> = {};
    for (const [name, mp] of [['webgpu', true], ['webgpu', false], ['cpu', true]] as const) {
      setBackend(name);
      try {
        const before = be!.stats().pipelinesCompiled;
        const { out } = await trainCircles(mp);
        expect(out.final.reason).toBe('completed');
        acc[`${name}:${mp}`] = out.final.metrics.valAccuracy!;
        if (name === 'webgpu' && mp) expect(be!.stats().pipelinesCompiled).toBeGreaterThan(before);
      } finally {
        setBackend('cpu');
      }
    }
    expect(acc['webgpu:true']).toBeGreaterThan(0.85);
    expect(Math.abs(acc['webgpu:true']! - acc['webgpu:false']!)).toBeLessThan(0.08);
    expect(Math.abs(acc['webgpu:true']! - acc['cpu:true']!)).toBeLessThan(0.08);
  }, 400_000); // lavapipe compiles each new pipeline in LLVM: the first epochs are slow

  it('GradScaler on WebGPU: an overflowing scale skips steps on the device and backs off', async () => {
    setBackend('webgpu');
    try {
      // The largest gradient is 12·S: it overflows float32 at S = 2^126 and 2^125, not at 2^124.
      const p = tensor([0.5, -1.5, 2.0], { requiresGrad: true });
      const opt = new optim.Adam([p], { lr: 0.1 });
      const s = new amp.GradScaler({ initScale: 2 ** 126, growthInterval: 1000 });
      for (let i = 0; i < 6; i++) scope(() => {
        opt.zeroGrad();
        s.scale(p.square().mul(tensor([1, 2, 3])).sum()).backward();
        s.step(opt);
        s.update();
      });
      expect(await s.read()).toEqual({ scale: 2 ** 124, skippedSteps: 2 });
      const got = Array.from(await p.data());
      expect(got.every(Number.isFinite)).toBe(true);
      expect(got).not.toEqual([0.5, -1.5, 2.0]);
      s.dispose();
      opt.dispose();
    } finally {
      setBackend('cpu');
    }
  });

  it('raised no WebGPU validation errors', async () => {
    await be!.sync();
    expect(be!.stats().firstError).toBeNull();
  });
});
