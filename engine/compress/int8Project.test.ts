// An int8 model kept as the project's model: the .flowgrad.zip carries its int8 file
// (project.json's `quantized` entry, version 3) bit for bit; reopened, Evaluate scores it as the
// compression report did (same fake-quant simulation, same rows: equal accuracy and loss), and
// predictions equal the simulation's; the float32 weights alone would compute something else.
// Version 2 files still open; unknown int8 formats, newer entry versions and a missing int8 file
// are refused with a message the user can act on.
import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { defaultGraph } from '../graph/format.ts';
import { runTraining, predictRows, modelWithWeights } from '../train/session.ts';
import { evaluateProject } from '../train/evaluation.ts';
import { newProject, readProjectZip, writeProjectZip, type ProjectJSON } from '../project/projectFile.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../project/config.ts';
import { badFile } from '../test/throws.ts';
import { noGrad } from '../autograd/mode.ts';
import { tensor } from '../ops/creation.ts';
import { compressModel, type CompressedVariant } from './pipeline.ts';
import { int8Setup } from './int8Model.ts';
import { decodeInt8 } from './quantFile.ts';
import { simulateQuantized } from './quantize.ts';

const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.03, epochs: 3, batchSize: 32, validationSplit: 0.3 };
const dataset = { kind: 'builtin2d' as const, name: 'moons' as const, samples: 300, noise: 0.25, seed: 5 };

let cached: Promise<{ weights: Uint8Array; int8: CompressedVariant }> | null = null;
function compressed() {
  cached ??= (async () => {
    const out = await runTraining({ runId: 'r', graph: defaultGraph(), dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false });
    const variants = await compressModel({ graph: defaultGraph(), weights: out.weights, dataset, config, quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 2 }, latencyRuns: 1 });
    return { weights: out.weights, int8: variants.find((v) => v.report.file.format === 'int8')! };
  })();
  return cached;
}

const project = (): ProjectJSON => ({ ...newProject('moons int8'), data: dataset, training: config });

describe('an int8 model in the project', () => {
  it('round-trips through .flowgrad.zip bit for bit, as a version 3 project with a quantized entry', async () => {
    const { int8 } = await compressed();
    const bytes = writeProjectZip({ project: project(), weights: int8.weights, int8: int8.file });
    expect(Object.keys(unzipSync(bytes)).sort()).toEqual(['project.json', 'weights.int8.safetensors', 'weights.safetensors']);
    const read = readProjectZip(bytes);
    expect(read.project.version).toBe(3);
    expect(read.project.quantized).toEqual({ format: 'int8', version: 2 });
    expect(read.int8).toEqual(int8.file);
    expect(read.weights).toEqual(int8.weights);
    // Saved again as it was read: the same files.
    const again = readProjectZip(writeProjectZip({ project: read.project, weights: read.weights, int8: read.int8 }));
    expect(again.int8).toEqual(int8.file);
    // Saved without the int8 file (training went on from the float weights): a version 2 project.
    const float = readProjectZip(writeProjectZip({ project: read.project, weights: read.weights }));
    expect(float.project.version).toBe(2);
    expect(float.project.quantized).toBeUndefined();
    expect(float.int8).toBeNull();
  });

  it('Evaluate of the reopened int8 model equals the compression report’s int8 accuracy and loss', async () => {
    const { int8 } = await compressed();
    const read = readProjectZip(writeProjectZip({ project: project(), weights: int8.weights, int8: int8.file }));
    const ev = await evaluateProject({ graph: read.project.graph, weights: read.weights!, dataset: read.project.data, config: read.project.training, setup: int8Setup(read.int8) });
    expect(int8.report.accuracy).toBeDefined();
    expect(ev.report.accuracy).toBe(int8.report.accuracy);
    expect(ev.report.loss).toBe(int8.report.loss);
    // The dequantized float32 weights alone (no activation fake-quant) compute another model.
    const float = await evaluateProject({ graph: read.project.graph, weights: read.weights!, dataset: read.project.data, config: read.project.training });
    expect(float.report.loss).not.toBe(int8.report.loss);
  });

  it('predicts what the int8 simulation computes', async () => {
    const { int8 } = await compressed();
    const x = Float32Array.from({ length: 64 * 2 }, (_, i) => Math.sin(i * 0.37) * 2);
    const got = await predictRows(defaultGraph(), int8.weights, x, 64, int8Setup(int8.file));
    const m = modelWithWeights(defaultGraph(), int8.weights);
    try {
      simulateQuantized(m, decodeInt8(int8.file));
      const want = noGrad(() => m.forward(tensor(x, { shape: [64, 2] })).dataSync());
      expect(Array.from(got)).toEqual(Array.from(want));
    } finally {
      m.dispose();
    }
    const plain = await predictRows(defaultGraph(), int8.weights, x, 64);
    expect(Array.from(plain)).not.toEqual(Array.from(got));
  });

  it('opens version 2 files (no int8) as before', async () => {
    const { weights } = await compressed();
    const v2 = { ...project(), version: 2 };
    const read = readProjectZip(zipSync({ 'project.json': strToU8(JSON.stringify(v2)), 'weights.safetensors': weights }));
    expect(read.project.version).toBe(2);
    expect(read.int8).toBeNull();
    expect(read.weights).toEqual(weights);
  });

  it('refuses an unknown quantized format, a newer entry version, a missing or foreign int8 file, with what to do', async () => {
    const { int8, weights } = await compressed();
    const zip = (q: unknown, files: Record<string, Uint8Array>) => zipSync({ 'project.json': strToU8(JSON.stringify({ ...project(), version: 3, quantized: q })), 'weights.safetensors': int8.weights, ...files });
    expect(badFile(() => readProjectZip(zip({ format: 'int4', version: 1 }, { 'weights.int8.safetensors': int8.file })))).toMatch(/quantized as "int4".*update Flowgrad/);
    expect(badFile(() => readProjectZip(zip({ format: 'int8', version: 3 }, { 'weights.int8.safetensors': int8.file })))).toMatch(/\(version 3\).*up to version 2.*update Flowgrad/);
    // A version 1 entry (saved before the compact int8 layout) still opens.
    expect(readProjectZip(zip({ format: 'int8', version: 1 }, { 'weights.int8.safetensors': int8.file })).project.quantized).toEqual({ format: 'int8', version: 2 });
    expect(badFile(() => readProjectZip(zip({ format: 'int8', version: 1 }, {})))).toMatch(/says its model is int8, but weights\.int8\.safetensors is missing/);
    expect(badFile(() => readProjectZip(zip({ format: 'int8', version: 1 }, { 'weights.int8.safetensors': weights })))).toMatch(/not an int8 model from Flowgrad/);
    expect(badFile(() => readProjectZip(zipSync({ 'project.json': strToU8(JSON.stringify({ ...project(), version: 4 })) })))).toMatch(/project version 4; this one reads up to 3/);
    expect(() => writeProjectZip({ project: project(), weights: null, int8: int8.file })).toThrow(/needs its dequantized float32 weights/);
  });
});
