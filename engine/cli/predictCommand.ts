/**
 * `flowgrad predict <project|model.onnx> --input x.npy --out y.npy`: raw inputs in, model
 * outputs out. Raw means before the preprocessing the model was trained with, which the
 * project (or the ONNX file's metadata) stores: table features (one-hot columns as 0/1) get
 * the training normalisation; image pixels (0–255, [C,H,W]) are divided by 255 and then
 * normalised per channel; a .txt input holds one text per line for text models (tokenized
 * with the stored vocabulary). `--prepared` passes the inputs as they are. A project runs on
 * Flowgrad's engine; an .onnx file runs in onnxruntime-node.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FlowgradError } from '../core/errors.ts';
import { parseNpy } from '../data/npy.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { encodeTextInput, prepareRawInputs, type Preprocessing } from '../project/preprocessing.ts';
import { onnxInfo } from '../io/onnx/index.ts';
import { predictRows } from '../train/session.ts';
import { int8Setup } from '../compress/int8Model.ts';
import { encodeNpyFloat32 } from './npyWrite.ts';
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';
import type { LoadedProject } from './exportCommand.ts';

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Rows of `sample`-shaped inputs from an array shaped [rows, ...sample], [rows, size] or one sample. */
function rowsOf(shape: number[], sample: number[], file: string): number {
  const size = product(sample);
  if (shape.join(',') === sample.join(',')) return 1;
  const total = product(shape);
  if (shape.length >= 1 && total % size === 0 && product(shape.slice(1)) === size) return shape[0]!;
  throw new FlowgradError('bad-argument', `${file} is [${shape}] but the model takes samples of [${sample}] (${size} values each): give [rows, ${sample.join(', ')}]`);
}

/** Raw inputs as the model takes them (kept under its CLI name; the rule lives in project/preprocessing.ts). */
export const applyPreprocessing = prepareRawInputs;

/** Text models: a .txt file of one text per line becomes rows of token ids under the stored vocabulary. */
function readTextInput(file: string, pre: Preprocessing | null): { data: Float32Array; shape: number[] } {
  if (pre?.kind !== 'text' || !pre.text) throw new FlowgradError('bad-argument', `${basename(file)}: a .txt input is read as one text per line, for models trained on text; give this model an .npy file`);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new FlowgradError('bad-argument', `${basename(file)} holds no text (one text per line)`);
  const n = pre.text.maxLength;
  const data = new Float32Array(lines.length * n);
  lines.forEach((l, i) => data.set(encodeTextInput(pre, l), i * n));
  return { data, shape: [lines.length, n] };
}

function readInput(file: string): { data: Float32Array; shape: number[] } {
  const a = parseNpy(new Uint8Array(readFileSync(file)), basename(file));
  return { data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data), shape: a.shape };
}

async function runOnnxFile(bytes: Uint8Array, x: Float32Array, dims: number[], inputName: string, outputName: string): Promise<{ data: Float32Array; dims: number[] }> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    throw new FlowgradError('unsupported', 'running an .onnx file needs onnxruntime-node: npm install onnxruntime-node', { cause: e });
  }
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', x, dims) });
    const y = out[outputName]!;
    if (y.type !== 'float32') throw new FlowgradError('unsupported', `the model's output '${outputName}' is ${y.type}; predict writes float32 outputs`);
    return { data: Float32Array.from(y.data as Float32Array), dims: [...y.dims] };
  } finally {
    await session.release();
  }
}

export async function predictCommand(file: string, load: (f: string) => LoadedProject, opts: Record<string, string>, log: (s: string) => void): Promise<void> {
  if (!opts.input) throw new Error('predict needs --input x.npy');
  if (!opts.out) throw new Error('predict needs --out y.npy');
  const prepared = opts.prepared === 'on';
  const text = /\.txt$/i.test(opts.input);
  const x = text ? { data: new Float32Array(0), shape: [] as number[] } : readInput(opts.input);
  let y: { data: Float32Array; dims: number[] };
  if (file.endsWith('.onnx')) {
    const bytes = new Uint8Array(readFileSync(file));
    const info = onnxInfo(bytes, basename(file));
    const input = info.inputs[0], output = info.outputs[0];
    if (!input || !output || info.inputs.length !== 1) throw new FlowgradError('unsupported', `${basename(file)} has ${info.inputs.length} inputs; predict feeds models with one input`);
    if (text) Object.assign(x, readTextInput(opts.input, info.preprocessing));
    const sample = input.shape.slice(1);
    if (sample.some((d) => typeof d !== 'number')) throw new FlowgradError('unsupported', `${basename(file)}: input '${input.name}' has a symbolic dimension after the batch ([${input.shape}])`);
    const rows = rowsOf(x.shape, sample as number[], basename(opts.input));
    const data = prepared || text ? x.data : applyPreprocessing(info.preprocessing, x.data, product(sample as number[]));
    y = await runOnnxFile(bytes, data, [rows, ...(sample as number[])], input.name, output.name);
  } else {
    const { project, weights, int8 } = load(file);
    if (!weights) throw new Error(`${basename(file)} has no trained weights: train it first`);
    requireCodeConsent(project.graph, opts[ALLOW_CODE_FLAG.slice(2)] === 'on');
    const a = analyzeGraph(project.graph);
    const inputNode = project.graph.nodes.find((n) => n.type === 'Input');
    const lossNode = project.graph.nodes.find((n) => n.type === 'Loss');
    const predId = project.graph.edges.find((e) => e.target === lossNode?.id)?.source;
    if (!inputNode || !predId) throw new FlowgradError('graph', 'the graph needs an Input and an Output / Loss node');
    const sample = (a.shapes[inputNode.id] ?? []).slice(1).map(Number);
    if (text) Object.assign(x, readTextInput(opts.input, project.preprocessing ?? null));
    const rows = rowsOf(x.shape, sample, basename(opts.input));
    const data = prepared || text ? x.data : applyPreprocessing(project.preprocessing ?? null, x.data, product(sample));
    const out = await predictRows(project.graph, weights, data, rows, int8Setup(int8));
    y = { data: out, dims: [rows, ...(a.shapes[predId] ?? []).slice(1).map(Number)] };
  }
  writeFileSync(opts.out, encodeNpyFloat32(y.data, y.dims));
  log(`wrote ${opts.out}: [${y.dims.join(', ')}] float32`);
}
