// Losing the GPU mid-run: the session stops with a clean 'backend' error that carries the
// last finished epoch's weights, and a new run on the CPU continues from them.
import { describe, expect, it } from 'vitest';
import { runTraining, RecoverableRunError } from './session.ts';
import type { TrainJob } from './session.ts';
import { defaultGraph } from '../graph/format.ts';
import { setBackend } from '../backend/registry.ts';
import { registerBackend } from '../backend/registry.ts';
import { createWebGPUBackend } from '../backend/webgpu/device.ts';
import { dawnGpu, skipWebGPU } from '../backend/webgpu/dawn.ts';

const suite = skipWebGPU() ? describe.skip : describe;

suite('GPU device loss during a run', () => {
  it('keeps the last epoch\'s weights and continues on the CPU from them', async () => {
    const gpu = await createWebGPUBackend(await dawnGpu());
    registerBackend(gpu);
    setBackend('webgpu');
    const job: TrainJob = {
      runId: 'gpu', graph: defaultGraph(), boundaryResolution: 0,
      dataset: { kind: 'builtin2d', name: 'circles', samples: 200, noise: 0.1, seed: 3 },
      config: { optimizer: 'adam', lr: 0.02, batchSize: 50, epochs: 8, seed: 1, validationSplit: 0 },
    };
    const epochLoss: number[] = [];
    const err = await runTraining(job, {
      shouldStop: () => false,
      onEvent: (e) => {
        if (e.type === 'epoch') epochLoss.push(e.loss);
      },
      callbacks: [{ onEpochEnd: (r) => { if (r.epoch === 3) gpu.device.destroy(); } }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecoverableRunError);
    const lost = err as RecoverableRunError;
    expect(lost.code).toBe('backend');
    expect(lost.message).toMatch(/continue on the CPU/);
    expect(lost.weights).not.toBeNull();
    expect(lost.epoch).toBeGreaterThanOrEqual(2);

    setBackend('cpu');
    const first: number[] = [];
    const resumed = await runTraining({ ...job, runId: 'cpu', config: { ...job.config, epochs: 2 }, initialWeights: lost.weights! }, {
      shouldStop: () => false,
      onEvent: (e) => {
        if (e.type === 'step' && first.length === 0) first.push(e.loss);
      },
    });
    // The CPU run starts where the GPU run was, not from a fresh initialisation (~0.69).
    expect(first[0]).toBeLessThan(epochLoss[0]);
    expect(resumed.reason).toBe('completed');
  });
});
