// The tabular playground (app/panels/tabularInput.ts: typed fields → raw row → stored
// preprocessing) predicts exactly what Evaluate scored: over the test split's raw rows, its
// predictions give the same confusion matrix and accuracy as the worker's evaluate, and its
// inputs equal the prepared inputs row for row.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { parseUpload, decodedBytes } from '../../engine/data/detect.ts';
import type { StoredDataset, TableData } from '../../engine/project/dataTypes.ts';
import { loadData, predictRows, runTraining } from '../../engine/train/session.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../../engine/project/config.ts';
import { defaultFields, describeRow, encodeFields, tableColumns } from '../../app/panels/tabularInput.ts';
import { evaluateRun } from './evaluate.ts';

async function upload(): Promise<StoredDataset> {
  // Three overlapping classes (so some test rows are misclassified), a categorical column, the label not last.
  const rows = ['kind,a,b,colour'];
  for (let i = 0; i < 240; i++) {
    const k = i % 3;
    rows.push(`${['alpha', 'beta', 'gamma'][k]},${[0, 1.2, 0][k]! + Math.sin(i * 7.1)},${[0, 0, 1.2][k]! + Math.cos(i * 3.3)},${['red', 'green'][i % 2]}`);
  }
  const bytes = new TextEncoder().encode(rows.join('\n'));
  const parsed = await parseUpload([{ name: 'kinds.csv', bytes }]);
  return { id: 'u1', name: 'kinds.csv', format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: '', data: parsed.data, notes: [] };
}

describe('tabular playground', () => {
  it('encodes typed fields as training did and predicts the same classes as Evaluate on the test rows', async () => {
    const stored = await upload();
    const io = { readUpload: async () => stored };
    const dataset: DatasetSpec = { kind: 'upload', id: 'u1', name: 'kinds.csv', prep: { label: 'kind' } };
    const graph = defaultGraph();
    graph.nodes.find((n) => n.type === 'Input')!.attrs.shape = [4];
    graph.nodes.find((n) => n.id === 'dense3')!.attrs.units = 3;
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.02, epochs: 4, batchSize: 16 };
    const out = await runTraining({ runId: 'r', graph, dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false, io });
    const pre = out.preprocessing!;
    expect(tableColumns(pre)!.map((c) => c.name)).toEqual(['a', 'b', 'colour']);
    expect(pre.classNames).toEqual(['alpha', 'beta', 'gamma']);
    expect(Object.keys(defaultFields(pre))).toEqual(['a', 'b', 'colour']);

    // Raw rows as a user would type them (numbers as text, categories by name).
    const t = stored.data as TableData;
    const fields = (r: number) => Object.fromEntries(t.columns.filter((c) => c.name !== 'kind').map((c) => [c.name, c.type === 'numeric' ? String(c.values[r]) : c.categories[c.codes[r]!]!]));
    const byInput = new Map<string, number>();
    for (let r = 0; r < t.rows; r++) byInput.set(Array.from(encodeFields(pre, fields(r))).join(), r);

    // The test split's rows, found among the raw rows by their prepared inputs.
    const data = await loadData(dataset, config, io);
    const test = data.test!;
    const rawIndex = Array.from({ length: test.rows }, (_, i) => byInput.get(Array.from(test.x.subarray(i * 4, i * 4 + 4)).join()));
    expect(rawIndex.every((r) => r !== undefined)).toBe(true);

    // The playground's path: fields → encoding → predict, row by row as the UI does.
    const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let i = 0; i < test.rows; i++) {
      const o = await predictRows(graph, out.weights, encodeFields(pre, fields(rawIndex[i]!)), 1);
      const predicted = o.indexOf(Math.max(...o));
      confusion[test.y[i]!]![predicted]!++;
    }
    const ev = await evaluateRun({ graph, weights: out.weights, dataset, config }, io);
    expect(ev.split).toBe('test');
    expect(ev.report.classNames).toEqual(['alpha', 'beta', 'gamma']);
    expect(confusion).toEqual(ev.report.confusion);
    const correct = confusion.reduce((a, row, k) => a + row[k]!, 0);
    expect(correct / test.rows).toBe(ev.report.accuracy);
    // Evaluate shows a worst sample in the table's own terms: the encoding read back.
    const f0 = fields(1);
    expect(describeRow(pre, encodeFields(pre, f0))).toEqual([`a = ${Number(Number(f0.a).toPrecision(4))}`, `b = ${Number(Number(f0.b).toPrecision(4))}`, `colour = ${f0.colour}`]);
    // A value the model cannot take is named, not guessed.
    expect(() => encodeFields(pre, { ...fields(0), a: 'x' })).toThrow(/'a' needs a number/);
    expect(() => encodeFields(pre, { ...fields(0), colour: 'blue' })).toThrow(/'colour' must be one of red, green/);
  });
});
