/**
 * `npx tsx scripts/distill-sweep.ts [--seed 3] [--samples 3000] [--epochs 16] [--grid 4:0.7,2:0.5,4:0.3]`:
 * why did the distilled LeNet-5 student lose to the same student without the teacher on seed 3
 * (docs/compression.md)? Trains the teacher as compress-measure.ts does, then the width-0.48
 * student once per temperature:alpha pair of the grid and once on the labels alone (same
 * epochs, same seed, same initial weights), and prints the accuracies on the same 600 rows.
 */
import { getTemplate } from '../engine/templates/index.ts';
import { runTraining } from '../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../engine/project/config.ts';
import { compressModel } from '../engine/compress/pipeline.ts';
import { suggestStudent } from '../engine/compress/distill.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const samples = Number(opt('samples', '3000')), epochs = Number(opt('epochs', '16')), seed = Number(opt('seed', '3'));
const grid = opt('grid', '4:0.7,2:0.5,4:0.3').split(',').map((p) => p.split(':').map(Number) as [number, number]);

const graph = getTemplate('lenet5')!.build();
const dataset: DatasetSpec = { kind: 'builtin', name: 'digits', samples, noise: 0.1, seed: 7 };
const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.001, batchSize: 32, epochs, seed, validationSplit: 0.2 };
const trained = await runTraining({ runId: 'sweep', graph, dataset, config, boundaryResolution: 0 }, { shouldStop: () => false, onEvent: () => {} });
const student = suggestStudent(graph, 0.48);
const pct = (a: number | undefined) => `${((a ?? 0) * 100).toFixed(2)}%`;
console.log(`seed ${seed}, ${epochs} epochs\n\n| student | accuracy | delta vs teacher |\n|---|---:|---:|`);
for (const [i, [temperature, alpha]] of grid.entries()) {
  const reports = (await compressModel({ graph, weights: trained.weights, dataset, config, latencyRuns: 1, distill: { student, temperature, alpha, epochs, compareWithoutTeacher: i === 0 } })).map((v) => v.report);
  if (i === 0) console.log(`| teacher | ${pct(reports[0]!.accuracy)} | |`);
  for (const r of reports.slice(1)) console.log(`| ${r.name === 'distilled' ? `T = ${temperature}, α = ${alpha}` : r.name} | ${pct(r.accuracy)} | ${(r.delta * 100).toFixed(2)} pp |`);
}
