// The standalone bundle predicts what the engine predicts, run where the IDE is not: each
// bundle is unzipped into a temporary folder outside the repository and its module runs in a
// fresh `node` process whose resolve hook fails on any import outside that folder (Node
// builtins aside) and lists what it resolved. Raw inputs go in; the engine's own predict on the
// same inputs preprocessed by the project's rule is the reference (max abs diff ≤ 1e-5):
// a CSV-trained project with a text column (rows by column name and as numbers), the digits
// CNN with an image normalisation, its float16 weights, and its int8 quantization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { defaultGraph } from '../graph/format.ts';
import type { GraphJSON } from '../graph/types.ts';
import { readProjectZip } from '../project/projectFile.ts';
import { encodeTableRow, prepareRawInputs, type Preprocessing } from '../project/preprocessing.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { GraphModel } from '../train/graphModel.ts';
import { exportWeights, modelWithWeights, predictRows } from '../train/session.ts';
import { getTemplate } from '../templates/index.ts';
import { decodeFloat16, encodeInt8 } from '../compress/quantFile.ts';
import { quantizeModel, simulateQuantized } from '../compress/quantize.ts';
import { compileBundleRuntime } from '../cli/bundleRuntime.ts';
import { buildBundle, type BundleInput } from './build.ts';

const TOLERANCE = 1e-5;
const measured: string[] = [];
const root = mkdtempSync(join(tmpdir(), 'flowgrad-bundle-'));
let runtime = '';

beforeAll(async () => {
  runtime = await compileBundleRuntime();
});

