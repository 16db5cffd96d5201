/**
 * `npx tsx scripts/compress-measure-csv.ts [--rows 4000] [--epochs 12] [--finetune 4] [--seed 1] [--temperature 4] [--alpha 0.7] [--width 0.4] [--json] [--csv FILE]`:
 * issue #15's compression targets on an uploaded-CSV MLP. The script writes a customer table
 * (customer-csv.ts: numeric and categorical columns, a few blank cells, a noisy 4-class label)
 * from a fixed seed, and reads it through the real upload path — parseUpload (CSV detection and typing, as a drop in
 * the IDE or `--data FILE` in the CLI), then the stored-data preparation with its defaults
 * (one-hot categories, blank cells filled with the training mean, standardised on the training
 * rows, stratified 70/15/15 split whose test part the variants are scored on). It trains Input → 128 → 64 → classes (ReLU) and runs the
 * same variants and target rules as the LeNet-5 case (compress-measure-runs.ts).
 * `--csv FILE` also writes the generated table, to drop it in the IDE.
 */
import { writeFileSync } from 'node:fs';
import { parseUpload, decodedBytes } from '../engine/data/detect.ts';
import type { DataIO } from '../engine/data/resolve.ts';
import type { StoredDataset } from '../engine/project/dataTypes.ts';
import { GraphBuilder } from '../engine/templates/build.ts';
import { analyzeGraph } from '../engine/graph/analyze.ts';
import { loadData, runTraining } from '../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../engine/project/config.ts';
import type { CompressJob } from '../engine/compress/pipeline.ts';
import { suggestStudent } from '../engine/compress/distill.ts';
import { measureCompression, printMeasured } from './compress-measure-runs.ts';
import { customerCsv } from './customer-csv.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rows = flag('rows', 4000), epochs = flag('epochs', 12), finetune = flag('finetune', 4), seed = flag('seed', 1), width = flag('width', 0.4);
const temperature = flag('temperature', 4), alpha = flag('alpha', 0.7);
const json = args.includes('--json');
const csvOut = args.includes('--csv') ? args[args.indexOf('--csv') + 1] : undefined;
const log = (s: string) => (json ? console.error(s) : console.log(s));

const { text, bayes } = customerCsv(rows);
if (csvOut) writeFileSync(csvOut, text);
const name = 'customers.csv';
const bytes = new TextEncoder().encode(text);
// The CLI's readDataFile (engine/cli/main.ts): the app's data worker parsers on the file's bytes.
const parsed = await parseUpload([{ name, bytes }]);
const upload: StoredDataset = { id: `file:${name}`, name, format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: new Date(0).toISOString(), data: parsed.data, notes: parsed.notes };
const io: DataIO = { readUpload: async () => upload };
// The default preparation but for a fixed split seed: every training seed is scored on the same 600 test rows.
const dataset: DatasetSpec = { kind: 'upload', id: upload.id, name, prep: { label: 'segment', valFraction: 0.15, testFraction: 0.15, seed: 7 } };
const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.001, batchSize: 32, epochs, seed, validationSplit: 0.15 };

const data = await loadData(dataset, config, io);
const classes = data.classes ?? 0;
if (classes < 2) throw new Error(`the label column was not read as classes (${classes})`);
const g = new GraphBuilder();
g.chain(null, ['input', 'Input', { shape: [data.train.features] }], ['dense1', 'Dense', { units: 128 }], ['relu1', 'ReLU'], ['dense2', 'Dense', { units: 64 }], ['relu2', 'ReLU'],
  ['dense3', 'Dense', { units: classes }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
const graph = g.build();
const student = suggestStudent(graph, width);
const params = (x: typeof graph) => analyzeGraph(x).totalParams;
log(`${name}: ${rows} rows, ${bytes.byteLength.toLocaleString('en-US')} bytes; the best possible accuracy (the labels' own noise) is ${(bayes * 100).toFixed(1)}%`);
log(`prepared: ${data.train.rows} train / ${data.val?.rows ?? 0} validation / ${data.test?.rows ?? 0} test rows, ${data.train.features} features, ${classes} classes (${data.classNames?.join(', ')})`);
log(`MLP ${data.train.features}→128→64→${classes}: ${params(graph)} parameters; student at width ${width}: ${params(student)} (${((params(student) / params(graph)) * 100).toFixed(1)}%)`);
log(`training (${epochs} epochs, seed ${seed})…`);
const trained = await runTraining({ runId: 'measure-csv', graph, dataset, config, boundaryResolution: 0 }, { io, shouldStop: () => false, onEvent: () => {} });
const base: Omit<CompressJob, 'prune' | 'quantize' | 'distill'> = { graph, weights: trained.weights, dataset, config, latencyRuns: 50 };

const measured = await measureCompression({ base, io, student, epochs, finetune, temperature, alpha, log });

if (json) console.log(JSON.stringify({ rows, epochs, finetune, seed, width, bayes, features: data.train.features, classes, testRows: data.test?.rows ?? 0, ...measured }));
else printMeasured(measured);
