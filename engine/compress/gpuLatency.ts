/**
 * The report's WebGPU column: each variant's per-sample latency on WebGPU, where an adapter
 * exists (the browser's engine worker; Node has none, so the CLI leaves the column out). Each
 * variant runs as it computes — an int8 one with its fake-quant inputs — as batch-of-one
 * forwards read back asynchronously (WebGPU has no synchronous readback). The backend in use
 * before is restored afterwards, so training and the CPU column are unaffected.
 */
import { now } from '../core/host.ts';
import { noGrad } from '../autograd/mode.ts';
import { tensor } from '../ops/creation.ts';
import { chooseBackend } from '../backend/webgpu/device.ts';
import { getBackend, setBackend } from '../backend/registry.ts';
import { modelWithWeights } from '../train/session.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { decodeInt8 } from './quantFile.ts';
import { simulateQuantized } from './quantize.ts';
import type { CompressedVariant } from './pipeline.ts';

const WARMUP = 5;

/** Median ms per sample of `runs` batch-of-one forwards, each awaited to its readback. */
export async function latencyPerSampleAsync(model: GraphModel, sample: Float32Array, runs: number): Promise<number> {
  const x = tensor(sample, { shape: [1, ...model.inputShape] });
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + WARMUP; i++) {
      const t0 = now();
      const y = noGrad(() => model.forward(x));
      await y.data();
      y.dispose();
      if (i >= WARMUP) times.push(now() - t0);
    }
  } finally {
    x.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Sets `report.webgpuLatencyMs` on every variant; false (nothing set) when there is no WebGPU adapter. */
export async function measureWebgpuLatency(variants: CompressedVariant[], sample: Float32Array, runs: number): Promise<boolean> {
  const before = getBackend();
  try {
    await chooseBackend('webgpu');
  } catch {
    setBackend(before);
    return false;
  }
  try {
    for (const v of variants) {
      const model = modelWithWeights(v.graph, v.weights);
      try {
        if (v.report.file.format === 'int8') simulateQuantized(model, decodeInt8(v.file));
        model.eval();
        v.report.webgpuLatencyMs = await latencyPerSampleAsync(model, sample, runs);
      } finally {
        model.dispose();
      }
    }
    return true;
  } finally {
    setBackend(before);
  }
}
