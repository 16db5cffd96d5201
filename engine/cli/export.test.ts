// `flowgrad export` and `flowgrad predict`: a CSV-trained project exports to ONNX with its
// preprocessing and class names; predicting raw inputs from the project (Flowgrad's engine)
// and from the .onnx file (onnxruntime-node) gives the same outputs, equal to the model run
// in-process on inputs normalised by hand; safetensors export is the project's weights;
// templates export untrained; Custom Code is refused by name.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGraph } from '../graph/format.ts';
import { readProjectZip } from '../project/projectFile.ts';
import { parseNpy } from '../data/npy.ts';
import { npyBytes } from '../data/fixtures.ts';
import { onnxInfo } from '../io/onnx/index.ts';
import type { Preprocessing } from '../project/preprocessing.ts';
import { predictRows } from '../train/session.ts';
import { tinyGraph } from '../test/graph/layerCases.ts';
import { maxAbsDiff, runOnnx } from '../test/onnxRun.ts';
import { encodeNpyFloat32 } from './npyWrite.ts';
import { applyPreprocessing } from './predictCommand.ts';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fails = (...args: string[]): string => {
  try {
    run(...args);
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  throw new Error('the command succeeded');
};

describe('flowgrad export and predict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-export-'));

  it('a trained CSV project: ONNX with metadata; predict from raw inputs agrees between the project, the .onnx and the engine', async () => {
    const csv = join(dir, 'points.csv');
    const rows = ['x,y,label'];
    for (let i = 0; i < 120; i++) rows.push(`${(i % 2 ? 20 : -20) + 10 * Math.sin(i)},${100 + 50 * Math.cos(i * 7)},${i % 2 ? 'b' : 'a'}`);
    writeFileSync(csv, rows.join('\n'));
    const graphFile = join(dir, 'model.json');
    writeFileSync(graphFile, JSON.stringify(defaultGraph()));
    const project = join(dir, 'points.flowgrad.zip'), onnx = join(dir, 'points.onnx'), weights = join(dir, 'points.safetensors');
    run('train', graphFile, '--data', csv, '--label', 'label', '--epochs', '3', '--out', project);
    expect(run('export', project, '--format', 'onnx', '--out', onnx)).toMatch(/wrote .*points\.onnx: an ONNX model/);
    run('export', project, '--format', 'safetensors', '--out', weights);
    const loaded = readProjectZip(new Uint8Array(readFileSync(project)));
    expect(new Uint8Array(readFileSync(weights))).toEqual(loaded.weights);

    const info = onnxInfo(new Uint8Array(readFileSync(onnx)));
    expect(info).toMatchObject({ opset: 18, producer: 'Flowgrad', classNames: ['a', 'b'], inputs: [{ name: 'input', shape: ['batch', 2] }], outputs: [{ name: 'output', shape: ['batch', 2] }] });
    expect(info.preprocessing).toEqual(loaded.project.preprocessing);
    const norm = info.preprocessing!.normalize!;
    expect(norm.mode).toBe('standardize');

    const raw = Float32Array.from([20, 100, -20, 150, 5, 60, -30, 120, 0, 100]);
    const x = join(dir, 'x.npy'), fromProject = join(dir, 'y-project.npy'), fromOnnx = join(dir, 'y-onnx.npy');
    writeFileSync(x, npyBytes(raw, [5, 2]));
    run('predict', project, '--input', x, '--out', fromProject);
    run('predict', onnx, '--input', x, '--out', fromOnnx);
    const a = parseNpy(new Uint8Array(readFileSync(fromProject))), b = parseNpy(new Uint8Array(readFileSync(fromOnnx)));
    expect(a.shape).toEqual([5, 2]);
    expect(b.shape).toEqual([5, 2]);
    expect(maxAbsDiff(a.data, b.data)).toBeLessThanOrEqual(1e-4);
    const byHand = raw.map((v, i) => (v - norm.shift[i % 2]!) / norm.scale[i % 2]!);
    const want = await predictRows(loaded.project.graph, loaded.weights!, byHand, 5);
    expect(maxAbsDiff(a.data, want)).toBeLessThanOrEqual(1e-6);
    // --prepared feeds the inputs as they are: different outputs here, since these are raw.
    run('predict', onnx, '--input', x, '--out', fromOnnx, '--prepared');
    expect(maxAbsDiff(parseNpy(new Uint8Array(readFileSync(fromOnnx))).data, b.data)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('a template without weights exports its initial weights; the file runs in onnxruntime at any batch size', async () => {
    const onnx = join(dir, 'lenet.onnx');
    expect(run('export', 'template:lenet5', '--format', 'onnx', '--out', onnx)).toMatch(/no trained weights; exporting its initial weights \(seed 1\)/);
    const bytes = new Uint8Array(readFileSync(onnx));
    for (const n of [1, 3]) {
      const y = await runOnnx(bytes, new Float32Array(n * 784).fill(0.5), [n, 1, 28, 28]);
      expect(y.dims).toEqual([n, 10]);
    }
    expect(onnxInfo(bytes).classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // An .onnx file opens as a project: imported back into layers, with its weights.
    const text = run('info', onnx);
    expect(text).toMatch(/61,706 parameters.*with trained weights/);
    expect(text).toMatch(/conv1\s+Conv2d\s+\[N,6,28,28\]/);
  }, 60_000);

  it('--format bundle: a zip whose Node example runs with no repository; --weights float16 halves the weights', () => {
    const out = join(dir, 'mlp-bundle.zip'), half = join(dir, 'mlp-bundle-f16.zip');
    expect(run('export', 'template:mlp', '--format', 'bundle', '--out', out)).toMatch(/wrote .*mlp-bundle\.zip: a standalone inference bundle/);
    run('export', 'template:mlp', '--format', 'bundle', '--weights', 'float16', '--out', half);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(files).filter((n) => !n.endsWith('/')).map((n) => n.split('/')[1]).sort()).toEqual(['README.md', 'example.mjs', 'flowgrad-model.js', 'index.html', 'model.json', 'weights.safetensors']);
    const f16 = Object.entries(unzipSync(new Uint8Array(readFileSync(half)))).find(([n]) => n.endsWith('weights.f16.safetensors'))![1];
    expect(f16.byteLength).toBeLessThan(files[Object.keys(files).find((n) => n.endsWith('weights.safetensors'))!]!.byteLength * 0.6);
    const at = mkdtempSync(join(tmpdir(), 'flowgrad-bundle-cli-'));
    for (const [name, bytes] of Object.entries(files)) if (!name.endsWith('/')) {
      mkdirSync(join(at, name, '..'), { recursive: true });
      writeFileSync(join(at, name), bytes);
    }
    const printed = execFileSync(process.execPath, ['example.mjs'], { cwd: join(at, Object.keys(files)[0]!.split('/')[0]!), encoding: 'utf8' });
    expect(printed).toMatch(/MLP on cpu/);
    expect(printed).toMatch(/probabilities/);
    expect(fails('export', 'template:mlp', '--format', 'bundle', '--weights', 'int4', '--out', out)).toMatch(/--weights must be float32, float16 or int8 \(got 'int4'\)/);
    expect(fails('export', 'template:mlp', '--format', 'bundle', '--weights', 'int8', '--out', out)).toMatch(/--weights int8 needs a project whose model is int8/);
  }, 60_000);

  it('refuses Custom Code by node, an unknown format, and an input of the wrong shape, with messages', () => {
    const g = tinyGraph('CustomCode');
    const gFile = join(dir, 'custom.json');
    writeFileSync(gFile, JSON.stringify(g));
    expect(fails('export', gFile, '--format', 'onnx', '--out', join(dir, 'c.onnx'))).toMatch(/error \(unsupported\) at node 'layer': Custom Code 'layer' cannot be exported to ONNX/);
    expect(fails('export', gFile, '--format', 'tflite', '--out', join(dir, 'c.x'))).toMatch(/unknown export format 'tflite' \(onnx, bundle, safetensors/);
    expect(fails('export', gFile, '--format', 'bundle', '--out', join(dir, 'c.zip'))).toMatch(/Custom Code 'layer' cannot go into a standalone bundle/);
    const onnx = join(dir, 'mlp.onnx'), x = join(dir, 'bad.npy');
    run('export', 'template:mlp', '--format', 'onnx', '--out', onnx);
    writeFileSync(x, npyBytes(new Float32Array(6), [2, 3]));
    expect(fails('predict', onnx, '--input', x, '--out', join(dir, 'y.npy'))).toMatch(/bad\.npy is \[2,3\] but the model takes samples of \[2\]/);
  }, 60_000);
});

describe('predict helpers', () => {
  it('writes .npy files that the engine\'s parser reads back', () => {
    const a = parseNpy(encodeNpyFloat32(Float32Array.from([1, -2.5, 3, 4, 5, 6]), [2, 3]));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, -2.5, 3, 4, 5, 6]);
    expect(parseNpy(encodeNpyFloat32(Float32Array.from([7]), [1])).shape).toEqual([1]);
  });

  it('applies the stored preprocessing: per feature for tables, /255 then per channel for images', () => {
    const table: Preprocessing = { version: 1, kind: 'table', task: 'classification', sampleShape: [2], classNames: null, featureNames: ['a', 'b'], normalize: { mode: 'standardize', shift: [1, 10], scale: [2, 5] } };
    expect(Array.from(applyPreprocessing(table, Float32Array.from([3, 20, 1, 0]), 2))).toEqual([1, 2, 0, -2]);
    const image: Preprocessing = { version: 1, kind: 'image', task: 'classification', sampleShape: [2, 1, 2], classNames: null, featureNames: [], normalize: { mode: 'standardize', shift: [0.5, 0], scale: [0.5, 1] }, image: { size: 1, channels: 3 } };
    expect(Array.from(applyPreprocessing(image, Float32Array.from([255, 0, 255, 51]), 4))).toEqual([1, -1, 1, 0.20000000298023224]);
    expect(applyPreprocessing(null, Float32Array.from([5]), 1)[0]).toBe(5);
  });
});