afterAll(() => {
  console.log(`Standalone bundle in a fresh Node vs the engine's predict, max abs diff:\n${measured.join('\n')}`);
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => Math.abs(v - b[i]!)).reduce((m, d) => Math.max(m, d), 0);

/** The resolve hook: every import must stay in the bundle's folder; each resolved URL is listed. */
const HOOKS = `import { appendFileSync } from 'node:fs';
let root;
export function initialize(data) { root = data.root; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(new URL('resolved.txt', root), r.url + '\\n');
  if (!r.url.startsWith('node:') && !r.url.startsWith(root)) throw new Error('import outside the bundle: ' + r.url);
  return r;
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url, { data: { root: new URL('./', import.meta.url).href } });
`;
/** Loads the bundle, predicts the samples (predictBatch) and the flat raw numbers (run), prints JSON. */
const CHECK = `import { readFileSync } from 'node:fs';
import { load } from './flowgrad-model.js';
const job = JSON.parse(readFileSync(new URL('job.json', import.meta.url), 'utf8'));
const model = await load({ backend: 'cpu' });
const predictions = job.samples ? await model.predictBatch(job.samples) : null;
const flat = job.raw ? Array.from(await model.run(job.raw, job.rows)) : null;
const images = job.images ? await Promise.all(job.images.map((im) => model.predictImage({ ...im, data: Uint8ClampedArray.from(im.data) }))) : null;
console.log(JSON.stringify({ backend: model.backend, predictions, flat, images, files: Object.keys(model.manifest) }));
model.dispose();
`;

interface Job { samples?: unknown[]; raw?: number[]; rows?: number; images?: { width: number; height: number; data: number[] }[] }
interface Result { backend: string; predictions: { output: number[]; label?: string; probabilities?: number[] }[] | null; flat: number[] | null; images: { output: number[] }[] | null }

/** Builds, unzips into its own folder and runs the bundle in a fresh Node; returns what it printed. */
function runBundle(label: string, input: Omit<BundleInput, 'runtime'>, job: Job): { result: Result; zipBytes: number; folder: string } {
  const { zip } = buildBundle({ ...input, runtime });
  const dir = join(root, label.replace(/\W+/g, '-'));
  mkdirSync(dir);
  const files = unzipSync(zip);
  const names = Object.keys(files);
  const folder = names[0]!.split('/')[0]!;
  expect(names.every((n) => n.startsWith(`${folder}/`))).toBe(true);
  for (const [name, bytes] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const at = join(dir, folder);
  writeFileSync(join(at, 'hooks.mjs'), HOOKS);
  writeFileSync(join(at, 'register.mjs'), REGISTER);
  writeFileSync(join(at, 'check.mjs'), CHECK);
  writeFileSync(join(at, 'job.json'), JSON.stringify(job));
  const out = execFileSync(process.execPath, ['--import', './register.mjs', 'check.mjs'], { cwd: at, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const resolved = readFileSync(join(at, 'resolved.txt'), 'utf8').trim().split('\n');
  expect(resolved.some((u) => u.endsWith('/flowgrad-model.js'))).toBe(true); // the hook saw the runtime
  expect(resolved.filter((u) => !u.startsWith('node:') && !u.startsWith(`file://${at}/`))).toEqual([]);
  return { result: JSON.parse(out) as Result, zipBytes: zip.byteLength, folder: at };
}

function record(label: string, d: number, zipBytes: number): void {
  measured.push(`${label.padEnd(36)} ${d.toExponential(2)}   zip ${zipBytes.toLocaleString('en-US')} bytes`);
}

describe('the standalone bundle runs in a fresh Node with no repository import and matches the engine', () => {
  it('a CSV-trained project with a text column: rows by column name and raw numbers', async () => {
    const dir = join(root, 'csv');
    mkdirSync(dir);
    const csv = join(dir, 'points.csv');
    const rows = ['x,y,color,label'];
    for (let i = 0; i < 120; i++) rows.push(`${(i % 2 ? 20 : -20) + 10 * Math.sin(i)},${100 + 50 * Math.cos(i * 7)},${['red', 'green', 'blue'][i % 3]},${i % 2 ? 'b' : 'a'}`);
    writeFileSync(csv, rows.join('\n'));
    const graph = defaultGraph();
    graph.nodes.find((n) => n.type === 'Input')!.attrs.shape = [5];
    const graphFile = join(dir, 'model.json'), project = join(dir, 'points.flowgrad.zip');
    writeFileSync(graphFile, JSON.stringify(graph));
    execFileSync('npx', ['tsx', 'engine/cli/main.ts', 'train', graphFile, '--data', csv, '--label', 'label', '--epochs', '3', '--out', project], { stdio: 'ignore' });
    const loaded = readProjectZip(new Uint8Array(readFileSync(project)));
    const pre = loaded.project.preprocessing!;
    expect(pre.kind).toBe('table');
    expect(pre.featureNames).toHaveLength(5);

    const samples = [{ x: 20, y: 100, color: 'red' }, { x: -20, y: 150, color: 'blue' }, { x: 5, y: 60, color: 'green' }];
    // The same kind of rows as numbers in feature order (x, y, then the colour one-hot).
    const rawRows = [3, 80, 1, 0, 0, -30, 120, 0, 1, 0, 12, 90, 0, 0, 1];
    const { result, zipBytes } = runBundle('csv float32', { name: loaded.project.name, graph: loaded.project.graph, weights: { type: 'float32', safetensors: loaded.weights! }, preprocessing: pre }, { samples, raw: rawRows, rows: 3 });
    expect(result.backend).toBe('cpu');
    const prepared = new Float32Array(15);
    samples.forEach((s, i) => prepared.set(encodeTableRow(pre, s), i * 5));
    const want = await predictRows(loaded.project.graph, loaded.weights!, prepared, 3);
    const got = result.predictions!.flatMap((p) => p.output);
    const wantFlat = await predictRows(loaded.project.graph, loaded.weights!, prepareRawInputs(pre, Float32Array.from(rawRows), 5), 3);
    const d = Math.max(maxDiff(got, want), maxDiff(result.flat!, wantFlat));
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    // Class names come with the labels; raw and prepared inputs differ, so preprocessing really ran.
    expect(result.predictions!.map((p) => p.label).every((l) => l === 'a' || l === 'b')).toBe(true);
    expect(maxDiff(await predictRows(loaded.project.graph, loaded.weights!, Float32Array.from(rawRows), 3), wantFlat)).toBeGreaterThan(1e-3);
    record('CSV MLP (table, float32)', d, zipBytes);
  }, 120_000);

  const digits = getTemplate('lenet5')!;
  const imagePre: Preprocessing = {
    version: 1, kind: 'image', task: 'classification', sampleShape: [1, 28, 28], classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    featureNames: [], normalize: { mode: 'standardize', shift: [0.1307], scale: [0.3081] }, image: { size: 28, channels: 1 },
  };
  /** Three images of pixels 0–255. */
  const pixels = Array.from({ length: 3 * 784 }, (_, i) => Math.round(127.5 + 127.5 * Math.sin(i * 0.37 + Math.floor(i / 784))));
  const sampleOf = (i: number) => pixels.slice(i * 784, (i + 1) * 784);
  let graph: GraphJSON;
  let weights: Uint8Array;
  /** A 28×28 gray sample as a 56×56 RGBA picture (each pixel 2×2, opaque), like an ImageData. */
  const upscaledRgba = (px: number[]) => ({
    width: 56, height: 56,
    data: Array.from({ length: 56 * 56 * 4 }, (_, i) => (i % 4 === 3 ? 255 : px[Math.floor(Math.floor(i / 4) / 112) * 28 + Math.floor((Math.floor(i / 4) % 56) / 2)]!)),
  });

  it('the digits CNN (LeNet-5) with an image normalisation: pixels 0–255 in', async () => {
    graph = digits.build();
    manualSeed(3);
    const model = new GraphModel(graph);
    weights = exportWeights(model);
    model.dispose();
    const { result, zipBytes } = runBundle('lenet float32', { name: 'LeNet-5', graph, weights: { type: 'float32', safetensors: weights }, preprocessing: imagePre }, { samples: [0, 1, 2].map(sampleOf), raw: pixels, rows: 3, images: [upscaledRgba(sampleOf(1))] });
    const want = await predictRows(graph, weights, prepareRawInputs(imagePre, Float32Array.from(pixels), 784), 3);
    const d = Math.max(maxDiff(result.predictions!.flatMap((p) => p.output), want), maxDiff(result.flat!, want));
    // predictImage: a 56×56 RGBA picture of sample 1 comes back to its 28×28 gray pixels.
    expect(maxDiff(result.images![0]!.output, want.slice(10, 20))).toBeLessThanOrEqual(TOLERANCE);
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    expect(result.predictions![0]!.probabilities).toHaveLength(10);
    record('LeNet-5 (image, float32)', d, zipBytes);
  }, 60_000);

  it('float16 weights: the engine run on the same float16 values', async () => {
    const { result, zipBytes, folder } = runBundle('lenet float16', { name: 'LeNet-5 f16', graph, weights: { type: 'float16', safetensors: weights }, preprocessing: imagePre }, { raw: pixels, rows: 3 });
    const halves = decodeFloat16(new Uint8Array(readFileSync(join(folder, 'weights.f16.safetensors'))));
    const model = new GraphModel(graph);
    for (const [name, p] of [...model.namedParameters(), ...model.namedBuffers()]) p.assign(Float32Array.from(halves[name]!.data));
    model.eval();
    const x = tensor(prepareRawInputs(imagePre, Float32Array.from(pixels), 784), { shape: [3, 1, 28, 28] });
    const want = model.forward(x).dataSync();
    model.dispose();
    const d = maxDiff(result.flat!, want);
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    record('LeNet-5 (image, float16)', d, zipBytes);
  }, 60_000);

  it('int8: the bundle computes what the engine simulates for the compressed model', async () => {
    const model = modelWithWeights(graph, weights);
    const calib = [0, 1].map((b) => tensor(prepareRawInputs(imagePre, Float32Array.from(pixels.slice(0, 2 * 784).map((v, i) => (v + 40 * b + i) % 256)), 784), { shape: [2, 1, 28, 28] }));
    const qm = quantizeModel(model, calib, 'minmax');
    simulateQuantized(model, qm);
    const want = model.forward(tensor(prepareRawInputs(imagePre, Float32Array.from(pixels), 784), { shape: [3, 1, 28, 28] })).dataSync();
    model.dispose();
    const { result, zipBytes } = runBundle('lenet int8', { name: 'LeNet-5 int8', graph, weights: { type: 'int8', file: encodeInt8(qm) }, preprocessing: imagePre }, { raw: pixels, rows: 3 });
    const d = maxDiff(result.flat!, want);
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    // Not the float32 model's outputs: the int8 simulation really ran.
    expect(maxDiff(result.flat!, await predictRows(graph, weights, prepareRawInputs(imagePre, Float32Array.from(pixels), 784), 3))).toBeGreaterThan(1e-4);
    record('LeNet-5 (image, int8)', d, zipBytes);
  }, 60_000);

  it('refuses Custom Code by node and a weight file of the wrong kind', () => {
    const g = defaultGraph();
    g.nodes.push({ id: 'cc', type: 'CustomCode', position: { x: 0, y: 0 }, attrs: {} });
    expect(() => buildBundle({ name: 'x', graph: g, runtime, weights: { type: 'float32', safetensors: weights } })).toThrow(/Custom Code 'cc' cannot go into a standalone bundle/);
    expect(() => buildBundle({ name: 'x', graph, runtime, weights: { type: 'int8', file: weights } })).toThrow(/int8 weights: the file has no 'flowgrad.int8' metadata/);
  });
});
