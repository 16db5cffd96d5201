/**
 * `npm run flowgrad -- <command>`: the engine headless, in Node — the same graph compiler,
 * training loop and file formats as the IDE.
 *   train <project.flowgrad.zip | graph.json | template:ID> [--data builtin:NAME | FILE [--label COLUMN]] [--epochs N] [--lr X]
 *         [--batch N] [--optimizer sgd|adam|adamw|rmsprop|adagrad|lion] [--seed N]
 *         [--backend cpu|webgpu|reference] [--threads N|auto] [--replicas N] [--mixed-precision on|off] [--eager] [--restart] [--include-data] [--allow-code] [--json] --out FILE
 *         (a graph with Custom Code trains or evaluates only with --allow-code: codeGuard.ts)
 *   evaluate <project.flowgrad.zip> [--data FILE] [--threads N|auto] [--allow-code] [--json]
 *   info <project.flowgrad.zip | graph.json | template:ID> [--json]
 *   export <project.flowgrad.zip | graph.json | template:ID> --format FORMAT --out PATH (exportCommand.ts; pytorch: exportPytorch.ts)
 *   predict <project.flowgrad.zip | model.onnx> --input x.npy --out y.npy [--prepared] (predictCommand.ts)
 *   compress <project.flowgrad.zip> [--prune …] [--quantize …] [--distill …] --out FILE (compress.ts)
 * A trained project continues from its checkpoint (`--epochs` more epochs) unless --restart.
 * With --json a command prints one JSON object on stdout (progress and notes go to stderr).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseGraph } from '../graph/format.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { readProjectZip, writeProjectZip, newProject, projectCheckpoint } from '../project/projectFile.ts';
import type { ProjectFiles, ProjectJSON } from '../project/projectFile.ts';
import { runTraining } from '../train/session.ts';
import { evaluateProject } from '../train/evaluation.ts';
import { int8Setup } from '../compress/int8Model.ts';
import { encodeTableRow } from '../project/preprocessing.ts';
import { prepareStored } from '../data/prepare.ts';
import { sanitizePrep } from '../data/resolve.ts';
import type { EvaluationReport } from '../metrics/report.ts';
import type { ArrayDataset } from '../data/split.ts';
import { BUILTINS } from '../data/builtin.ts';
import { parseUpload, decodedBytes } from '../data/detect.ts';
import type { StoredDataset } from '../project/dataTypes.ts';
import type { DataIO } from '../data/resolve.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type DatasetSpec, type OptimizerName, type TrainConfig } from '../project/config.ts';
import { TEMPLATES, getTemplate } from '../templates/index.ts';
import { dawnBackend, noAdapterHelp } from '../backend/webgpu/dawn.ts';
import { parallelPlan, setBackend, setThreads } from '../index.ts';
import type { ReplicaOutcome } from '../index.ts';
import type { GraphJSON } from '../graph/types.ts';
import { isFlowgradError } from '../core/errors.ts';
import { fmtShape } from '../core/errors.ts';
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';
import { useThreads } from './nodeThreads.ts';
import { useReplicas } from './nodeReplicas.ts';
import { EXPORT_FORMATS, exportCommand } from './exportCommand.ts';
import { predictCommand } from './predictCommand.ts';
import { textRowsFromTable } from './textRows.ts';
import { importOnnx } from '../io/onnx/import.ts';
import { exportPytorch } from './exportPytorch.ts';
import { COMPRESS_SWITCHES, COMPRESS_USAGE, compressCommand } from './compress.ts';

const OPTIMIZERS: OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion'];

const USAGE = `usage:
  npm run flowgrad -- train <project.flowgrad.zip | graph.json | template:ID> [--data builtin:NAME | FILE [--label COLUMN]]
                       [--normalize standardize|minmax|none] [--text COLUMN] [--tokenizer word|char] [--max-length N] [--max-vocab N]
                       [--epochs N] [--lr X] [--batch N] [--optimizer ${OPTIMIZERS.join('|')}] [--seed N]
                       [--backend cpu|webgpu|reference] [--threads N|auto] [--replicas N] [--mixed-precision on|off] [--eager] [--restart] [--include-data] [${ALLOW_CODE_FLAG}] [--json]
                       --out trained.flowgrad.zip
  npm run flowgrad -- evaluate <project.flowgrad.zip> [--data FILE] [--threads N|auto] [${ALLOW_CODE_FLAG}] [--json]
  npm run flowgrad -- info <project.flowgrad.zip | graph.json | template:ID> [--json]
  npm run flowgrad -- export <project.flowgrad.zip | graph.json | model.onnx | template:ID> --format ${[...Object.keys(EXPORT_FORMATS), 'pytorch'].join('|')} [--data builtin:NAME | FILE] --out PATH
  npm run flowgrad -- predict <project.flowgrad.zip | model.onnx> --input x.npy|texts.txt --out y.npy [--prepared]
(a model.onnx of the operators the catalog covers opens as a graph with its weights: info, train, export)
(--prepared: the inputs are already preprocessed; without it the stored preprocessing is applied to raw inputs)
(--format pytorch writes a zip: model.py, train.py (torchrun/DDP), data.py + data.npz, README; --data picks the data for a template without one)
(--format bundle writes a zip that predicts raw inputs in a page or Node with no Flowgrad: one ES module, model.json, weights; [--weights float32|float16|int8]; a project whose model is int8 exports it as int8, --format onnx as QDQ)
${COMPRESS_USAGE}
(--threads: CPU kernel threads (worker_threads); results do not depend on the count)
(--replicas N: N engines in worker_threads train shards of every batch, gradients summed in shared memory; the one-worker
 weights to float rounding; graphs with Dropout, BatchNorm or Custom Code train on N kernel threads instead)
(${ALLOW_CODE_FLAG}: run the project's Custom Code JavaScript; without it such a project is refused)
a trained project continues from its checkpoint (--epochs more epochs); --restart starts over from fresh weights
built-in data: ${BUILTINS.map((b) => b.name).join(', ')}
(--normalize none keeps values as they are; integer arrays (token ids) are never standardised by default;
 --text COLUMN reads that column as text: --tokenizer word|char, --max-length tokens per sample, --max-vocab vocabulary size)
templates: ${TEMPLATES.map((t) => t.id).join(', ')}`;

/** Flags without a value. */
const SWITCHES = new Set(['restart', 'eager', 'json', 'include-data', 'prepared', ALLOW_CODE_FLAG.slice(2), ...COMPRESS_SWITCHES]);

