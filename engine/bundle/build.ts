/**
 * Writes the standalone inference bundle: a zip with the runtime module (compiled elsewhere
 * and passed in as text: esbuild runs in Node, the app's build inlines it for the worker),
 * `model.json`, the weights (float32, float16 or a compressed model's int8 file), a README,
 * an example page and a Node example. Pure: the worker (File menu), the CLI and the Compress
 * view call it alike.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { getLayer, resolveAttrs } from '../graph/catalog.ts';
import type { GraphJSON } from '../graph/types.ts';
import type { DatasetSpec } from '../project/config.ts';
import type { Preprocessing } from '../project/preprocessing.ts';
import { decodeSafetensors } from '../project/safetensors.ts';
import { projectClassNames } from '../io/onnx/project.ts';
import { decodeInt8, encodeFloat16 } from '../compress/quantFile.ts';
import type { HostTensor } from '../compress/channels.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST_FILE, RUNTIME_FILE, type BundleManifest, type BundleWeightType } from './manifest.ts';
import { exampleMjs, indexHtml, readmeText } from './pages.ts';

const CLASSIFICATION_LOSSES = new Set(['crossEntropy', 'nll', 'bce', 'bceWithLogits', 'klDiv']);

export interface BundleInput {
  name: string;
  graph: GraphJSON;
  /** The runtime module's text (engine/cli/bundleRuntime.ts compiles it). */
  runtime: string;
  /** A float32 safetensors file (`float32` or `float16` in the bundle), or a compressed model's int8 file. */
  weights: { type: 'float32' | 'float16'; safetensors: Uint8Array } | { type: 'int8'; file: Uint8Array };
  preprocessing?: Preprocessing | null;
  /** Class names when the preprocessing has none (default: the built-in dataset's). */
  classNames?: string[] | null;
  data?: DatasetSpec;
}

export interface BuiltBundle {
  zip: Uint8Array;
  manifest: BundleManifest;
  /** Each file's size in bytes, uncompressed. */
  sizes: Record<string, number>;
}

function floatTensors(bytes: Uint8Array): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(decodeSafetensors(bytes).tensors)) {
    if (t.dtype !== 'F32') throw new FlowgradError('bad-file', `the weights must be float32 safetensors: '${name}' is ${t.dtype}`);
    out[name] = { shape: t.shape, data: t.data as Float32Array };
  }
  return out;
}

function weightFile(w: BundleInput['weights']): { file: string; type: BundleWeightType; bytes: Uint8Array } {
  if (w.type === 'int8') {
    decodeInt8(w.file); // a wrong file fails here, not in the user's page
    return { file: 'weights.int8.safetensors', type: 'int8', bytes: w.file };
  }
  const tensors = floatTensors(w.safetensors);
  if (w.type === 'float16') return { file: 'weights.f16.safetensors', type: 'float16', bytes: encodeFloat16(tensors) };
  return { file: 'weights.safetensors', type: 'float32', bytes: w.safetensors };
}

/** The bundle's manifest for a graph (Custom Code refused by node: the runtime runs no code but its own). */
export function bundleManifest(input: Omit<BundleInput, 'runtime' | 'weights'>, weights: { file: string; type: BundleWeightType }): BundleManifest {
  const custom = input.graph.nodes.find((n) => n.type === 'CustomCode');
  if (custom) throw new FlowgradError('unsupported', `Custom Code '${custom.id}' cannot go into a standalone bundle: it runs only the engine's own layers`, { nodeId: custom.id });
  const a = analyzeGraph(input.graph);
  const errors = a.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new FlowgradError('graph', `the graph has errors: ${errors[0]!.message}`, errors[0]!.nodeId ? { nodeId: errors[0]!.nodeId } : undefined);
  const inputNode = input.graph.nodes.find((n) => n.type === 'Input');
  const loss = input.graph.nodes.find((n) => n.type === 'Loss');
  const predId = input.graph.edges.find((e) => e.target === loss?.id)?.source;
  if (!inputNode || !loss || !predId) throw new FlowgradError('graph', 'the graph needs an Input and an Output / Loss node');
  const lossKind = String(resolveAttrs(getLayer('Loss')!, loss.attrs).loss);
  const pre = input.preprocessing ?? null;
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    name: input.name,
    task: pre?.task ?? (CLASSIFICATION_LOSSES.has(lossKind) ? 'classification' : 'regression'),
    inputShape: (a.shapes[inputNode.id] ?? []).slice(1).map(Number),
    outputShape: (a.shapes[predId] ?? []).slice(1).map(Number),
    classNames: pre?.classNames ?? input.classNames ?? projectClassNames({ name: input.name, graph: input.graph, data: input.data, preprocessing: pre }),
    preprocessing: pre,
    weights,
    graph: input.graph,
  };
}

export function buildBundle(input: BundleInput): BuiltBundle {
  const w = weightFile(input.weights);
  const manifest = bundleManifest(input, { file: w.file, type: w.type });
  const files: Record<string, Uint8Array> = {
    [RUNTIME_FILE]: strToU8(input.runtime),
    [MANIFEST_FILE]: strToU8(`${JSON.stringify(manifest, null, 1)}\n`),
    [w.file]: w.bytes,
    'index.html': strToU8(indexHtml(manifest)),
    'example.mjs': strToU8(exampleMjs(manifest)),
  };
  const sizes = Object.fromEntries(Object.entries(files).map(([f, b]) => [f, b.byteLength]));
  files['README.md'] = strToU8(readmeText(manifest, sizes));
  sizes['README.md'] = files['README.md'].byteLength;
  const folder = `${input.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'}-bundle`;
  const tree: Zippable = { [folder]: Object.fromEntries(Object.entries(files).map(([f, b]) => [f, [b, { level: f === w.file ? 0 : 6 }]])) };
  return { zip: zipSync(tree), manifest, sizes };
}
