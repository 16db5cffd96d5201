/**
 * `npx tsx scripts/compress-measure-csv.ts [--rows 4000] [--epochs 12] [--finetune 4] [--seed 1] [--temperature 4] [--alpha 0.7] [--width 0.4] [--json] [--csv FILE]`:
 * issue #15's compression targets on an uploaded-CSV MLP. The script writes a customer table
 * (numeric and categorical columns, a few blank cells, a 4-class label drawn from noisy
 * non-linear scores, so the best possible accuracy is well under 100%) from a fixed seed, and
 * reads it through the real upload path — parseUpload (CSV detection and typing, as a drop in
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

/** mulberry32: the table is the same on every machine and run. */
function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A customer table: who is a churn risk, occasional, regular or loyal buyer. */
function customerCsv(n: number): { text: string; bayes: number } {
  const r = rng(20261206);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const pick = <T>(xs: readonly T[], w: readonly number[]) => {
    let u = r() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < xs.length; i++) if ((u -= w[i]!) <= 0) return xs[i]!;
    return xs[xs.length - 1]!;
  };
  const regions = ['north', 'south', 'east', 'west', 'overseas'] as const;
  const plans = ['free', 'basic', 'plus', 'premium'] as const;
  const devices = ['android', 'ios', 'web'] as const;
  const classes = ['churn_risk', 'occasional', 'regular', 'loyal'] as const;
  let bayes = 0;
  const lines = ['age,income_k,tenure_months,visits_30d,avg_basket,support_tickets,discount_rate,region,plan,device,newsletter,segment'];
  for (let i = 0; i < n; i++) {
    const age = Math.round(Math.min(80, Math.max(18, 41 + 13 * normal())));
    const income = Math.exp(3.8 + 0.45 * normal() + 0.006 * (age - 40));
    const tenure = Math.round(Math.min(120, Math.max(0, -30 * Math.log(1 - r()))));
    const region = pick(regions, [3, 3, 2, 2, 1]);
    const plan = pick(plans, [4, 3, 2, 1]);
    const device = pick(devices, [4, 3, 2]);
    const planLevel = plans.indexOf(plan);
    const visits = Math.max(0, Math.round(3 + 1.5 * planLevel + tenure / 25 + 2.5 * normal()));
    const basket = Math.max(2, 18 + 0.35 * income + 6 * normal() + (region === 'overseas' ? 12 : 0));
    const tickets = Math.max(0, Math.round(1.2 + 0.8 * normal() + (device === 'web' ? 0.6 : 0)));
    const discount = Math.min(0.6, Math.max(0, 0.1 + 0.08 * normal() + (plan === 'free' ? 0.05 : 0)));
    const newsletter = r() < 0.3 + 0.1 * planLevel ? 'yes' : 'no';
    // Class scores with interactions and a threshold-like tenure term; sampled, not argmaxed: label noise.
    const engage = 0.35 * visits + 0.02 * tenure + 0.4 * planLevel - 0.7 * tickets + (newsletter === 'yes' ? 0.5 : 0);
    const value = 0.03 * basket * (1 + planLevel / 3) + (tenure > 24 ? 1 : 0) - 4 * discount;
    const s = [
      1.5 * tickets - 0.25 * visits + (tenure < 6 ? 1.5 : 0) + (device === 'web' ? 0.4 : 0),
      1.5 + 0.3 * Math.abs(age - 35) / 10 - 0.1 * engage,
      0.5 * engage + 0.2 * value - 1,
      0.6 * engage + 0.6 * value + (age > 50 && planLevel >= 2 ? 1.2 : 0) - 4.5,
    ].map((v) => v * 1.6);
    const m = Math.max(...s);
    const p = s.map((v) => Math.exp(v - m));
    const label = pick(classes, p);
    bayes += Math.max(...p) / p.reduce((a, b) => a + b, 0);
    // A few blank cells, as real exports have: the default preparation fills them with the mean.
    const blank = (v: string) => (r() < 0.004 ? '' : v);
    lines.push([age, blank(income.toFixed(1)), tenure, visits, basket.toFixed(2), tickets, discount.toFixed(3), region, plan, device, newsletter, label].map(String).join(','));
  }
  return { text: lines.join('\n') + '\n', bayes: bayes / n };
}

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