function parseArgs(argv: string[]): { cmd: string; file: string; opts: Record<string, string> } {
  const [cmd = '', file = '', ...rest] = argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    if (SWITCHES.has(a.slice(2))) {
      opts[a.slice(2)] = 'on';
      continue;
    }
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    opts[a.slice(2)] = v;
    i++;
  }
  return { cmd, file, opts };
}

type Loaded = { project: ProjectJSON } & ProjectFiles;
const noFiles = { weights: null, optimizer: null, dataset: null, int8: null };

function loadProject(file: string): Loaded {
  if (file.startsWith('template:')) {
    const t = getTemplate(file.slice('template:'.length));
    if (!t) throw new Error(`unknown template '${file}' (templates: ${TEMPLATES.map((x) => x.id).join(', ')})`);
    const project = newProject(t.name);
    project.graph = t.build();
    project.data = { ...t.dataset };
    if (t.training) project.training = { ...project.training, ...t.training };
    return { project, ...noFiles };
  }
  const bytes = new Uint8Array(readFileSync(file));
  if (file.endsWith('.onnx')) {
    // An ONNX model of the operators the catalog covers, as a graph with its weights.
    const imported = importOnnx(bytes, basename(file));
    const project = newProject(basename(file, '.onnx'));
    project.graph = imported.graph;
    return { project, ...noFiles, weights: imported.weights };
  }
  if (file.endsWith('.json')) {
    const project = newProject(basename(file, '.json'));
    project.graph = parseGraph(new TextDecoder().decode(bytes));
    return { project, ...noFiles };
  }
  return readProjectZip(bytes);
}

