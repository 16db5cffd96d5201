// The split sizes the panels show before anything is split (plan.ts, builtin.ts) are the sizes
// the real splits produce: stratifiedSplit for uploads, splitDataset for built-ins.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { builtinSplitSizes, splitSizes, uploadSplitSizes } from '../project/dataPlan.ts';
import { BUILTINS, builtinClassCounts, makeBuiltin } from './builtin.ts';
import { stratifiedSplit } from './partition.ts';
import { splitDataset } from './split.ts';
import { resolveDataset } from './resolve.ts';
import { prepareStored } from './prepare.ts';
import { parseCsv } from './csv.ts';
import { summarize } from './summary.ts';
import { parseUpload } from './detect.ts';
import { classZip, npyBytes } from './fixtures.ts';
import type { DataPrep, StoredData, StoredDataset } from '../project/dataTypes.ts';

const stored = (data: StoredData): StoredDataset => ({ id: 't', name: 't', format: 'csv', bytes: 1, decodedBytes: 1, createdAt: '', data, notes: [] });
const sizesOf = (p: { train: { rows: number }; val: { rows: number } | null; test?: { rows: number } | null }) => ({ train: p.train.rows, val: p.val?.rows ?? 0, test: p.test?.rows ?? 0 });

describe('split sizes', () => {
  it('splitSizes equals stratifiedSplit for random class counts and fractions', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const counts = Array.from({ length: 1 + rng.int(6) }, () => rng.int(40));
      const labels = Int32Array.from(counts.flatMap((n, c) => Array<number>(n).fill(c)));
      const val = rng.uniform(0, 0.6), test = rng.uniform(0, 0.6);
      const s = stratifiedSplit(labels.length, labels, val, test, trial);
      expect(splitSizes(counts, val, test)).toEqual({ train: s.train.length, val: s.val.length, test: s.test.length });
    }
  });

  it('every built-in: class counts and builtinSplitSizes match what the session trains on', async () => {
    for (const b of BUILTINS) {
      for (const [samples, validationSplit] of [[b.samples, 0.2], [37, 0.3], [b.samples, 0]] as const) {
        const spec = { samples, noise: b.noise, seed: 7 };
        const counts = builtinClassCounts(b.name, spec);
        const g = makeBuiltin(b.name, spec);
        expect(counts.reduce((a, n) => a + n, 0)).toBe(g.rows);
        // Per-token labels (tagging): the rows form one group, as splitDataset splits them.
        if (g.classes && !g.labelsPerSample) expect(counts).toEqual(Array.from({ length: g.classes }, (_, c) => Array.from(g.y).filter((v) => v === c).length));
        const p = await resolveDataset({ kind: b.kind, name: b.name as never, ...spec }, { readUpload: () => Promise.reject(new Error('none')) }, { validationSplit, seed: 1 });
        expect(builtinSplitSizes(counts, validationSplit), b.name).toEqual(sizesOf(p));
      }
    }
    // Too few rows, or a fraction that leaves a part empty: no split, as splitDataset does.
    const tiny = { x: new Float32Array(6), y: Int32Array.from([0, 1, 0]), rows: 3, features: 2 };
    expect(splitDataset(tiny, 0.5, 1).val).toBeNull();
    expect(builtinSplitSizes([2, 1], 0.5)).toEqual({ train: 3, val: 0, test: 0 });
  });

  it('uploads: tables (labels missing, regression), images and arrays match prepareStored', async () => {
    const rng = new Rng(2);
    const lines = ['a,b,kind,target'];
    for (let i = 0; i < 97; i++) lines.push(`${rng.normal()},${i % 7 === 0 ? '' : rng.normal()},${i % 11 === 0 ? '' : ['x', 'y', 'z', 'w'][i % 4]},${i * 0.5}`);
    const table = parseCsv(lines.join('\n')).table;
    const summary = summarize(stored(table));
    const preps: DataPrep[] = [
      { label: 'kind', valFraction: 0.2, testFraction: 0.1 },
      { label: 'kind', valFraction: 0.15, testFraction: 0.15, roles: { target: 'ignore' } },
      { label: 'target', valFraction: 0.25, testFraction: 0 },
    ];
    for (const prep of preps) {
      const got = uploadSplitSizes(summary, prep);
      expect(got.exact).toBe(true);
      expect({ train: got.train, val: got.val, test: got.test }).toEqual(sizesOf(prepareStored(table, prep)));
    }
    // 'drop' with missing feature values: the summary cannot know which classes lose rows.
    expect(uploadSplitSizes(summary, { label: 'kind', missing: 'drop' }).exact).toBe(false);

    const images = (await parseUpload([{ name: 's.zip', bytes: classZip(7, 3, 8) }])).data;
    const imgPrep: DataPrep = { imageSize: 8, valFraction: 0.2, testFraction: 0.2 };
    const imgSizes = uploadSplitSizes(summarize(stored(images)), imgPrep);
    expect({ ...imgSizes, exact: undefined }).toEqual({ ...sizesOf(prepareStored(images, imgPrep)), exact: undefined });

    const x = Float32Array.from({ length: 50 * 3 }, (_, i) => i % 5);
    const y = Int32Array.from({ length: 50 }, (_, i) => (i * 7) % 4);
    const arrays = (await parseUpload([{ name: 'x.npy', bytes: npyBytes(x, [50, 3]) }, { name: 'y.npy', bytes: npyBytes(y, [50], '<i4') }])).data;
    const arrSizes = uploadSplitSizes(summarize(stored(arrays)), { valFraction: 0.3 }, { valFraction: 0.5 });
    expect({ train: arrSizes.train, val: arrSizes.val, test: arrSizes.test }).toEqual(sizesOf(prepareStored(arrays, { valFraction: 0.3 })));
  });
});
