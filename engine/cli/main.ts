/**
 * `npm run flowgrad -- <command>`: the engine headless, in Node — the same graph compiler,
 * training loop and file formats as the IDE.
 *   train <project.flowgrad.zip | graph.json | template:ID> [--data builtin:NAME | FILE [--label COLUMN]] [--epochs N] [--lr X]
 *         [--batch N] [--optimizer sgd|adam|adamw|rmsprop|adagrad|lion] [--seed N]
 *         [--backend cpu|webgpu|reference] [--mixed-precision on|off] [--allow-code] --out FILE
 *         (a graph with Custom Code trains only with --allow-code: codeGuard.ts)
 *   info <project.flowgrad.zip | graph.json | template:ID>
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseGraph } from '../graph/format.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { readProjectZip, writeProjectZip, newProject } from '../io/project.ts';
import type { ProjectJSON } from '../io/project.ts';
import { runTraining } from '../train/session.ts';
import { BUILTINS } from '../data/builtin.ts';
import { parseUpload, decodedBytes } from '../data/detect.ts';
import type { StoredDataset } from '../data/types.ts';
import type { DataIO } from '../data/resolve.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type DatasetSpec, type OptimizerName } from '../train/config.ts';
import { TEMPLATES, getTemplate } from '../templates/index.ts';
import { dawnBackend, noAdapterHelp } from '../backend/webgpu/dawn.ts';
import { setBackend } from '../index.ts';
import { isFlowgradError } from '../core/errors.ts';
import { fmtShape } from '../core/errors.ts';
import { ALLOW_CODE_FLAG, requireCodeConsent } from './codeGuard.ts';

const OPTIMIZERS: OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lion'];

const USAGE = `usage:
  npm run flowgrad -- train <project.flowgrad.zip | graph.json | template:ID> [--data builtin:NAME | FILE [--label COLUMN]]
                       [--epochs N] [--lr X] [--batch N] [--optimizer ${OPTIMIZERS.join('|')}] [--seed N]
                       [--backend cpu|webgpu|reference] [--mixed-precision on|off] [${ALLOW_CODE_FLAG}] --out trained.flowgrad.zip
                       (${ALLOW_CODE_FLAG}: run the project's Custom Code JavaScript; without it such a project is refused)
  npm run flowgrad -- info <project.flowgrad.zip | graph.json | template:ID>
built-in data: ${BUILTINS.map((b) => b.name).join(', ')}
templates: ${TEMPLATES.map((t) => `${t.id}${t.dataset ? '' : ' (needs its own data)'}`).join(', ')}`;

function parseArgs(argv: string[]): { cmd: string; file: string; opts: Record<string, string> } {
  const [cmd = '', file = '', ...rest] = argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    // The one flag without a value.
    if (a === ALLOW_CODE_FLAG) {
      opts[a.slice(2)] = 'yes';
      continue;
    }
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    opts[a.slice(2)] = v;
    i++;
  }
  return { cmd, file, opts };
}

function loadProject(file: string): { project: ProjectJSON; weights: Uint8Array | null } {
  if (file.startsWith('template:')) {
    const t = getTemplate(file.slice('template:'.length));
    if (!t) throw new Error(`unknown template '${file}' (templates: ${TEMPLATES.map((x) => x.id).join(', ')})`);
    const project = newProject(t.name);
    project.graph = t.build();
    if (t.dataset) project.data = t.dataset;
    else (project as { data?: DatasetSpec }).data = undefined;
    return { project, weights: null };
  }
  const bytes = new Uint8Array(readFileSync(file));
  if (file.endsWith('.json')) {
    const project = newProject(basename(file, '.json'));
    project.graph = parseGraph(new TextDecoder().decode(bytes));
    return { project, weights: null };
  }
  return readProjectZip(bytes);
}

function info(file: string): void {
  const { project, weights } = loadProject(file);
  const a = analyzeGraph(project.graph);
  console.log(`${project.name}: ${project.graph.nodes.length} nodes, ${a.totalParams.toLocaleString()} parameters, ${a.totalFlops.toLocaleString()} FLOPs per sample${weights ? ', with trained weights' : ''}`);
  for (const n of project.graph.nodes) {
    const shape = a.shapes[n.id];
    console.log(`  ${n.id.padEnd(14)} ${n.type.padEnd(10)} ${(shape ? fmtShape(shape) : '?').padEnd(12)} params ${String(a.params[n.id] ?? 0).padStart(8)}  FLOPs ${String(a.flops[n.id] ?? 0).padStart(10)}`);
  }
  for (const i of a.issues) console.log(`  ${i.severity}: ${i.nodeId ?? 'graph'}: ${i.message}`);
  if (!a.ok) process.exitCode = 1;
}

function progressBar(frac: number, width = 24): string {
  const full = Math.round(frac * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Parses a data file (CSV, NPY/NPZ, IDX, JSON, ZIP of images) the way the app's data worker does. */