function info(file: string, json: boolean): void {
  const { project, weights } = loadProject(file);
  const a = analyzeGraph(project.graph);
  if (!a.ok) process.exitCode = 1;
  if (json) {
    const ck = project.checkpoint;
    console.log(JSON.stringify({
      name: project.name, version: project.version, nodes: project.graph.nodes.length, parameters: a.totalParams, flops: a.totalFlops, trained: weights !== null,
      checkpoint: ck ? { epoch: ck.epoch, step: ck.step, optimizer: ck.optimizer?.kind ?? null } : null,
      metrics: project.metrics ?? null, dataset: project.dataset ?? null, preprocessing: project.preprocessing ?? null,
      layers: project.graph.nodes.map((n) => ({ id: n.id, type: n.type, shape: a.shapes[n.id] ?? null, params: a.params[n.id] ?? 0, flops: a.flops[n.id] ?? 0 })),
      issues: a.issues,
    }));
    return;
  }
  console.log(`${project.name}: ${project.graph.nodes.length} nodes, ${a.totalParams.toLocaleString()} parameters, ${a.totalFlops.toLocaleString()} FLOPs per sample${weights ? ', with trained weights' : ''}`);
  for (const n of project.graph.nodes) {
    const shape = a.shapes[n.id];
    console.log(`  ${n.id.padEnd(14)} ${n.type.padEnd(10)} ${(shape ? fmtShape(shape) : '?').padEnd(12)} params ${String(a.params[n.id] ?? 0).padStart(8)}  FLOPs ${String(a.flops[n.id] ?? 0).padStart(10)}`);
  }
  for (const i of a.issues) console.log(`  ${i.severity}: ${i.nodeId ?? 'graph'}: ${i.message}`);
  if (project.checkpoint) console.log(`  trained ${project.checkpoint.epoch} epochs (${project.checkpoint.step} steps); train continues from there`);
}

