/**
 * `npx tsx scripts/distill-regime.ts --case digits|csv [--seeds 1,2,3,4,5] [--teacher-epochs 16]
 *   [--epochs 8] [--train 3000] [--student-rows 3000] [--width 0.48] [--test 5000] [--grid 4:0.7,2:0.5]`:
 * issue #15's "distilled student better than the same student without the teacher", measured
 * so that a difference can be told from noise. Per seed it trains the teacher (on `--train`
 * rows, `--teacher-epochs`), then the student on the first `--student-rows` of those rows for
 * `--epochs`, once per temperature:alpha of the grid and once on the labels alone — every
 * student from the same seed, so the same initial weights and batch order — and scores them all
 * on a test set never trained on: digits from another generator seed (thousands of rows), or
 * the CSV's held-out test part of a larger table. Prints per-seed accuracies and, per grid
 * point, the mean ± sample standard deviation of (distilled − no teacher) and the wins.
 * Uses the same loss function the Compress view and the CLI use (engine/compress/distill.ts).
 */
import { makeDigits } from '../engine/data/digits.ts';
import { parseUpload, decodedBytes } from '../engine/data/detect.ts';
import type { DataIO } from '../engine/data/resolve.ts';
import type { ArrayDataset, StoredDataset } from '../engine/project/dataTypes.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import { getTemplate } from '../engine/templates/index.ts';
import { GraphBuilder } from '../engine/templates/build.ts';
import { analyzeGraph } from '../engine/graph/analyze.ts';
import { loadData } from '../engine/train/session.ts';
import { GraphModel } from '../engine/train/graphModel.ts';
import { fit } from '../engine/train/fit.ts';
import { manualSeed } from '../engine/ops/creation.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../engine/project/config.ts';
import { distillLossFn, suggestStudent } from '../engine/compress/distill.ts';
import { measureModel } from '../engine/compress/report.ts';
import { customerCsv } from './customer-csv.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const which = opt('case', 'digits');
const digits = which === 'digits';
const seeds = opt('seeds', '1,2,3,4,5').split(',').map(Number);
const teacherEpochs = Number(opt('teacher-epochs', digits ? '16' : '12'));
const epochs = Number(opt('epochs', digits ? '8' : '12'));
const trainRows = Number(opt('train', digits ? '3000' : '4000'));
const studentRows = Number(opt('student-rows', String(trainRows)));
const width = Number(opt('width', digits ? '0.48' : '0.4'));
const testRows = Number(opt('test', '5000'));
const grid = opt('grid', '4:0.7,2:0.5').split(',').map((p) => p.split(':').map(Number) as [number, number]);

const rowsOf = (d: ArrayDataset, n: number): ArrayDataset => ({ ...d, rows: Math.min(n, d.rows), x: d.x.subarray(0, Math.min(n, d.rows) * d.features), y: d.y.subarray(0, Math.min(n, d.rows)) });

