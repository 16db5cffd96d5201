/**
 * `npm run flowgrad -- compress <project> …`: prunes, quantizes and/or distills a trained
 * project (engine/compress) and prints the report — per variant: parameters, non-zeros,
 * FLOPs, weight file size raw and gzipped, test accuracy (or loss) and its change, CPU latency
 * per sample. `--out` gets the last variant as a project (its graph and the float32 weights it
 * computes with); an int8 or float16 variant's weight file is written beside it, and an int8
 * variant's QDQ ONNX model too (`<out>.int8.onnx`; docs/compression.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseGraph } from '../graph/format.ts';
import { writeProjectZip, type ProjectFiles, type ProjectJSON } from '../project/projectFile.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec } from '../project/config.ts';
import type { DataIO } from '../data/resolve.ts';
import { compressModel, type CompressJob, type CompressedVariant } from '../compress/pipeline.ts';
import type { PruneMode } from '../compress/prune.ts';
import type { Calibration } from '../compress/quantize.ts';
import { MAX_QAT_EPOCHS } from '../compress/qat.ts';
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';
import { int8ProjectToOnnx } from '../compress/onnx.ts';

export const COMPRESS_USAGE = `  npm run flowgrad -- compress <project.flowgrad.zip> [--prune 0.8 [--prune-mode global|unstructured|channels] [--schedule polynomial|oneshot] [--finetune-epochs N]]
                       [--quantize int8|float16 [--calibration minmax|percentile] [--percentile 99.99] [--calibration-batches N] [--qat-epochs N]]
                       [--distill student.json|suggest [--student-width 0.5] [--temperature 4] [--alpha 0.7] [--distill-epochs N] [--student-rows N] [--compare-student]]
                       [--latency-runs N] [--json] --out compressed.flowgrad.zip`;

/** Flags of `compress` without a value. */
export const COMPRESS_SWITCHES = ['compare-student'];

type Loaded = { project: ProjectJSON } & ProjectFiles;
interface CliIO {
  loadProject(file: string): Loaded;
  resolveData(file: string, loaded: Loaded, opts: Record<string, string>, log: (s: string) => void): Promise<{ dataset: DatasetSpec | undefined; io?: DataIO }>;
}

function number(opts: Record<string, string>, flag: string, fallback: number, check: (v: number) => boolean, what: string): number {
  if (opts[flag] === undefined) return fallback;
  const v = Number(opts[flag]);
  if (!Number.isFinite(v) || !check(v)) throw new Error(`--${flag} must be ${what} (got '${opts[flag]}')`);
  return v;
}

function oneOf<T extends string>(opts: Record<string, string>, flag: string, allowed: readonly T[], fallback: T): T {
  const v = (opts[flag] ?? fallback).toLowerCase();
  if (!allowed.includes(v as T)) throw new Error(`--${flag} takes ${allowed.join(' or ')} (got '${opts[flag]}')`);
  return v as T;
}