function progressBar(frac: number, width = 24): string {
  const full = Math.round(frac * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Parses a data file (CSV, NPY/NPZ, IDX, JSON, ZIP of images) the way the app's data worker does. */
async function readDataFile(name: string, bytes: Uint8Array): Promise<StoredDataset> {
  const parsed = await parseUpload([{ name, bytes }]);
  return { id: `file:${name}`, name, format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: new Date().toISOString(), data: parsed.data, notes: parsed.notes };
}

const NORMALIZE_MODES = ['standardize', 'minmax', 'none'] as const;

/** The data file's preparation the flags ask for: label, normalisation, the text column and its tokenizer. */
function prepFromFlags(opts: Record<string, string>): Record<string, unknown> {
  const prep: Record<string, unknown> = {};
  if (opts.label) prep.label = opts.label;
  if (opts.normalize) {
    if (!(NORMALIZE_MODES as readonly string[]).includes(opts.normalize)) throw new Error(`--normalize must be ${NORMALIZE_MODES.join(', ')} (got '${opts.normalize}')`);
    prep.normalize = opts.normalize;
  }
  if (opts.text) prep.roles = { [opts.text]: 'text' };
  const tokenizer: Record<string, unknown> = {};
  if (opts.tokenizer) {
    if (opts.tokenizer !== 'word' && opts.tokenizer !== 'char') throw new Error(`--tokenizer must be word or char (got '${opts.tokenizer}')`);
    tokenizer.level = opts.tokenizer;
  }
  for (const [flag, key] of [['max-length', 'maxLength'], ['max-vocab', 'maxVocab']] as const) {
    if (opts[flag] === undefined) continue;
    const n = Number(opts[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} needs a whole number ≥ 1 (got '${opts[flag]}')`);
    tokenizer[key] = n;
  }
  if (Object.keys(tokenizer).length > 0) prep.tokenizer = tokenizer;
  return prep;
}

function dataFromFlag(flag: string, current: DatasetSpec | undefined): DatasetSpec {
  const name = flag.replace(/^builtin:/, '');
  const info = BUILTINS.find((b) => b.name === name);
  if (!info) throw new Error(`unknown dataset '${flag}' (built-in: ${BUILTINS.map((b) => b.name).join(', ')})`);
  const keep = current && current.kind !== 'upload' && current.name === name ? current : null;
  const common = { samples: keep?.samples ?? info.samples, noise: keep?.noise ?? info.noise, seed: keep?.seed ?? 7 };
  return info.kind === 'builtin2d' ? { kind: 'builtin2d', name: name as never, ...common } : { kind: 'builtin', name, ...common };
}

async function useBackend(name: string): Promise<void> {
  if (name === 'webgpu') {
    const be = await dawnBackend();
    if (!be) throw new Error(`WebGPU is not available on this machine. ${noAdapterHelp()}`);
  }
  setBackend(name);
}

function fmtTime(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The project's dataset, the included data file, or --data: the spec and where uploads are read from. */
async function resolveData(file: string, loaded: Loaded, opts: Record<string, string>, log: (s: string) => void): Promise<{ dataset: DatasetSpec | undefined; io?: DataIO; upload?: { name: string; bytes: Uint8Array } }> {
  const { project } = loaded;
  let dataset: DatasetSpec | undefined = project.data ? { ...project.data } : undefined;
  if (opts.data && !opts.data.startsWith('builtin:') && existsSync(opts.data)) {
    // A data file: the same parsers and preparation as a drop in the app, read from disk.
    const bytes = new Uint8Array(readFileSync(opts.data));
    const upload = await readDataFile(basename(opts.data), bytes);
    for (const n of upload.notes) log(`note: ${n}`);
    const keepPrep = dataset?.kind === 'upload' && dataset.prep ? dataset.prep : {};
    dataset = { kind: 'upload', id: upload.id, name: upload.name, prep: { ...keepPrep, ...prepFromFlags(opts) } };
    return { dataset, io: { readUpload: async () => upload }, upload: { name: upload.name, bytes } };
  }
  if (opts.data) return { dataset: dataFromFlag(opts.data, dataset) };
  if (dataset?.kind === 'upload' && loaded.dataset && project.dataset) {
    // The data file the project carries.
    const upload = await readDataFile(project.dataset.file, loaded.dataset);
    const id = dataset.id;
    return { dataset, io: { readUpload: async () => ({ ...upload, id }) }, upload: { name: project.dataset.file, bytes: loaded.dataset } };
  }
  if (!dataset && file.startsWith('template:')) throw new Error(`${file} has no built-in dataset yet: pass one with --data builtin:NAME whose samples fit its Input, or train it from the app with your own data`);
  return { dataset: dataset ?? { ...DEFAULT_DATASET } };
}

/** `--replicas N`: the replicas the run asks for, or kernel threads where the graph cannot have them (said in the log). */
async function replicasFor(value: string | undefined, graph: GraphJSON, config: TrainConfig, log: (line: string) => void): Promise<number> {
  const n = useReplicas(value);
  if (n === 1) return 1;
  const plan = parallelPlan('replicas', n, graph, analyzeGraph(graph), config);
  if (plan.replicas === 1) {
    log(`replicas: ${plan.why}`);
    await useThreads(String(plan.threads));
  } else await setThreads(1);
  return plan.replicas;
}

async function train(file: string, opts: Record<string, string>): Promise<void> {
  if (!opts.out) throw new Error('train needs --out FILE');
  const json = opts.json === 'on';
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const loaded = loadProject(file);
  const { project } = loaded;
  requireCodeConsent(project.graph, opts[ALLOW_CODE_FLAG.slice(2)] === 'on');
  if (opts.backend) await useBackend(opts.backend);
  const threads = await useThreads(opts.threads);
  if (opts.threads) log(`CPU threads: ${threads}${threads === 1 && opts.threads !== '1' ? ' (this host cannot share memory between threads)' : ''}`);
  const { dataset, io, upload } = await resolveData(file, loaded, opts, log);
  const config = { ...DEFAULT_TRAIN_CONFIG, ...project.training };
  if (opts.epochs) config.epochs = Number(opts.epochs);
  if (opts.lr) config.lr = Number(opts.lr);
  if (opts.batch) config.batchSize = Number(opts.batch);
  if (opts.seed) config.seed = Number(opts.seed);
  if (opts['mixed-precision']) {
    if (!['on', 'off'].includes(opts['mixed-precision'])) throw new Error(`--mixed-precision takes on or off (got '${opts['mixed-precision']}')`);
    config.mixedPrecision = opts['mixed-precision'] === 'on';
  }
  if (opts.optimizer) {
    if (!OPTIMIZERS.includes(opts.optimizer as OptimizerName)) throw new Error(`unknown optimizer '${opts.optimizer}' (${OPTIMIZERS.join(', ')})`);
    config.optimizer = opts.optimizer as OptimizerName;
  }
  if (opts.eager === 'on') config.compiled = false;
  const replicas = await replicasFor(opts.replicas, project.graph, config, log);
  // Continue from the project's checkpoint (exact), or from its weights (a version 1 file), unless --restart.
  const restart = opts.restart === 'on';
  const resumeFrom = restart ? null : projectCheckpoint(loaded);
  const initialWeights = !restart && !resumeFrom && loaded.weights ? loaded.weights : undefined;
  const startEpoch = resumeFrom?.meta.epoch ?? 0;
  const total = startEpoch + config.epochs;
  if (resumeFrom) log(`continuing from epoch ${startEpoch} (step ${resumeFrom.meta.step}): ${config.epochs} more epochs; --restart starts over`);
  else if (initialWeights) log('continuing from the weights in the file (it has no optimizer state: the optimizer starts fresh); --restart starts over');
  const tty = process.stdout.isTTY && !json;
  let lastDraw = 0;
  const epochs: { epoch: number; loss: number; valLoss: number | null; valAccuracy: number | null; accuracy: number | null; lr: number }[] = [];
  const out = await runTraining({ runId: 'cli', graph: project.graph, dataset: dataset!, config, boundaryResolution: 0, resumeFrom, ...(initialWeights ? { initialWeights } : {}) }, {
    ...(io ? { io } : {}),
    ...(replicas > 1 ? { replicas, onReplicas: (r: ReplicaOutcome) => log(r.reason ? `replicas: one worker, since ${r.reason}` : `replicas: ${r.replicas} × 1 thread`) } : {}),
    shouldStop: () => false,
    onEvent: (e) => {
      if (e.type === 'step' && tty && Date.now() - lastDraw > 100) {
        lastDraw = Date.now();
        process.stdout.write(`\rstep ${e.step}/${e.totalSteps} ${progressBar(e.step / e.totalSteps)} loss ${e.loss.toFixed(4)}  ${Math.round(e.samplesPerSec)} samples/s  ETA ${fmtTime(e.etaSec)}   `);
      }
      if (e.type !== 'epoch') return;
      epochs.push({ epoch: e.epoch, loss: e.loss, valLoss: e.metrics.valLoss ?? null, valAccuracy: e.metrics.valAccuracy ?? null, accuracy: e.metrics.accuracy ?? null, lr: e.lr });
      if (json) return;
      const acc = e.metrics.accuracy !== undefined ? `  acc ${(e.metrics.accuracy * 100).toFixed(1)}%` : '';
      const valAcc = e.metrics.valAccuracy !== undefined ? `  val acc ${(e.metrics.valAccuracy * 100).toFixed(1)}%` : '';
      const line = `epoch ${String(e.epoch).padStart(4)}/${total} ${progressBar(e.epoch / total)} loss ${e.loss.toFixed(4)}${acc}${valAcc}  ${Math.round(e.samplesPerSec)} samples/s  ETA ${fmtTime(e.etaSec)}`;
      if (tty) process.stdout.write(`\r${line}\n`);
      else console.log(line);
    },
  });
  for (const n of out.notes) log(`note: ${n}`);
  log(`${out.reason}: loss ${out.final.loss.toFixed(4)}${out.final.metrics.accuracy !== undefined ? `, accuracy ${(out.final.metrics.accuracy * 100).toFixed(1)}%` : ''}${out.final.message ? ` — ${out.final.message}` : ''}`);
  if (out.final.execution) log(out.final.execution === 'compiled' ? 'steps ran through a compiled plan' : `steps ran eagerly: ${out.final.eagerReason ?? ''}`);
  const metrics: Record<string, number> = { loss: out.final.loss };
  for (const [k, v] of Object.entries(out.final.metrics)) if (typeof v === 'number') metrics[k] = v;
  const include = upload && (opts['include-data'] === 'on' || (loaded.dataset !== null && !opts.data));
  const saved: ProjectJSON = {
    ...project, data: dataset!, training: config, metrics, checkpoint: out.checkpoint.meta,
    ...(out.preprocessing ? { preprocessing: out.preprocessing } : {}),
    ...(include ? { dataset: { file: upload.name, bytes: upload.bytes.byteLength } } : {}),
  };
  if (!include) delete saved.dataset;
  if (!out.preprocessing) delete saved.preprocessing;
  const zip = writeProjectZip({ project: saved, weights: out.weights, optimizer: out.checkpoint.optimizer, dataset: include ? upload.bytes : null });
  writeFileSync(opts.out, zip);
  log(`wrote ${opts.out} (${zip.byteLength.toLocaleString('en-US')} bytes${include ? `, with the ${upload.bytes.byteLength.toLocaleString('en-US')}-byte dataset` : ''})`);
  if (json) {
    let test: EvaluationReport | null = null;
    if (out.reason !== 'diverged') test = (await evaluateProject({ graph: project.graph, weights: out.weights, dataset: dataset!, config }, io)).report;
    console.log(JSON.stringify({
      reason: out.reason, execution: out.final.execution, startEpoch, epochs, final: { epoch: out.final.epoch, step: out.final.step, ...metrics }, test, out: opts.out, bytes: zip.byteLength, notes: out.notes,
    }));
  }
}

/** Rows of a data file as the model expects them: the stored preprocessing for tables, else prepared as the project says. */
function rowsFromFile(upload: StoredDataset, project: ProjectJSON, log: (s: string) => void): { rows: ArrayDataset; classNames: string[] | null } {
  const pre = project.preprocessing;
  const d = upload.data;
  if (pre?.kind === 'text' && pre.text?.column && d.kind === 'table') return textRowsFromTable(pre, d);
  if (pre?.kind === 'table' && d.kind === 'table') {
    const label = d.columns.find((c) => c.name === pre.label);
    if (!label) throw new Error(`the file has no column '${pre.label}' (the label the model was trained on)`);
    const x: number[] = [], y: number[] = [];
    for (let r = 0; r < d.rows; r++) {
      const raw = Object.fromEntries(d.columns.map((c) => [c.name, c.type === 'numeric' ? c.values[r]! : c.codes[r]! < 0 ? '' : c.categories[c.codes[r]!]!]));
      const target = raw[pre.label!];
      const yi = pre.classNames ? pre.classNames.indexOf(String(target)) : Number(target);
      if (pre.classNames ? yi < 0 : !Number.isFinite(yi)) throw new Error(`row ${r + 1}: label '${target}' is not one the model knows (${pre.classNames?.join(', ') ?? 'a number'})`);
      x.push(...encodeTableRow(pre, raw));
      y.push(yi);
    }
    const f = pre.featureNames.length;
    return { rows: { x: Float32Array.from(x), y: pre.classNames ? Int32Array.from(y) : Float32Array.from(y), rows: d.rows, features: f, sampleShape: [f] }, classNames: pre.classNames };
  }
  const prep = project.data.kind === 'upload' ? sanitizePrep(project.data.prep) : {};
  const p = prepareStored(d, { ...prep, valFraction: 0, testFraction: 0 });
  if (pre?.normalize) log('note: this file was normalised with its own statistics (the stored ones apply to tables only)');
  return { rows: { ...p.train, sampleShape: p.sampleShape }, classNames: p.classNames };
}

async function evaluate(file: string, opts: Record<string, string>): Promise<void> {
  const json = opts.json === 'on';
  const log = (line: string) => (json ? console.error(line) : console.log(line));
  const loaded = loadProject(file);
  const { project, weights } = loaded;
  if (!weights) throw new Error(`${basename(file)} has no trained weights: train it first`);
  requireCodeConsent(project.graph, opts[ALLOW_CODE_FLAG.slice(2)] === 'on');
  if (opts.backend) await useBackend(opts.backend);
  await useThreads(opts.threads);
  const config = { ...DEFAULT_TRAIN_CONFIG, ...project.training };
  let result;
  if (opts.data && !opts.data.startsWith('builtin:')) {
    const upload = await readDataFile(basename(opts.data), new Uint8Array(readFileSync(opts.data)));
    const { rows, classNames } = rowsFromFile(upload, project, log);
    result = await evaluateProject({ graph: project.graph, weights, dataset: project.data, config, rows, setup: int8Setup(loaded.int8) });
    if (classNames && result.report.perClass) result.report.perClass.forEach((c, i) => (c.name = classNames[i] ?? c.name));
    if (classNames) result.report.classNames = result.report.perClass?.map((c) => c.name);
  } else {
    const { dataset, io } = await resolveData(file, loaded, opts, log);
    result = await evaluateProject({ graph: project.graph, weights, dataset: dataset!, config, setup: int8Setup(loaded.int8) }, io);
  }
  const r = result.report;
  if (json) {
    console.log(JSON.stringify({ split: result.split, ...r }));
    return;
  }
  console.log(`${project.name}: ${r.rows} ${result.split === 'given' ? 'rows of the file' : `rows of the ${result.split} split`}, loss ${r.loss.toFixed(4)}${r.accuracy !== undefined ? `, accuracy ${(r.accuracy * 100).toFixed(1)}%` : ''}`);
  if (r.perClass) {
    const w = Math.max(5, ...r.perClass.map((c) => c.name.length));
    console.log(`  ${'class'.padEnd(w)}  precision  recall     f1  support`);
    for (const c of r.perClass) console.log(`  ${c.name.padEnd(w)}  ${c.precision.toFixed(3).padStart(9)}  ${c.recall.toFixed(3).padStart(6)}  ${c.f1.toFixed(3).padStart(5)}  ${String(c.support).padStart(7)}`);
    console.log(`  ${'macro'.padEnd(w)}  ${r.macro!.precision.toFixed(3).padStart(9)}  ${r.macro!.recall.toFixed(3).padStart(6)}  ${r.macro!.f1.toFixed(3).padStart(5)}`);
    console.log('  confusion (rows: true, columns: predicted)');
    const cw = Math.max(4, ...r.confusion!.flat().map((n) => String(n).length));
    for (const [i, row] of r.confusion!.entries()) console.log(`  ${r.perClass[i]!.name.padEnd(w)}  ${row.map((n) => String(n).padStart(cw)).join(' ')}`);
  }
  if (r.regression) console.log(`  MAE ${r.regression.mae.toFixed(4)}  MSE ${r.regression.mse.toFixed(4)}  RMSE ${r.regression.rmse.toFixed(4)}  R² ${r.regression.r2.toFixed(4)}`);
}

async function main(): Promise<void> {
  const { cmd, file, opts } = parseArgs(process.argv.slice(2));
  if (!file || !['train', 'info', 'evaluate', 'export', 'predict', 'compress'].includes(cmd)) {
    console.log(USAGE);
    process.exitCode = cmd === 'help' || cmd === '--help' ? 0 : 2;
    return;
  }
  if (cmd === 'info') info(file, opts.json === 'on');
  else if (cmd === 'evaluate') await evaluate(file, opts);
  else if (cmd === 'export' && opts.format === 'pytorch') {
    const loaded = loadProject(file);
    await exportPytorch({ file, loaded, opts, resolveData: () => resolveData(file, loaded, opts, console.log), log: console.log });
    if (loaded.int8) console.log('  the project\'s model is int8: model.py gets its dequantized float32 weights (PyTorch computes them without the int8 activations)');
  } else if (cmd === 'export') await exportCommand(loadProject(file), opts, console.log);
  else if (cmd === 'predict') await predictCommand(file, loadProject, opts, console.log);
  else if (cmd === 'compress') await compressCommand(file, opts, { loadProject, resolveData });
  else await train(file, opts);
}

main().catch((e: unknown) => {
  console.error(isFlowgradError(e) ? `error (${e.code})${e.nodeId ? ` at node '${e.nodeId}'` : ''}: ${e.message}` : `error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