async function readDataFile(path: string): Promise<StoredDataset> {
  const bytes = new Uint8Array(readFileSync(path));
  const name = basename(path);
  const parsed = await parseUpload([{ name, bytes }]);
  return { id: `file:${name}`, name, format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: new Date().toISOString(), data: parsed.data, notes: parsed.notes };
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

async function train(file: string, opts: Record<string, string>): Promise<void> {
  if (!opts.out) throw new Error('train needs --out FILE');
  const { project } = loadProject(file);
  requireCodeConsent(project.graph, opts[ALLOW_CODE_FLAG.slice(2)] === 'yes');
  if (opts.backend) await useBackend(opts.backend);
  let dataset: DatasetSpec | undefined = project.data ? { ...project.data } : undefined;
  let io: DataIO | undefined;
  if (opts.data && !opts.data.startsWith('builtin:') && existsSync(opts.data)) {
    // A data file: the same parsers and preparation as a drop in the app, read from disk.
    const upload = await readDataFile(opts.data);
    io = { readUpload: async () => upload };
    dataset = { kind: 'upload', id: upload.id, name: upload.name, ...(opts.label ? { prep: { label: opts.label } } : {}) };
    for (const n of upload.notes) console.log(`note: ${n}`);
  } else if (opts.data) dataset = dataFromFlag(opts.data, dataset);
  if (!dataset) {
    if (file.startsWith('template:')) throw new Error(`${file} has no built-in dataset yet: pass one with --data builtin:NAME whose samples fit its Input, or train it from the app with your own data`);
    dataset = { ...DEFAULT_DATASET };
  }
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
  const tty = process.stdout.isTTY;
  let lastDraw = 0;
  const out = await runTraining({ runId: 'cli', graph: project.graph, dataset, config, boundaryResolution: 0 }, {
    ...(io ? { io } : {}),
    shouldStop: () => false,
    onEvent: (e) => {
      if (e.type === 'step' && tty && Date.now() - lastDraw > 100) {
        lastDraw = Date.now();
        process.stdout.write(`\rstep ${e.step}/${e.totalSteps} ${progressBar(e.step / e.totalSteps)} loss ${e.loss.toFixed(4)}  ${Math.round(e.samplesPerSec)} samples/s  ETA ${fmtTime(e.etaSec)}   `);
      }
      if (e.type !== 'epoch') return;
      const acc = e.metrics.accuracy !== undefined ? `  acc ${(e.metrics.accuracy * 100).toFixed(1)}%` : '';
      const valAcc = e.metrics.valAccuracy !== undefined ? `  val acc ${(e.metrics.valAccuracy * 100).toFixed(1)}%` : '';
      const line = `epoch ${String(e.epoch).padStart(4)}/${config.epochs} ${progressBar(e.epoch / config.epochs)} loss ${e.loss.toFixed(4)}${acc}${valAcc}  ${Math.round(e.samplesPerSec)} samples/s  ETA ${fmtTime(e.etaSec)}`;
      if (tty) process.stdout.write(`\r${line}\n`);
      else console.log(line);
    },
  });
  console.log(`${out.reason}: loss ${out.final.loss.toFixed(4)}${out.final.metrics.accuracy !== undefined ? `, accuracy ${(out.final.metrics.accuracy * 100).toFixed(1)}%` : ''}${out.final.message ? ` — ${out.final.message}` : ''}`);
  const metrics: Record<string, number> = { loss: out.final.loss };
  for (const [k, v] of Object.entries(out.final.metrics)) if (typeof v === 'number') metrics[k] = v;
  const saved: ProjectJSON = { ...project, data: dataset, training: config, metrics };
  writeFileSync(opts.out, writeProjectZip({ project: saved, weights: out.weights }));
  console.log(`wrote ${opts.out}`);
}

async function main(): Promise<void> {
  const { cmd, file, opts } = parseArgs(process.argv.slice(2));
  if (!file || (cmd !== 'train' && cmd !== 'info')) {
    console.log(USAGE);
    process.exitCode = cmd === 'help' || cmd === '--help' ? 0 : 2;
    return;
  }
  if (cmd === 'info') info(file);
  else await train(file, opts);
}

main().catch((e: unknown) => {
  console.error(isFlowgradError(e) ? `error (${e.code})${e.nodeId ? ` at node '${e.nodeId}'` : ''}: ${e.message}` : `error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
