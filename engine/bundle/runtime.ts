/**
 * The standalone bundle's runtime, compiled with esbuild into one self-contained ES module
 * (engine/cli/bundleRuntime.ts; the app's build does the same through vite.config.ts). It is
 * the engine's own forward — GraphModel on the CPU or WebGPU backend, the stored preprocessing,
 * the int8 simulation of engine/compress — so a bundle predicts what the IDE predicts by
 * construction. It reads `model.json` and the weights next to the module (fetch in a page,
 * node:fs under Node) or takes them as arguments, and runs no code but its own: a graph with
 * Custom Code is refused when the bundle is built.
 */
import { strFromU8 } from 'fflate';
import { chooseBackend, type BackendPreference } from '../backend/webgpu/index.ts';
import { setBackend } from '../backend/registry.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { tensor } from '../ops/creation.ts';
import { decodeSafetensors } from '../project/safetensors.ts';
import { encodeTableRow, prepareRawInputs } from '../project/preprocessing.ts';
import { GraphModel } from '../train/graphModel.ts';
import { decodeFloat16, decodeInt8 } from '../compress/quantFile.ts';
import { simulateQuantized } from '../compress/quantize.ts';
import { checkManifest, MANIFEST_FILE, type BundleManifest } from './manifest.ts';
import { imagePixels, type RgbaLike } from '../data/image.ts';

export type { BundleManifest } from './manifest.ts';
export type { RgbaLike } from '../data/image.ts';

/** One raw sample: a table row by column name, or numbers (table features, image pixels 0–255 as [C,H,W], or array values). */
export type RawSample = Readonly<Record<string, string | number>> | ArrayLike<number>;

export interface Prediction {
  /** The model's output for the sample (what reaches its Output / Loss node). */
  output: number[];
  /** Classification: class probabilities (softmax or sigmoid as the loss implies), the best class and its name. */
  probabilities?: number[];
  classIndex?: number;
  label?: string;
}

export interface LoadOptions {
  /** The folder (URL) holding model.json and the weights; default: the folder of this module. */
  base?: string | { readonly href: string };
  /** The contents of model.json and of the weight file, instead of reading them. */
  manifest?: BundleManifest;
  weights?: Uint8Array;
  /** 'auto' (default): WebGPU on a real GPU where navigator.gpu exists, else the CPU. */
  backend?: BackendPreference;
  /** A WebGPU entry point to use instead of navigator.gpu (e.g. the `webgpu` package in Node). */
  gpu?: GPU;
}

type HostTensor = { shape: number[]; data: ArrayLike<number> };

/** The URL class of every host this runs in (pages, workers, Node): the engine's type library has no DOM. */
interface HostUrl { readonly href: string; readonly protocol: string }
declare const URL: new (url: string | HostUrl, base?: string | HostUrl) => HostUrl;

