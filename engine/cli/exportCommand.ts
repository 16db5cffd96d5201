/**
 * `flowgrad export <project|template:ID> --format F --out PATH`: a project (or a template) as
 * a file another tool runs. Each format is one row of EXPORT_FORMATS (what it writes, from
 * the project and its weights), so adding a format is adding a row. A project without trained
 * weights exports its initial weights (seeded by its training seed) and says so. A project whose
 * model is int8 (weights.int8.safetensors) exports that model: ONNX as QDQ, the bundle with its
 * int8 file; safetensors writes the dequantized float32 weights, and says so.
 */
import { writeFileSync } from 'node:fs';
import type { ProjectFiles, ProjectJSON } from '../project/projectFile.ts';
import { DEFAULT_TRAIN_CONFIG } from '../project/config.ts';
import { assertOnnxExportable, projectToOnnx } from '../io/onnx/index.ts';
import { GraphModel } from '../train/graphModel.ts';
import { exportWeights } from '../train/session.ts';
import { manualSeed } from '../ops/creation.ts';
import { buildBundle, bundleManifest } from '../bundle/index.ts';
import { compileBundleRuntime } from './bundleRuntime.ts';
import { int8ProjectToOnnx } from '../compress/onnx.ts';
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';

export type LoadedProject = { project: ProjectJSON } & ProjectFiles;

export interface ExportFormat {
  /** What the file holds, for the usage text and the log line. */
  what: string;
  /** Fails early (before weights are made) when the project cannot be written in this format. */
  check?(project: ProjectJSON): void;
  /** `int8`: the project's int8 model (null: float32). */
  write(project: ProjectJSON, weights: Uint8Array, opts: Record<string, string>, int8: Uint8Array | null): Uint8Array | Promise<Uint8Array>;
  /** Said after writing an int8 project's file: what of the int8 model it holds. */
  int8Note: string;
}

export const EXPORT_FORMATS: Record<string, ExportFormat> = {
  onnx: {
    what: 'an ONNX model (opset 18, dynamic batch, weights as initializers, preprocessing and class names in metadata)',
    check: (p) => void assertOnnxExportable(p.graph),
    write: (p, w, _o, int8) => (int8 ? int8ProjectToOnnx : projectToOnnx)({ name: p.name, graph: p.graph, data: p.data, preprocessing: p.preprocessing ?? null }, int8 ?? w),
    int8Note: 'the int8 model as QDQ ONNX (int8 weights, QuantizeLinear → DequantizeLinear on each quantized input)',
  },
  bundle: {
    what: 'a standalone inference bundle (zip: the runtime as one ES module, model.json, the weights, README, example page; --weights float16 halves them)',
    check: (p) => void bundleManifest({ name: p.name, graph: p.graph }, { file: '', type: 'float32' }),
    write: async (p, w, opts, int8) => {
      const type = opts.weights ?? (int8 ? 'int8' : 'float32');
      if (type === 'int8' && !int8) throw new Error('--weights int8 needs a project whose model is int8 (compress it with --quantize int8)');
      if (type !== 'float32' && type !== 'float16' && type !== 'int8') throw new Error(`--weights must be float32, float16 or int8 (got '${type}')`);
      const weights = type === 'int8' ? { type: 'int8' as const, file: int8! } : { type: type as 'float32' | 'float16', safetensors: w };
      return buildBundle({ name: p.name, graph: p.graph, runtime: await compileBundleRuntime(), weights, preprocessing: p.preprocessing ?? null, ...(p.data ? { data: p.data } : {}) }).zip;
    },
    int8Note: 'the int8 model (its int8 weight file; --weights float32 for the dequantized weights)',
  },
  safetensors: {
    what: 'the weights as safetensors, named <nodeId>.<param>',
    write: (_p, w) => w,
    int8Note: 'the int8 model\'s dequantized float32 weights (the activations\' quantization is not in them: use onnx or bundle for the int8 model)',
  },
};

/** The project's trained weights, or its initial ones (its seed) when it has none. */
function weightsOf(loaded: LoadedProject, allowCode: boolean, log: (s: string) => void): Uint8Array {
  if (loaded.weights) return loaded.weights;
  requireCodeConsent(loaded.project.graph, allowCode); // initialising runs Custom Code once
  const seed = loaded.project.training?.seed ?? DEFAULT_TRAIN_CONFIG.seed;
  log(`note: the project has no trained weights; exporting its initial weights (seed ${seed})`);
  manualSeed(seed);
  const model = new GraphModel(loaded.project.graph);
  try {
    model.eval();
    return exportWeights(model);
  } finally {
    model.dispose();
  }
}

export async function exportCommand(loaded: LoadedProject, opts: Record<string, string>, log: (s: string) => void): Promise<void> {
  const name = opts.format;
  if (!name) throw new Error(`export needs --format (${Object.keys(EXPORT_FORMATS).join(', ')})`);
  const format = Object.hasOwn(EXPORT_FORMATS, name) ? EXPORT_FORMATS[name]! : null;
  if (!format) throw new Error(`unknown export format '${name}' (${Object.keys(EXPORT_FORMATS).join(', ')})`);
  if (!opts.out) throw new Error('export needs --out PATH');
  format.check?.(loaded.project);
  const int8 = loaded.int8 ?? null;
  const bytes = await format.write(loaded.project, weightsOf(loaded, opts[ALLOW_CODE_FLAG.slice(2)] === 'on', log), opts, int8);
  writeFileSync(opts.out, bytes);
  log(`wrote ${opts.out}: ${format.what} (${bytes.byteLength.toLocaleString('en-US')} bytes)`);
  if (int8) log(`  the project's model is int8: the file holds ${format.int8Note}`);
}
