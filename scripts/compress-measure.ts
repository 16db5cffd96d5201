/**
 * `npx tsx scripts/compress-measure.ts [--samples 3000] [--epochs 16] [--finetune 4] [--seed 1] [--json]`:
 * measures issue #15's compression targets on the built-in digits with LeNet-5 — trains the
 * baseline, then int8 PTQ and QAT, 80% unstructured pruning (per-layer and global thresholds) with
 * fine-tuning, 50% channel pruning,
 * and a distilled student (≤ 1/4 of the parameters) against the same student without the
 * teacher (same epochs, same seed) — and prints each variant's numbers and each target's
 * verdict. Numbers for docs/compression.md; the unit tests check behaviour, not these values.
 */
import { getTemplate } from '../engine/templates/index.ts';
import { runTraining } from '../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../engine/project/config.ts';
import { compressModel, type CompressJob } from '../engine/compress/pipeline.ts';
import { suggestStudent } from '../engine/compress/distill.ts';
import type { VariantReport } from '../engine/compress/report.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const samples = flag('samples', 3000), epochs = flag('epochs', 16), finetune = flag('finetune', 4), seed = flag('seed', 1);
const json = args.includes('--json');
const log = (s: string) => (json ? console.error(s) : console.log(s));

const template = getTemplate('lenet5')!;
const graph = template.build();
const dataset: DatasetSpec = { kind: 'builtin', name: 'digits', samples, noise: 0.1, seed: 7 };
const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.001, batchSize: 32, epochs, seed, validationSplit: 0.2 };

log(`training LeNet-5 on digits (${samples} samples, ${epochs} epochs, seed ${seed})…`);
const trained = await runTraining({ runId: 'measure', graph, dataset, config, boundaryResolution: 0 }, { shouldStop: () => false, onEvent: () => {} });
const base: Omit<CompressJob, 'prune' | 'quantize' | 'distill'> = { graph, weights: trained.weights, dataset, config, latencyRuns: 50 };

const runs: [string, Partial<CompressJob>][] = [
  ['int8 PTQ', { quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 8 } }],
  ['int8 PTQ (percentile)', { quantize: { kind: 'int8', calibration: 'percentile', percentile: 99.99, calibrationBatches: 8 } }],
  ['int8 QAT (1 epoch)', { quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 8, qatEpochs: 1 } }],
  ['80% unstructured (per layer)', { prune: { mode: 'unstructured', sparsity: 0.8, schedule: 'polynomial', finetuneEpochs: finetune } }],
  ['80% global', { prune: { mode: 'global', sparsity: 0.8, schedule: 'polynomial', finetuneEpochs: finetune } }],
  ['50% channels', { prune: { mode: 'channels', sparsity: 0.5, schedule: 'polynomial', finetuneEpochs: finetune } }],
  ['distillation', { distill: { student: suggestStudent(graph, 0.48), temperature: 4, alpha: 0.7, epochs, compareWithoutTeacher: true } }],
];
const results: Record<string, VariantReport[]> = {};
for (const [name, extra] of runs) {
  log(`${name}…`);
  results[name] = (await compressModel({ ...base, ...extra })).map((v) => v.report);
}

const pp = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`;
const get = (run: string, name: string) => results[run]!.find((r) => r.name === name)!;
const b = get('int8 PTQ', 'baseline');
const int8 = get('int8 PTQ', 'int8'), int8p = get('int8 PTQ (percentile)', 'int8');
const unstr = get('80% unstructured (per layer)', 'pruned'), glob = get('80% global', 'pruned'), qat = get('int8 QAT (1 epoch)', 'int8'), ch = get('50% channels', 'pruned');
const dist = get('distillation', 'distilled'), alone = get('distillation', 'student (no teacher)');
const targets = [
  { target: 'int8 PTQ ≤ 1 pp drop at ≥ 3.5× smaller weights (MinMax)', value: `${pp(int8.delta)}, ${(b.file.bytes / int8.file.bytes).toFixed(2)}× smaller`, met: int8.delta >= -0.01 && b.file.bytes / int8.file.bytes >= 3.5 },
  { target: 'int8 PTQ, percentile 99.99 calibration', value: `${pp(int8p.delta)}, ${(b.file.bytes / int8p.file.bytes).toFixed(2)}× smaller`, met: int8p.delta >= -0.01 && b.file.bytes / int8p.file.bytes >= 3.5 },
  { target: 'int8 QAT (1 epoch) ≤ 1 pp drop at ≥ 3.5× smaller weights', value: `${pp(qat.delta)}, ${(b.file.bytes / qat.file.bytes).toFixed(2)}× smaller`, met: qat.delta >= -0.01 && b.file.bytes / qat.file.bytes >= 3.5 },
  { target: '80% unstructured (global threshold) after fine-tuning ≤ 1 pp drop, ≥ 3× smaller gzipped', value: `${pp(glob.delta)}, ${(b.file.gzipBytes / glob.file.gzipBytes).toFixed(2)}× smaller gzipped`, met: glob.delta >= -0.01 && b.file.gzipBytes / glob.file.gzipBytes >= 3 },
  { target: '80% unstructured (per-layer threshold), same target', value: `${pp(unstr.delta)}, ${(b.file.gzipBytes / unstr.file.gzipBytes).toFixed(2)}× smaller gzipped`, met: unstr.delta >= -0.01 && b.file.gzipBytes / unstr.file.gzipBytes >= 3 },
  { target: '50% channel pruning: ≥ 40% fewer FLOPs within 2 pp', value: `${((1 - ch.flops / b.flops) * 100).toFixed(1)}% fewer FLOPs, ${pp(ch.delta)}`, met: 1 - ch.flops / b.flops >= 0.4 && ch.delta >= -0.02 },
  { target: 'student ≤ 1/4 params within 2 pp, better than without teacher', value: `${((dist.parameters / b.parameters) * 100).toFixed(1)}% of the params, ${pp(dist.delta)} (no teacher: ${pp(alone.delta)})`, met: dist.parameters <= b.parameters / 4 && dist.delta >= -0.02 && (dist.accuracy ?? 0) > (alone.accuracy ?? 0) },
];

if (json) {
  console.log(JSON.stringify({ samples, epochs, finetune, seed, results, targets }));
} else {
  const row = (r: VariantReport) => `| ${r.name} | ${r.parameters.toLocaleString('en-US')} | ${r.nonZeros.toLocaleString('en-US')} | ${r.flops.toLocaleString('en-US')} | ${r.file.format} | ${r.file.bytes.toLocaleString('en-US')} | ${r.file.gzipBytes.toLocaleString('en-US')} | ${((r.accuracy ?? 0) * 100).toFixed(2)}% | ${pp(r.delta)} | ${r.latencyMs.toFixed(3)} |`;
  console.log('\n| variant | params | non-zeros | FLOPs | weights | bytes | gzipped | accuracy | delta | CPU ms/sample |\n|---|---:|---:|---:|---|---:|---:|---:|---:|---:|');
  console.log(row(b));
  for (const [run, reports] of Object.entries(results)) for (const r of reports) if (r.name !== 'baseline') console.log(row({ ...r, name: `${run}: ${r.name}` }));
  console.log('\n| target | measured | met |\n|---|---|---|');
  for (const t of targets) console.log(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : 'no'} |`);
}
