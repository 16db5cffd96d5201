// Evaluation on the held-out test split of an upload (per-class scores, confusion matrix
// with the label's names, worst samples), the stored preprocessing reproducing the prepared
// inputs from raw table rows, and regression reports.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../graph/format.ts';
import { parseUpload, decodedBytes } from '../data/detect.ts';
import type { StoredDataset, TableData } from '../project/dataTypes.ts';
import { encodeTableRow } from '../project/preprocessing.ts';
import { classificationReport, regressionReport } from '../metrics/report.ts';
import { runTraining, loadData } from './session.ts';
import { evaluateProject } from './evaluation.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../project/config.ts';

async function csvUpload(): Promise<StoredDataset> {
  const rows = ['width,height,colour,kind'];
  for (let i = 0; i < 200; i++) {
    const k = i % 2;
    rows.push(`${(k ? 3 : -3) + Math.sin(i) * 2},${Math.cos(i * 3) * 10 + 50},${['red', 'blue', 'green'][i % 3]},${k ? 'pear' : 'apple'}`);
  }
  const bytes = new TextEncoder().encode(rows.join('\n'));
  const parsed = await parseUpload([{ name: 'fruit.csv', bytes }]);
  return { id: 'u1', name: 'fruit.csv', format: parsed.format, bytes: bytes.byteLength, decodedBytes: decodedBytes(parsed.data), createdAt: '', data: parsed.data, notes: [] };
}

describe('evaluation', () => {
  it('scores the test split with class names, and the stored preprocessing maps raw rows to the same inputs', async () => {
    const upload = await csvUpload();
    const io = { readUpload: async () => upload };
    const dataset: DatasetSpec = { kind: 'upload', id: 'u1', name: 'fruit.csv', prep: { label: 'kind' } };
    const graph = defaultGraph();
    graph.nodes.find((n) => n.type === 'Input')!.attrs.shape = [5];
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', lr: 0.02, epochs: 8, batchSize: 16 };
    const out = await runTraining({ runId: 'r', graph, dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false, io });
    const pre = out.preprocessing!;
    expect(pre).toMatchObject({ kind: 'table', task: 'classification', classNames: ['apple', 'pear'], label: 'kind', featureNames: ['width', 'height', 'colour=red', 'colour=blue', 'colour=green'] });
    const ev = await evaluateProject({ graph, weights: out.weights, dataset, config }, io);
    expect(ev.split).toBe('test');
    expect(ev.report.rows).toBe(30);
    expect(ev.report.classNames).toEqual(['apple', 'pear']);
    expect(ev.report.perClass!.map((c) => c.support).reduce((a, b) => a + b, 0)).toBe(30);
    expect(ev.report.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(ev.report.accuracy).toBeGreaterThan(0.9);
    // Raw rows through the stored preprocessing == the prepared rows the model was trained on.
    const data = await loadData(dataset, config, io);
    const t = upload.data as TableData;
    const raw = (r: number) => Object.fromEntries(t.columns.map((c) => [c.name, c.type === 'numeric' ? c.values[r]! : c.categories[c.codes[r]!]!]));
    const prepared = new Set<string>();
    for (const d of [data.train, data.val!, data.test!]) for (let r = 0; r < d.rows; r++) prepared.add(Array.from(d.x.subarray(r * 5, r * 5 + 5)).join());
    for (let r = 0; r < t.rows; r++) expect(prepared.has(Array.from(encodeTableRow(pre, raw(r))).join())).toBe(true);
    expect(() => encodeTableRow(pre, { ...raw(0), colour: 'purple' })).toThrow(/'colour' must be one of red, blue, green/);
    expect(() => encodeTableRow(pre, { ...raw(0), width: 'wide' })).toThrow(/'width' needs a number/);
  });

  it('per-class precision/recall/F1 and the worst samples from known predictions', () => {
    // 4 rows, 3 classes: rows 0,1 right; row 2 (class 2) predicted 0; row 3 (class 1) predicted 1.
    const pred = Float32Array.from([0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.7, 0.1, 0.2, 0.2, 0.6, 0.2]);
    const r = classificationReport(pred, Int32Array.from([0, 1, 2, 1]), { classes: 3, loss: 0.5, classNames: ['a', 'b', 'c'] });
    expect(r.accuracy).toBe(0.75);
    expect(r.perClass!.map((c) => [c.name, c.precision, c.recall, c.support])).toEqual([['a', 0.5, 1, 1], ['b', 1, 1, 2], ['c', 0, 0, 1]]);
    expect(r.confusion).toEqual([[1, 0, 0], [0, 2, 0], [1, 0, 0]]);
    expect(r.worst).toEqual([{ index: 2, trueClass: 2, predicted: 0, pTrue: expect.closeTo(0.2, 6) as unknown as number, confidence: expect.closeTo(0.7, 6) as unknown as number }]);
  });

  it('regression metrics and predicted-vs-true points', () => {
    const r = regressionReport(Float32Array.from([1, 2, 4]), Float32Array.from([1, 3, 5]), 3, 0.1);
    expect(r.regression!.mae).toBeCloseTo(2 / 3, 12);
    expect(r.regression!.mse).toBeCloseTo(2 / 3, 12);
    expect(r.regression!.r2).toBeCloseTo(1 - 2 / 8, 12);
    expect(r.points).toEqual({ true: [1, 3, 5], predicted: [1, 2, 4] });
  });
});
