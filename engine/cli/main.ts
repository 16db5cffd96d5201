/**
 * `npm run flowgrad -- <command>`: the engine headless, in Node — the same graph compiler,
 * training loop and file formats as the IDE.
 *   train <project.flowgrad.zip | graph.json> [--data builtin:circles] [--epochs N] [--lr X]
 *         [--batch N] [--optimizer sgd|adam] [--seed N] [--backend cpu|reference] --out FILE
 *   info <project.flowgrad.zip | graph.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseGraph } from '../graph/format.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { readProjectZip, writeProjectZip, newProject } from '../io/project.ts';
import type { ProjectJSON } from '../io/project.ts';
import { runTraining } from '../train/session.ts';
import { BUILTIN_2D } from '../data/builtin2d.ts';
import type { Builtin2DName } from '../data/builtin2d.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG } from '../train/config.ts';
import { setBackend } from '../index.ts';
import { isFlowgradError } from '../core/errors.ts';
import { fmtShape } from '../core/errors.ts';

const USAGE = `usage:
  npm run flowgrad -- train <project.flowgrad.zip | graph.json> [--data builtin:NAME] [--epochs N]
                       [--lr X] [--batch N] [--optimizer sgd|adam] [--seed N] [--backend cpu|reference]
                       --out trained.flowgrad.zip
  npm run flowgrad -- info <project.flowgrad.zip | graph.json>
built-in data: ${BUILTIN_2D.join(', ')}`;

function parseArgs(argv: string[]): { cmd: string; file: string; opts: Record<string, string> } {
  const [cmd = '', file = '', ...rest] = argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
    opts[a.slice(2)] = v;
    i++;
  }
  return { cmd, file, opts };
}

function loadProject(file: string): { project: ProjectJSON; weights: Uint8Array | null } {
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
    console.log(`  ${n.id.padEnd(14)} ${n.type.padEnd(10)} ${(shape ? fmtShape(shape) : '?').padEnd(12)} params ${String(a.params[n.id] ?? 0).padStart(8)}`);
  }
  for (const i of a.issues) console.log(`  ${i.severity}: ${i.nodeId ?? 'graph'}: ${i.message}`);
  if (!a.ok) process.exitCode = 1;
}

function progressBar(frac: number, width = 24): string {
  const full = Math.round(frac * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

async function train(file: string, opts: Record<string, string>): Promise<void> {
  if (!opts.out) throw new Error('train needs --out FILE');
  const { project } = loadProject(file);
  if (opts.backend) setBackend(opts.backend);
  const dataset = { ...(project.data ?? DEFAULT_DATASET) };
  if (opts.data) {
    const name = opts.data.replace(/^builtin:/, '') as Builtin2DName;
    if (!BUILTIN_2D.includes(name)) throw new Error(`unknown dataset '${opts.data}' (built-in: ${BUILTIN_2D.join(', ')})`);
    dataset.name = name;
  }
  const config = { ...DEFAULT_TRAIN_CONFIG, ...project.training };
  if (opts.epochs) config.epochs = Number(opts.epochs);
  if (opts.lr) config.lr = Number(opts.lr);
  if (opts.batch) config.batchSize = Number(opts.batch);
  if (opts.seed) config.seed = Number(opts.seed);
  if (opts.optimizer) config.optimizer = opts.optimizer === 'sgd' ? 'sgd' : 'adam';
  const tty = process.stdout.isTTY;
  const out = await runTraining({ runId: 'cli', graph: project.graph, dataset, config, boundaryResolution: 0 }, {
    shouldStop: () => false,
    onEvent: (e) => {
      if (e.type !== 'epoch') return;
      const acc = e.metrics.accuracy !== undefined ? `  acc ${(e.metrics.accuracy * 100).toFixed(1)}%` : '';
      const line = `epoch ${String(e.epoch).padStart(4)}/${config.epochs} ${progressBar(e.epoch / config.epochs)} loss ${e.loss.toFixed(4)}${acc}  ${Math.round(e.samplesPerSec)} samples/s`;
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
    },
  });
  if (tty) process.stdout.write('\n');
  console.log(`${out.reason}: loss ${out.final.loss.toFixed(4)}${out.final.metrics.accuracy !== undefined ? `, accuracy ${(out.final.metrics.accuracy * 100).toFixed(1)}%` : ''}${out.final.message ? ` — ${out.final.message}` : ''}`);
  const metrics: Record<string, number> = { loss: out.final.loss, ...out.final.metrics };
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