async function readBytes(url: HostUrl): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    // Node: a name in a variable keeps bundlers of pages from resolving a Node builtin.
    const fsName = ['node', 'fs/promises'].join(':');
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(u: HostUrl): Promise<Uint8Array> };
    return new Uint8Array(await fs.readFile(url));
  }
  const get = (globalThis as { fetch?: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (!get) throw new Error(`cannot read ${url.href}: no fetch here; pass { manifest, weights } to load()`);
  const r = await get(url.href);
  if (!r.ok) throw new Error(`cannot read ${url.href}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** Parameters strictly (a missing or misshapen one is an error), buffers when present: as the engine loads weights. */
function assignAll(model: GraphModel, tensors: Readonly<Record<string, HostTensor>>): void {
  for (const [name, p] of model.namedParameters()) {
    const t = tensors[name];
    if (!t) throw new Error(`the weights have no tensor '${name}' for this graph`);
    if (t.shape.join(',') !== p.shape.join(',')) throw new Error(`weights '${name}' are [${t.shape}] but the graph needs [${p.shape}]`);
    p.assign(Float32Array.from(t.data));
  }
  for (const [name, b] of model.namedBuffers()) {
    const t = tensors[name];
    if (t && t.shape.join(',') === b.shape.join(',')) b.assign(Float32Array.from(t.data));
  }
}

function loadWeights(model: GraphModel, manifest: BundleManifest, bytes: Uint8Array): void {
  const type = manifest.weights.type;
  if (type === 'int8') {
    const qm = decodeInt8(bytes);
    const have = new Set([...qm.weights.map((w) => w.name), ...Object.keys(qm.float)]);
    const missing = model.namedParameters().find(([n]) => !have.has(n));
    if (missing) throw new Error(`the int8 weights have no tensor '${missing[0]}' for this graph`);
    // The dequantized weights, the float32 rest, and each quantized layer's input fake-quantized: the engine's simulation.
    simulateQuantized(model, qm);
  } else if (type === 'float16') assignAll(model, decodeFloat16(bytes));
  else assignAll(model, decodeSafetensors(bytes).tensors as Record<string, HostTensor>);
}

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export class FlowgradModel {
  readonly name: string;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly classNames: string[] | null;
  readonly task: 'classification' | 'regression';

  constructor(
    readonly manifest: BundleManifest,
    private readonly model: GraphModel,
    /** The backend the model runs on: 'webgpu' or 'cpu'. */
    readonly backend: 'webgpu' | 'cpu',
  ) {
    this.name = manifest.name;
    this.inputShape = [...model.inputShape];
    this.outputShape = [...manifest.outputShape];
    this.classNames = manifest.classNames;
    this.task = manifest.task;
  }

  /** Model inputs as the model takes them (preprocessing already applied), `rows` samples: the flat outputs. */
  async runPrepared(x: Float32Array, rows: number): Promise<Float32Array> {
    return this.read((m, t) => m.forward(t), x, rows);
  }

  /** Raw numbers, `rows` whole samples (table features, pixels 0–255, array values): the flat outputs. */
  async run(raw: ArrayLike<number>, rows: number): Promise<Float32Array> {
    return this.runPrepared(this.prepare(raw, rows), rows);
  }

  /** One raw sample's prediction. */
  async predict(sample: RawSample): Promise<Prediction> {
    return (await this.predictBatch([sample]))[0]!;
  }

  /**
   * An image model's prediction for a picture: an ImageData (a canvas's getImageData, a decoded
   * photo) or any { width, height, data: RGBA }. It is resized to the model's H×W and made gray
   * or RGB as uploaded training images were (alpha ignored, so fill a drawing's background).
   */
  async predictImage(image: RgbaLike): Promise<Prediction> {
    return this.predict(imagePixels(image, this.inputShape));
  }

  /** Raw samples' predictions, in one batch. */
  async predictBatch(samples: readonly RawSample[]): Promise<Prediction[]> {
    const rows = samples.length;
    const size = sizeOf(this.inputShape);
    const x = new Float32Array(rows * size);
    samples.forEach((s, i) => x.set(this.encode(s), i * size));
    const out = await this.read((m, t) => m.forward(t), x, rows);
    const per = out.length / Math.max(1, rows);
    const probs = this.task === 'classification' ? await this.read((m, t) => m.probabilities(t), x, rows) : null;
    return samples.map((_, i) => {
      const output = Array.from(out.subarray(i * per, (i + 1) * per));
      if (!probs) return { output };
      const probabilities = Array.from(probs.subarray(i * per, (i + 1) * per));
      const classIndex = probabilities.length === 1 ? Number(probabilities[0]! >= 0.5) : probabilities.indexOf(Math.max(...probabilities));
      return { output, probabilities, classIndex, label: this.classNames?.[classIndex] ?? String(classIndex) };
    });
  }

  /** Frees the weights (on a GPU, its buffers). */
  dispose(): void {
    this.model.dispose();
  }

  private prepare(raw: ArrayLike<number>, rows: number): Float32Array {
    const size = sizeOf(this.inputShape);
    if (raw.length !== rows * size) throw new Error(`${this.name}: got ${raw.length} values for ${rows} samples of [${this.inputShape}] (${size} values each)`);
    return prepareRawInputs(this.manifest.preprocessing, Float32Array.from(raw), size);
  }

  private encode(s: RawSample): Float32Array {
    if (typeof (s as ArrayLike<number>).length === 'number') return this.prepare(s as ArrayLike<number>, 1);
    const pre = this.manifest.preprocessing;
    if (!pre || pre.kind !== 'table') throw new Error(`${this.name} takes numbers ([${this.inputShape}] per sample), not a row of named columns`);
    return encodeTableRow(pre, s as Record<string, string | number>);
  }

  private async read(f: (m: GraphModel, x: Tensor) => Tensor, x: Float32Array, rows: number): Promise<Float32Array> {
    setBackend(this.backend);
    const y = noGrad(() => scope(() => f(this.model, tensor(x, { shape: [rows, ...this.inputShape] }))));
    try {
      return Float32Array.from(await y.data());
    } finally {
      y.dispose();
    }
  }
}

/** Loads the bundle's model: `model.json` and its weights from `base` (default: next to this module). */
export async function load(opts: LoadOptions = {}): Promise<FlowgradModel> {
  const base = new URL(typeof opts.base === 'object' ? opts.base.href : (opts.base ?? '.'), (import.meta as { url?: string }).url);
  const manifest = checkManifest(opts.manifest ?? JSON.parse(strFromU8(await readBytes(new URL(MANIFEST_FILE, base)))), MANIFEST_FILE);
  const weights = opts.weights ?? (await readBytes(new URL(manifest.weights.file, base)));
  const choice = await chooseBackend(opts.backend ?? 'auto', opts.gpu ? { gpu: opts.gpu } : {});
  const model = new GraphModel(manifest.graph);
  try {
    loadWeights(model, manifest, weights);
    model.eval();
  } catch (e) {
    model.dispose();
    throw e;
  }
  return new FlowgradModel(manifest, model, choice.name);
}