/** The job the flags describe. */
export function jobFromFlags(opts: Record<string, string>, base: Omit<CompressJob, 'prune' | 'quantize' | 'distill'>): CompressJob {
  const job: CompressJob = { ...base };
  if (opts.prune !== undefined) {
    job.prune = {
      sparsity: number(opts, 'prune', 0, (v) => v > 0 && v < 1, 'a fraction in (0, 1)'),
      mode: oneOf<PruneMode>(opts, 'prune-mode', ['unstructured', 'global', 'channels'], 'global'),
      schedule: oneOf(opts, 'schedule', ['polynomial', 'oneshot'] as const, 'polynomial') === 'oneshot' ? 'oneShot' : 'polynomial',
      finetuneEpochs: number(opts, 'finetune-epochs', 2, (v) => Number.isInteger(v) && v >= 0 && v <= 1000, 'a whole number from 0 to 1000'),
    };
  }
  if (opts.quantize !== undefined) {
    job.quantize = {
      kind: oneOf(opts, 'quantize', ['int8', 'float16'] as const, 'int8'),
      calibration: oneOf<Calibration>(opts, 'calibration', ['minmax', 'percentile'], 'minmax'),
      percentile: number(opts, 'percentile', 99.99, (v) => v > 50 && v <= 100, 'a percentile in (50, 100]'),
      calibrationBatches: number(opts, 'calibration-batches', 8, (v) => Number.isInteger(v) && v >= 1 && v <= 64, 'a whole number from 1 to 64'),
      qatEpochs: number(opts, 'qat-epochs', 0, (v) => Number.isInteger(v) && v >= 0 && v <= MAX_QAT_EPOCHS, `a whole number from 0 to ${MAX_QAT_EPOCHS}`),
    };
    if (job.quantize.kind !== 'int8' && job.quantize.qatEpochs) throw new Error('--qat-epochs is for --quantize int8 (float16 needs no fine-tuning)');
  }
  if (opts.distill !== undefined) {
    const student = opts.distill === 'suggest' ? null : parseGraph(readFileSync(opts.distill, 'utf8'));
    job.distill = {
      student,
      width: number(opts, 'student-width', 0.5, (v) => v > 0 && v <= 1, 'a fraction in (0, 1]'),
      temperature: number(opts, 'temperature', 4, (v) => v > 0 && v <= 100, 'a number in (0, 100]'),
      alpha: number(opts, 'alpha', 0.7, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
      epochs: number(opts, 'distill-epochs', base.config.epochs, (v) => Number.isInteger(v) && v >= 1 && v <= 1000, 'a whole number from 1 to 1000'),
      ...(opts['student-rows'] !== undefined ? { studentRows: number(opts, 'student-rows', 0, (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1') } : {}),
      compareWithoutTeacher: opts['compare-student'] === 'on',
    };
  }
  if (!job.prune && !job.quantize && !job.distill) throw new Error('compress needs --prune, --quantize or --distill');
  return job;
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);

function printTable(variants: CompressedVariant[]): void {
  const rows = variants.map(({ report: r }) => [
    r.name, r.parameters.toLocaleString('en-US'), r.nonZeros.toLocaleString('en-US'), r.flops.toLocaleString('en-US'), r.file.format,
    r.file.bytes.toLocaleString('en-US'), r.file.gzipBytes.toLocaleString('en-US'), r.accuracy !== undefined ? pct(r.accuracy) : r.loss.toFixed(4),
    r.accuracy !== undefined ? `${r.delta >= 0 ? '+' : ''}${(r.delta * 100).toFixed(2)} pp` : `${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(4)}`, `${r.latencyMs.toFixed(3)} ms`,
  ]);
  const head = ['variant', 'params', 'non-zeros', 'FLOPs', 'weights', 'bytes', 'gzipped', variants[0]?.report.accuracy !== undefined ? 'accuracy' : 'loss', 'delta', 'CPU/sample'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
  for (const { report: r } of variants) {
    console.log(`  ${r.name}: ${r.method}`);
    for (const l of r.layers ?? []) console.log(`    ${l.name.padEnd(16)} ${pct(l.sparsity).padStart(7)} zero (${l.zeros}/${l.params})`);
    for (const [id, c] of Object.entries(r.channels ?? {})) console.log(`    ${id.padEnd(16)} ${c.before} → ${c.after} channels`);
  }
}

export async function compressCommand(file: string, opts: Record<string, string>, cli: CliIO): Promise<void> {
  if (!opts.out) throw new Error('compress needs --out FILE');
  const json = opts.json === 'on';
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const loaded = cli.loadProject(file);
  const { project, weights } = loaded;
  if (!weights) throw new Error(`${basename(file)} has no trained weights: train it first (npm run flowgrad -- train …)`);
  requireCodeConsent(project.graph, opts[ALLOW_CODE_FLAG.slice(2)] === 'on');
  const { dataset, io } = await cli.resolveData(file, loaded, opts, log);
  const config = { ...DEFAULT_TRAIN_CONFIG, ...project.training };
  const job = jobFromFlags(opts, { graph: project.graph, weights, dataset: dataset!, config, latencyRuns: number(opts, 'latency-runs', 30, (v) => Number.isInteger(v) && v >= 1 && v <= 1000, 'a whole number from 1 to 1000') });
  const variants = await compressModel(job, {
    ...(io ? { io } : {}),
    log,
    onEpoch: (name, r) => log(`  ${name} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}${r.valAccuracy !== undefined ? `, val acc ${(r.valAccuracy * 100).toFixed(1)}%` : ''}`),
  });
  // The model to keep: the end of the prune → quantize chain, else the distilled student.
  const chain = variants.filter((v) => !['distilled', 'student (no teacher)'].includes(v.report.name));
  const last = chain.length > 1 ? chain.at(-1)! : variants.find((v) => v.report.name === 'distilled')!;
  const saved: ProjectJSON = { ...project, graph: last.graph, data: dataset!, training: config, metrics: { loss: last.report.loss, ...(last.report.accuracy !== undefined ? { accuracy: last.report.accuracy } : {}) } };
  delete saved.checkpoint; // the optimizer state belongs to the original model
  // An int8 result stays int8 in the project (weights.int8.safetensors): evaluate, predict and export compute it as int8.
  const zip = writeProjectZip({ project: saved, weights: last.weights, dataset: saved.dataset ? loaded.dataset : null, int8: last.report.file.format === 'int8' ? last.file : null });
  writeFileSync(opts.out, zip);
  const files: Record<string, string> = { project: opts.out };
  if (last.report.file.format !== 'float32') {
    const side = `${opts.out.replace(/(\.flowgrad)?\.zip$/, '')}.${last.report.file.format}.safetensors`;
    writeFileSync(side, last.file);
    files[last.report.file.format] = side;
  }
  if (last.report.file.format === 'int8') {
    const onnxPath = `${opts.out.replace(/(\.flowgrad)?\.zip$/, '')}.int8.onnx`;
    try {
      writeFileSync(onnxPath, int8ProjectToOnnx({ name: project.name, graph: last.graph, data: dataset, preprocessing: project.preprocessing ?? null }, last.file));
      files.onnx = onnxPath;
    } catch (e) {
      log(`no QDQ ONNX file: ${(e as Error).message}`);
    }
  }
  if (json) {
    console.log(JSON.stringify({ variants: variants.map((v) => v.report), kept: last.report.name, files }));
    return;
  }
  printTable(variants);
  log(`wrote ${Object.values(files).join(' and ')} (${last.report.name})`);
}

