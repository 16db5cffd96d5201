/**
 * The compression report's measurements for one model variant: parameters and non-zeros,
 * FLOPs per sample, the weight file's size raw and gzipped (zeros from pruning only pay off
 * compressed), the test score (accuracy, or loss for regression) with its change from the
 * baseline, and the CPU inference latency per sample (median of single-sample forwards).
 */
import { gzipSync } from 'fflate';
import { now } from '../core/host.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import { tensor } from '../ops/creation.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { evaluateReport } from '../train/evaluation.ts';
import type { LayerSparsity } from './prune.ts';

export interface VariantReport {
  name: string;
  /** What was done to get it, in words. */
  method: string;
  parameters: number;
  nonZeros: number;
  flops: number;
  /** The variant's weight file: its format and size in bytes, raw and gzipped (level 9). */
  file: { format: 'float32' | 'int8' | 'float16'; bytes: number; gzipBytes: number };
  loss: number;
  accuracy?: number;
  /** Accuracy (classification) or loss (regression) minus the baseline's; 0 for the baseline. */
  delta: number;
  /** Median milliseconds per sample of a batch-of-one forward on the CPU. */
  latencyMs: number;
  /** The same on WebGPU, where an adapter exists (gpuLatency.ts). */
  webgpuLatencyMs?: number;
  /** Sparsity per prunable weight (pruned variants). */
  layers?: LayerSparsity[];
  /** Remaining output channels per shrunk layer (channel pruning). */
  channels?: Record<string, { before: number; after: number }>;
}

export function gzipSize(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).byteLength;
}

/** Forwards run before timing (the JIT and buffer pools warm up). */
const WARMUP = 10;

/** Median per-sample latency of `runs` batch-of-one forwards (after the warm-up). */
export function latencyPerSample(model: GraphModel, sample: Float32Array, runs = 30): number {
  const x = tensor(sample, { shape: [1, ...model.inputShape] });
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + WARMUP; i++) {
      const t0 = now();
      noGrad(() => scope(() => model.forward(x).dataSync()));
      if (i >= WARMUP) times.push(now() - t0);
    }
  } finally {
    x.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Non-zero parameter values (of the model as it computes). */
export function countNonZeros(model: GraphModel): number {
  let n = 0;
  for (const p of model.parameters()) {
    const d = p.dataSync();
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  }
  return n;
}

export interface Measured {
  loss: number;
  accuracy?: number;
  latencyMs: number;
  nonZeros: number;
}

/** Scores `model` on `test` and times it on the first test sample. */
export async function measureModel(model: GraphModel, test: ArrayDataset, cfg: TrainConfig, latencyRuns = 30): Promise<Measured> {
  const r = await evaluateReport(model, test, cfg, { worst: 0 });
  model.eval();
  return {
    loss: r.loss,
    ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}),
    latencyMs: latencyPerSample(model, test.x.subarray(0, test.features), latencyRuns),
    nonZeros: countNonZeros(model),
  };
}
