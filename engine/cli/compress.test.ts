// `flowgrad compress` end to end: a trained project is channel-pruned (fine-tuned) and
// quantized to int8, the JSON report has every variant's numbers, the project it writes
// reopens with the smaller graph and its int8 model (weights.int8.safetensors: `evaluate` gives the
// reported int8 accuracy, `export --format onnx` the QDQ model), and the int8 file beside it loads
// back and computes the reported accuracy (and `predict` on the project computes it too); distillation adds the student variants; bad flags fail clearly.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../templates/build.ts';
import { jobFromFlags } from './compress.ts';
import { newProject, readProjectZip, writeProjectZip } from '../project/projectFile.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec } from '../project/config.ts';
import { runTraining, loadData } from '../train/session.ts';
import { GraphModel } from '../train/graphModel.ts';
import { evaluateReport } from '../train/evaluation.ts';
import { decodeInt8 } from '../compress/quantFile.ts';
import { simulateQuantized } from '../compress/quantize.ts';
import type { VariantReport } from '../compress/report.ts';
import { forward, maxAbsDiff, runOnnx } from '../test/onnxRun.ts';
import { npyBytes } from '../data/fixtures.ts';
import { parseNpy } from '../data/npy.ts';

const argmax = (d: Float32Array, k: number) => Array.from({ length: d.length / k }, (_, r) => d.subarray(r * k, r * k + k).reduce((b, v, i, a) => (v > a[b]! ? i : b), 0));

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function cnn() {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }], ['conv1', 'Conv2d', { filters: 4, kernelSize: 5, stride: 2 }], ['relu1', 'ReLU'], ['pool1', 'MaxPool2d', { kernelSize: 2 }],
    ['flatten', 'Flatten'], ['fc1', 'Dense', { units: 16 }], ['relu2', 'ReLU'], ['fc2', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

describe('flowgrad compress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-compress-'));
  const dataset: DatasetSpec = { kind: 'builtin', name: 'digits', samples: 400, noise: 0.1, seed: 7 };
  const config = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam' as const, lr: 0.005, batchSize: 32, epochs: 6, seed: 1, validationSplit: 0.2 };
  const trained = join(dir, 'trained.flowgrad.zip');

  it('prunes channels, quantizes to int8, reports every variant and writes files that load back', async () => {
    const project = newProject('cnn');
    project.graph = cnn();
    project.data = dataset;
    project.training = config;
    const out = await runTraining({ runId: 't', graph: project.graph, dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false });
    writeFileSync(trained, writeProjectZip({ project, weights: out.weights }));
    const outFile = join(dir, 'small.flowgrad.zip');
    const json = JSON.parse(run('compress', trained, '--prune', '0.5', '--prune-mode', 'channels', '--finetune-epochs', '1', '--quantize', 'int8', '--latency-runs', '3', '--json', '--out', outFile)) as { variants: VariantReport[]; kept: string; files: Record<string, string> };
    const [base, pruned, int8] = json.variants;
    expect(json.variants.map((v) => v.name)).toEqual(['baseline', 'pruned', 'pruned+int8']);
    expect(pruned!.channels).toEqual({ conv1: { before: 4, after: 2 }, fc1: { before: 16, after: 8 } });
    expect(pruned!.parameters).toBeLessThan(base!.parameters / 1.8);
    expect(pruned!.flops).toBeLessThan(base!.flops * 0.6);
    expect(int8!.file.format).toBe('int8');
    expect(int8!.file.bytes).toBeLessThan(pruned!.file.bytes * 0.7); // a tiny model: the header and scales weigh in
    for (const v of json.variants) expect([v.name, v.accuracy! > 0.5, v.latencyMs > 0, v.file.gzipBytes > 0]).toEqual([v.name, true, true, true]);
    expect(json.kept).toBe('pruned+int8');
    const reopened = readProjectZip(new Uint8Array(readFileSync(outFile)));
    expect(reopened.project.graph.nodes.find((n) => n.id === 'conv1')!.attrs.filters).toBe(2);
    expect(reopened.project.checkpoint).toBeUndefined();
    // The int8 file alone reproduces the reported accuracy of the quantized model.
    const qm = decodeInt8(new Uint8Array(readFileSync(json.files.int8!)));
    const model = new GraphModel(reopened.project.graph);
    simulateQuantized(model, qm);
    const data = await loadData(dataset, config);
    const r = await evaluateReport(model, { ...data.val!, sampleShape: data.sampleShape }, config);
    expect(r.accuracy).toBeCloseTo(int8!.accuracy!, 10);
    // The QDQ ONNX beside it predicts the same classes in onnxruntime.
    expect(json.files.onnx).toBe(outFile.replace(/\.flowgrad\.zip$/, '.int8.onnx'));
    const rows = 20, x = data.val!.x.slice(0, rows * 784);
    const got = await runOnnx(new Uint8Array(readFileSync(json.files.onnx!)), x, [rows, 1, 28, 28]);
    const simulated = forward(model, x, [rows, 1, 28, 28]).data;
    expect(argmax(got.data, 10)).toEqual(argmax(simulated, 10));
    model.dispose();
    // `predict` on the written project computes the int8 model (its simulation), not the float weights.
    const xFile = join(dir, 'x.npy'), yFile = join(dir, 'y.npy');
    writeFileSync(xFile, npyBytes(x, [rows, 1, 28, 28]));
    run('predict', outFile, '--input', xFile, '--out', yFile, '--prepared');
    expect(maxAbsDiff(parseNpy(new Uint8Array(readFileSync(yFile))).data, simulated)).toBeLessThanOrEqual(1e-6);
    // The project keeps the model as int8: the same file inside, and `evaluate` scores it as the report did.
    expect(reopened.project.quantized).toEqual({ format: 'int8', version: 2 });
    expect(reopened.int8).toEqual(new Uint8Array(readFileSync(json.files.int8!)));
    const ev = JSON.parse(run('evaluate', outFile, '--json')) as { accuracy: number; loss: number };
    expect(ev.accuracy).toBe(int8!.accuracy);
    expect(ev.loss).toBe(int8!.loss);
    // `export --format onnx` of the int8 project is the QDQ model the compress run wrote.
    const exported = join(dir, 'exported.onnx');
    expect(run('export', outFile, '--format', 'onnx', '--out', exported)).toMatch(/the project's model is int8: the file holds the int8 model as QDQ ONNX/);
    expect(new Uint8Array(readFileSync(exported))).toEqual(new Uint8Array(readFileSync(json.files.onnx!)));
  }, 180_000);

  it('distills into the suggested half-width student, on fewer rows, and compares it with the same student alone', () => {
    const json = JSON.parse(run('compress', trained, '--distill', 'suggest', '--distill-epochs', '1', '--student-rows', '40', '--compare-student', '--latency-runs', '2', '--json', '--out', join(dir, 'student.flowgrad.zip'))) as { variants: VariantReport[] };
    expect(json.variants.map((v) => v.name)).toEqual(['baseline', 'distilled', 'student (no teacher)']);
    for (const v of json.variants.slice(1)) expect(v.method).toMatch(/ on 40 of the \d+ training rows /);
    expect(json.variants[1]!.parameters).toBe(json.variants[2]!.parameters);
    expect(json.variants[1]!.parameters).toBeLessThan(json.variants[0]!.parameters / 3);
  }, 120_000);

  it('reads --qat-epochs for int8 and --student-rows for distillation, and refuses them where they cannot apply', () => {
    const base = { graph: cnn(), weights: new Uint8Array(), dataset, config };
    expect(jobFromFlags({ quantize: 'int8', 'qat-epochs': '3' }, base).quantize).toMatchObject({ kind: 'int8', qatEpochs: 3 });
    expect(jobFromFlags({ quantize: 'int8' }, base).quantize!.qatEpochs).toBe(0);
    expect(() => jobFromFlags({ quantize: 'int8', 'qat-epochs': '1.5' }, base)).toThrow(/--qat-epochs must be a whole number from 0 to 100 \(got '1.5'\)/);
    expect(() => jobFromFlags({ quantize: 'float16', 'qat-epochs': '2' }, base)).toThrow(/--qat-epochs is for --quantize int8/);
    expect(jobFromFlags({ distill: 'suggest', 'student-rows': '500' }, base).distill!.studentRows).toBe(500);
    expect(jobFromFlags({ distill: 'suggest' }, base).distill!.studentRows).toBeUndefined();
    expect(() => jobFromFlags({ distill: 'suggest', 'student-rows': '0' }, base)).toThrow(/--student-rows must be a whole number ≥ 1/);
  });

  it('refuses bad flags with a message naming them', () => {
    const fail = (...args: string[]) => {
      try {
        run('compress', trained, ...args);
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
      throw new Error('expected the command to fail');
    };
    expect(fail('--prune', '1.5', '--out', join(dir, 'x.zip'))).toMatch(/--prune must be a fraction in \(0, 1\)/);
    expect(fail('--quantize', 'int4', '--out', join(dir, 'x.zip'))).toMatch(/--quantize takes int8 or float16/);
    expect(fail('--out', join(dir, 'x.zip'))).toMatch(/compress needs --prune, --quantize or --distill/);
  }, 60_000);
});
