// The WebGPU backend's own contract: pooled memory accounting and reuse, ordering hazards
// (writes into buffers the pending commands still use), batching of dispatches per submit,
// the pipeline cache, errors for what the GPU cannot do, and the backend chooser.
import { describe, expect, it } from 'vitest';
import { FlowgradError, getBackend, setBackend, tensor } from '../../index.ts';
import { dawnBackend, dawnGpu } from './dawn.ts';
import { chooseBackend } from './device.ts';

const be = await dawnBackend();
const suite = be ? describe : describe.skip;

suite('webgpu backend', () => {
  it('pools buffers by size bucket and reports bytes in use vs pooled', async () => {
    await be!.sync();
    const m0 = be!.memory(), created0 = be!.stats().buffersCreated;
    const a = be!.alloc('float32', 1000);
    const m1 = be!.memory();
    expect(m1.bytesInUse - m0.bytesInUse).toBe(4096);
    be!.free(a);
    be!.free(a); // double free is ignored
    const m2 = be!.memory();
    expect(m2.bytesInUse).toBe(m0.bytesInUse);
    expect(m2.bytesPooled - m0.bytesPooled).toBeGreaterThanOrEqual(4096);
    const b = be!.alloc('int32', 1010); // same bucket: reused, nothing created
    expect(be!.stats().buffersCreated).toBe(created0 + (m0.bytesPooled >= 4096 ? 0 : 1));
    be!.free(b);
  });

  it('a write into a buffer that pending commands read does not overtake them', async () => {
    const x = tensor([1, 2, 3, 4], { backend: 'webgpu' });
    const y = x.mul(2); // recorded, not submitted
    x.dispose(); // x's buffer returns to the pool...
    const z = tensor([10, 20, 30, 40], { backend: 'webgpu' }); // ...and is reused and written at once
    const w = z.add(y);
    expect(Array.from(await y.data())).toEqual([2, 4, 6, 8]);
    expect(Array.from(await w.data())).toEqual([12, 24, 36, 48]);
  });

  it('writes twice into one buffer between reads in the right order', async () => {
    const t = tensor([1, 1], { backend: 'webgpu' });
    const a = t.add(1);
    t.assign([5, 5]);
    const b = t.add(1);
    t.assign([7, 7]);
    expect(Array.from(await a.data())).toEqual([2, 2]);
    expect(Array.from(await b.data())).toEqual([6, 6]);
    expect(Array.from(await t.data())).toEqual([7, 7]);
  });

  it('assigning a tensor to itself (same buffer in and out) works', async () => {
    const t = tensor([1, 2, 3], { backend: 'webgpu' });
    t.assign(t);
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
  });

  it('records many dispatches per submit and compiles each pipeline once', async () => {
    await be!.sync();
    const s0 = be!.stats();
    let t = tensor([0.5, 0.25], { backend: 'webgpu' });
    for (let i = 0; i < 200; i++) {
      const n = t.mul(1.001).add(0.001);
      t.dispose();
      t = n;
    }
    const v = await t.data();
    const s1 = be!.stats();
    expect(s1.dispatches - s0.dispatches).toBe(400);
    expect(s1.submits - s0.submits).toBe(1);
    expect(s1.pipelinesCompiled - s0.pipelinesCompiled).toBeLessThanOrEqual(2);
    expect(v[0]).toBeCloseTo(0.5 * 1.001 ** 200 + 0.001 * ((1.001 ** 200 - 1) / 0.001), 3);
  });

  it('bool tensors round-trip as 0/1 and reads are async only', async () => {
    const b = tensor([true, false, true], { backend: 'webgpu' });
    expect(Array.from(await b.data())).toEqual([1, 0, 1]);
    expect(() => b.dataSync()).toThrow(/asynchronous|async/);
  });

  it('float64 is refused with a dtype error', () => {
    expect(() => be!.alloc('float64', 4)).toThrow(FlowgradError);
    expect(() => be!.alloc('float64', 4)).toThrow(/float64/);
  });

  it("chooseBackend: 'auto' turns down a software adapter; 'webgpu' and 'cpu' are obeyed", async () => {
    const gpu = await dawnGpu();
    const before = getBackend();
    try {
      const auto = await chooseBackend('auto', { gpu });
      expect(auto.name).toBe('cpu');
      expect(auto.adapter?.isFallbackAdapter).toBe(true);
      expect(auto.reason).toMatch(/software/);
      expect(getBackend()).toBe('cpu');
      const forced = await chooseBackend('webgpu', { gpu });
      expect(forced.name).toBe('webgpu');
      expect(getBackend()).toBe('webgpu');
      expect((await chooseBackend('cpu')).name).toBe('cpu');
      expect((await chooseBackend('auto', { gpu: null })).reason).toMatch(/no WebGPU/);
    } finally {
      setBackend(before);
    }
  });
});