async function loadCase(): Promise<{ graph: GraphJSON; train: ArrayDataset; test: ArrayDataset; lr: number; note: string }> {
  if (digits) {
    const shape = [1, 28, 28];
    const tr = makeDigits(trainRows, 0.1, 7), te = makeDigits(testRows, 0.1, 1007);
    // Another generator seed: the test digits are new draws, never trained on.
    return { graph: getTemplate('lenet5')!.build(), lr: 0.001, note: `digits: ${trainRows} training rows (generator seed 7), ${testRows} test rows (generator seed 1007)`,
      train: { x: tr.x, y: tr.y, rows: tr.y.length, features: 784, sampleShape: shape }, test: { x: te.x, y: te.y, rows: te.y.length, features: 784, sampleShape: shape } };
  }
  // A larger table than compress-measure-csv.ts's so that its held-out part has thousands of rows.
  const total = Math.round((trainRows + testRows) / 0.9);
  const { text, bayes } = customerCsv(total);
  const bytes = new TextEncoder().encode(text);
  const parsed = await parseUpload([{ name: 'customers.csv', bytes }]);
  const upload: StoredDataset = { id: 'file:customers.csv', name: 'customers.csv', format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: new Date(0).toISOString(), data: parsed.data, notes: parsed.notes };
  const io: DataIO = { readUpload: async () => upload };
  const d = await loadData({ kind: 'upload', id: upload.id, name: upload.name, prep: { label: 'segment', valFraction: 0.1, testFraction: testRows / total, seed: 7 } }, { validationSplit: 0.1, seed: 7 }, io);
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [d.train.features] }], ['dense1', 'Dense', { units: 128 }], ['relu1', 'ReLU'], ['dense2', 'Dense', { units: 64 }], ['relu2', 'ReLU'],
    ['dense3', 'Dense', { units: d.classes ?? 0 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return { graph: g.build(), lr: 0.001, train: d.train, test: d.test!, note: `customers.csv: ${total} rows, ${d.train.rows} train / ${d.test!.rows} test, best possible ≈ ${(bayes * 100).toFixed(1)}%` };
}

const c = await loadCase();
const student = suggestStudent(c.graph, width);
const params = (g: GraphJSON) => analyzeGraph(g).totalParams;
console.log(`${c.note}\nteacher ${params(c.graph)} params, ${teacherEpochs} epochs on ${c.train.rows} rows; student width ${width} (${((params(student) / params(c.graph)) * 100).toFixed(1)}%), ${epochs} epochs on ${Math.min(studentRows, c.train.rows)} rows`);
const studentTrain = rowsOf(c.train, studentRows);
const cfg = (seed: number, e: number): TrainConfig => ({ ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: c.lr, batchSize: 32, epochs: e, seed, validationSplit: 0 });
const acc = async (m: GraphModel, seed: number) => (await measureModel(m, c.test, cfg(seed, 1), 1)).accuracy ?? 0;
const pct = (a: number) => `${(a * 100).toFixed(2)}%`;

const names = ['no teacher', ...grid.map(([t, a]) => `T = ${t}, α = ${a}`)];
console.log(`\n| seed | teacher | ${names.join(' | ')} |\n|---|---:|${names.map(() => '---:').join('|')}|`);
const diffs: number[][] = grid.map(() => []);
for (const seed of seeds) {
  manualSeed(seed);
  const teacher = new GraphModel(c.graph);
  await fit(teacher, c.train, null, cfg(seed, teacherEpochs));
  teacher.eval();
  const row = [await acc(teacher, seed)];
  for (const alpha of [0, ...grid.map(([, a]) => a)].map((a, i) => [a, i] as const)) {
    const [a, i] = alpha;
    manualSeed(seed);
    const s = new GraphModel(student);
    try {
      await fit(s, studentTrain, null, cfg(seed, epochs), { loss: distillLossFn(s, teacher, { temperature: i === 0 ? 1 : grid[i - 1]![0], alpha: a }) });
      s.eval();
      row.push(await acc(s, seed));
    } finally {
      s.dispose();
    }
  }
  teacher.dispose();
  for (let g = 0; g < grid.length; g++) diffs[g]!.push(row[g + 2]! - row[1]!);
  console.log(`| ${seed} | ${row.map(pct).join(' | ')} |`);
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / Math.max(1, v.length - 1));
console.log(`\n| distilled − no teacher | mean ± sd | wins / ties / losses |\n|---|---:|---:|`);
for (const [g, [t, a]] of grid.entries()) {
  const d = diffs[g]!;
  console.log(`| T = ${t}, α = ${a} | ${(mean(d) * 100).toFixed(2)} ± ${(sd(d) * 100).toFixed(2)} pp | ${d.filter((x) => x > 0).length} / ${d.filter((x) => x === 0).length} / ${d.filter((x) => x < 0).length} |`);
}
