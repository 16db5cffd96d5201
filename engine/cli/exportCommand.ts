/**
 * `flowgrad export <project|template:ID> --format F --out PATH`: a project (or a template) as
 * a file another tool runs. Each format is one row of EXPORT_FORMATS (what it writes, from
 * the project and its weights), so adding a format is adding a row. A project without trained
 * weights exports its initial weights (seeded by its training seed) and says so.
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
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';

export type LoadedProject = { project: ProjectJSON } & ProjectFiles;

export interface ExportFormat {
  /** What the file holds, for the usage text and the log line. */
  what: string;
  /** Fails early (before weights are made) when the project cannot be written in this format. */
  check?(project: ProjectJSON): void;
  write(project: ProjectJSON, weights: Uint8Array, opts: Record<string, string>): Uint8Array | Promise<Uint8Array>;
}

export const EXPORT_FORMATS: Record<string, ExportFormat> = {
  onnx: {
    what: 'an ONNX model (opset 18, dynamic batch, weights as initializers, preprocessing and class names in metadata)',
    check: (p) => void assertOnnxExportable(p.graph),
    write: (p, w) => projectToOnnx({ name: p.name, graph: p.graph, data: p.data, preprocessing: p.preprocessing ?? null }, w),
  },
  bundle: {
    what: 'a standalone inference bundle (zip: the runtime as one ES module, model.json, the weights, README, example page; --weights float16 halves them)',
    check: (p) => void bundleManifest({ name: p.name, graph: p.graph }, { file: '', type: 'float32' }),
    write: async (p, w, opts) => {
      const type = opts.weights ?? 'float32';
      if (type !== 'float32' && type !== 'float16') throw new Error(`--weights must be float32 or float16 (got '${type}'); an int8 bundle comes from a compressed model`);
      return buildBundle({ name: p.name, graph: p.graph, runtime: await compileBundleRuntime(), weights: { type, safetensors: w }, preprocessing: p.preprocessing ?? null, ...(p.data ? { data: p.data } : {}) }).zip;
    },
  },
  safetensors: {
    what: 'the weights as safetensors, named <nodeId>.<param>',
    write: (_p, w) => w,
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
  const bytes = await format.write(loaded.project, weightsOf(loaded, opts[ALLOW_CODE_FLAG.slice(2)] === 'on', log), opts);
  writeFileSync(opts.out, bytes);
  log(`wrote ${opts.out}: ${format.what} (${bytes.byteLength.toLocaleString('en-US')} bytes)`);
}
