// float16 storage on WebGPU (shader-f16): the source rewrite of half.ts on its own, then the
// whole op suite (OP_CASES + LAYER_CASES) on float16 inputs, forward and gradients, against
// the CPU backend's float16 (the same contract: f16 storage, f32 compute, each op's output
// rounded to half). Needs an adapter with shader-f16 — Mesa's lavapipe (Debian's
// mesa-vulkan-drivers from bookworm-backports) has it, SwiftShader does not; `npm test` runs
// this file a second time on lavapipe when it is installed. FLOWGRAD_REQUIRE_F16=1 turns a
// missing feature into a failure (CI sets it).
import { describe, expect, it } from 'vitest';
import { LAYER_CASES, OP_CASES } from '../../ops/cases.ts';
import { allclose, makeInputs } from '../../ops/opcheck.ts';
import type { OpCase } from '../../ops/opcheck.ts';
import { grad } from '../../autograd/backward.ts';
import { scope } from '../../core/memory.ts';
import { Rng } from '../../core/rng.ts';
import { fromValues } from '../../ops/creation.ts';
import { backend } from '../registry.ts';
import { tensor } from '../../index.ts';
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
  it('raised no WebGPU validation errors', async () => {
    await be!.sync();
    expect(be!.stats().firstError).toBeNull();
  });
});
