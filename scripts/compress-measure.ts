/**
 * `npx tsx scripts/compress-measure.ts [--samples 3000] [--epochs 16] [--finetune 4] [--seed 1] [--temperature 4] [--alpha 0.7] [--json]`:
 * measures issue #15's compression targets on the built-in digits with LeNet-5 — trains the
 * baseline, then int8 PTQ and QAT, 80% unstructured pruning (per-layer and global thresholds) with
 * fine-tuning, 50% channel pruning,
 * and a distilled student (≤ 1/4 of the parameters) against the same student without the
 * teacher (same epochs, same seed) — and prints each variant's numbers and each target's
 * verdict (the variants and rules: compress-measure-runs.ts). Numbers for docs/compression.md;
 * the unit tests check behaviour, not these values.
 */
import { getTemplate } from '../engine/templates/index.ts';
import { runTraining } from '../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../engine/project/config.ts';
import type { CompressJob } from '../engine/compress/pipeline.ts';
import { suggestStudent } from '../engine/compress/distill.ts';
import { measureCompression, printMeasured } from './compress-measure-runs.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const samples = flag('samples', 3000), epochs = flag('epochs', 16), finetune = flag('finetune', 4), seed = flag('seed', 1);
const temperature = flag('temperature', 4), alpha = flag('alpha', 0.7);
const json = args.includes('--json');
const log = (s: string) => (json ? console.error(s) : console.log(s));

const template = getTemplate('lenet5')!;
const graph = template.build();
const dataset: DatasetSpec = { kind: 'builtin', name: 'digits', samples, noise: 0.1, seed: 7 };
const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.001, batchSize: 32, epochs, seed, validationSplit: 0.2 };

log(`training LeNet-5 on digits (${samples} samples, ${epochs} epochs, seed ${seed})…`);
const trained = await runTraining({ runId: 'measure', graph, dataset, config, boundaryResolution: 0 }, { shouldStop: () => false, onEvent: () => {} });
const base: Omit<CompressJob, 'prune' | 'quantize' | 'distill'> = { graph, weights: trained.weights, dataset, config, latencyRuns: 50 };

const measured = await measureCompression({ base, student: suggestStudent(graph, 0.48), epochs, finetune, temperature, alpha, log });

if (json) console.log(JSON.stringify({ samples, epochs, finetune, seed, ...measured }));
else printMeasured(measured);
