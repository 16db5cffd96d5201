// Training on WebGPU through the public API: (1) 1,000 Adam steps of a small MLP with async
// reads only, asserting that the buffer pool and the pipeline cache stop growing after the
// first steps and that nothing leaks; (2) device loss mid-run: the step throws a clean
// FlowgradError('backend') and training continues on the CPU from the last weights read.
import { afterAll, describe, expect, it } from 'vitest';
import { F, FlowgradError, manualSeed, memory, nn, optim, scope, setBackend, tensor } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import { Rng } from '../../core/rng.ts';
import type { WebGPUStats } from './backend.ts';
import { createWebGPUBackend } from './device.ts';
import { dawnBackend, dawnGpu } from './dawn.ts';
import { registerBackend } from '../registry.ts';

const be = await dawnBackend();
const suite = be ? describe : describe.skip;

class Mlp extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  fc2 = new nn.Linear(16, 3);
  override forward(v: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(v).relu());
  }
}

/** 64 points in 4-D, 3 classes by the sign pattern of two coordinates. */
function data(backend: string): { x: Tensor; y: Tensor } {
  const rng = new Rng(5);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < 64; i++) {
    const p = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
    xs.push(...p);
    ys.push(p[0] > 0 ? (p[1] > 0 ? 2 : 1) : 0);
  }
  return { x: tensor(xs, { shape: [64, 4], backend }), y: tensor(ys, { dtype: 'int32', backend }) };
}

function step(model: Mlp, opt: optim.Adam, x: Tensor, y: Tensor): Tensor {
  return scope(() => {
    opt.zeroGrad();
    const l = F.crossEntropy(model.forward(x), y);
    l.backward();
    opt.step();
    return l.detach();
  });
}

afterAll(() => setBackend('cpu'));

suite('training on webgpu', () => {
  it('1,000 Adam steps: no growth in buffers or pipelines after the first steps, no leaks', async () => {
    setBackend('webgpu');
    manualSeed(1);
    const model = new Mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
    const { x, y } = data('webgpu');
    const losses: number[] = [];
    let after5: WebGPUStats | null = null;
    let memAfter5 = memory();
    for (let i = 1; i <= 1000; i++) {
      const loss = step(model, opt, x, y);
      if (i % 50 === 0) losses.push((await loss.data())[0]);
      loss.dispose();
      if (i === 5) {
        await be!.sync();
        after5 = be!.stats();
        memAfter5 = memory();
      }
    }
    await be!.sync();
    const end = be!.stats();
    console.log('1,000 steps on webgpu:', JSON.stringify({ after5, end, memAfter5, memEnd: memory(), firstLoss: losses[0], lastLoss: losses.at(-1) }));
    expect(end.firstError).toBeNull();
    expect(end.buffersCreated).toBe(after5!.buffersCreated);
    expect(end.stagingBuffersCreated).toBeLessThanOrEqual(after5!.stagingBuffersCreated + 1);
    expect(end.pipelinesCompiled).toBe(after5!.pipelinesCompiled);
    expect(memory().liveTensors).toBe(memAfter5.liveTensors);
    expect(memory().bytesInUse).toBe(memAfter5.bytesInUse);
    // Many dispatches per submit: the step loop only submits when a read (every 50 steps) or a full parameter arena asks.
    expect(end.dispatches - after5!.dispatches).toBeGreaterThan(20 * (end.submits - after5!.submits));
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
    x.dispose();
    y.dispose();
  }, 120_000);

  it('device loss mid-run: a clean FlowgradError, then training continues on the CPU from the last weights read', async () => {
    // A backend of its own, so destroying its device leaves the shared one alone.
    const lost = await createWebGPUBackend(await dawnGpu());
    registerBackend(lost);
    setBackend('webgpu');
    manualSeed(2);
    const model = new Mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
    const { x, y } = data('webgpu');
    const probe = lost.alloc('float32', 4);
    let saved: Float32Array[] = [];
    let error: unknown = null;
    for (let i = 1; i <= 40 && !error; i++) {
      try {
        if (i === 25) lost.device.destroy(); // what a driver reset or an unplugged GPU does
        const loss = step(model, opt, x, y);
        if (i % 10 === 0) {
          await loss.data();
          saved = await Promise.all(model.parameters().map(async (p) => Float32Array.from(await p.data())));
        }
        loss.dispose();
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(FlowgradError);
    expect((error as FlowgradError).code).toBe('backend');
    expect((error as Error).message).toMatch(/the GPU device was lost: /);
    expect(lost.isLost).toBe(true);
    expect(() => lost.alloc('float32', 4)).toThrow(/device was lost/);
    await expect(lost.read(probe)).rejects.toThrow(/device was lost/);
    expect(saved.length).toBe(4);

    // Continue on the CPU from the weights read at step 20.
    setBackend('cpu');
    manualSeed(2);
    const cpuModel = new Mlp();
    cpuModel.parameters().forEach((p, i) => p.assign(saved[i]));
    const cpuOpt = new optim.Adam(cpuModel.parameters(), { lr: 0.02 });
    const cpuData = data('cpu');
    const first = step(cpuModel, cpuOpt, cpuData.x, cpuData.y);
    let last = first;
    for (let i = 0; i < 30; i++) last = step(cpuModel, cpuOpt, cpuData.x, cpuData.y);
    expect(Number.isFinite(last.item())).toBe(true);
    expect(last.item()).toBeLessThan(first.item());
  }, 60_000);
});
