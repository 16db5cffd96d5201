import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { parseCsv } from './csv.ts';
import { prepareStored } from './prepare.ts';
import { signatureOf, planTable } from '../project/dataPlan.ts';
import { summarize, columnInfo } from './summary.ts';
import { stratifiedSplit } from './partition.ts';
import { augmentBatch } from './augment.ts';
import { NO_AUGMENT, type StoredDataset, type StoredData } from '../project/dataTypes.ts';

const stored = (data: StoredData): StoredDataset => ({ id: 't', name: 't.csv', format: 'csv', bytes: 1, decodedBytes: 1, createdAt: '', data, notes: [] });

function irisLike(rows = 120): string {
  const rng = new Rng(3);
  const lines = ['sepal,petal,color,species'];
  const names = ['setosa', 'versicolor', 'virginica'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const petal = i === 5 ? 'NA' : (1 + 2 * k + rng.normal() * 0.3).toFixed(2);
    lines.push(`${(5 + k + rng.normal() * 0.4).toFixed(2)},${petal},${['red', 'blue'][i % 2]},${names[k]}`);
  }
  return lines.join('\n');
}

describe('preparation', () => {
  it('finds the label, one-hot encodes text features, splits stratified and normalises from train only', () => {
    const { table } = parseCsv(irisLike());
    const p = prepareStored(table, { valFraction: 0.2, testFraction: 0.1, seed: 4 });
    expect(p.classes).toBe(3);
    expect(p.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(p.featureNames).toEqual(['sepal', 'petal', 'color=red', 'color=blue']);
    expect(p.sampleShape).toEqual([4]);
    expect(p.train.rows + p.val!.rows + p.test!.rows).toBe(120);
    expect(p.val!.rows).toBe(24);
    expect(p.test!.rows).toBe(12);
    // Stratified: each class has 8 of the 24 validation rows.
    const counts = [0, 0, 0];
    for (const v of p.val!.y) counts[v]++;
    expect(counts).toEqual([8, 8, 8]);
    // Standardised with train statistics: train mean 0, sd 1 per numeric feature; one-hot untouched.
    for (const j of [0, 1]) {
      let s = 0, s2 = 0;
      for (let r = 0; r < p.train.rows; r++) {
        s += p.train.x[r * 4 + j];
        s2 += p.train.x[r * 4 + j] ** 2;
      }
      expect(s / p.train.rows).toBeCloseTo(0, 4);
      expect(Math.sqrt(s2 / p.train.rows)).toBeCloseTo(1, 3);
    }
    expect(new Set(Array.from({ length: p.train.rows }, (_, r) => p.train.x[r * 4 + 2]))).toEqual(new Set([0, 1]));
    expect(p.notes.join(' ')).toMatch(/filled with the training mean/);
    // The same prep gives the same split.
    const q = prepareStored(table, { valFraction: 0.2, testFraction: 0.1, seed: 4 });
    expect(Array.from(q.val!.x)).toEqual(Array.from(p.val!.x));
  });

  it('honours roles, min-max, drop-missing and regression', () => {
    const { table } = parseCsv(irisLike());
    const p = prepareStored(table, { label: 'sepal', roles: { color: 'ignore', species: 'ignore' }, normalize: 'minmax', missing: 'drop', valFraction: 0, testFraction: 0 });
    expect(p.classes).toBeNull();
    expect(p.featureNames).toEqual(['petal']);
    expect(p.train.rows).toBe(119);
    expect(p.train.y).toBeInstanceOf(Float32Array);
    expect(Math.min(...p.train.x)).toBeCloseTo(0);
    expect(Math.max(...p.train.x)).toBeCloseTo(1);
    expect(p.notes.join(' ')).toMatch(/1 row with missing values/);
  });

  it('computes the same signature from the preview as from the data', () => {
    const s = summarize(stored(parseCsv(irisLike()).table));
    expect(signatureOf(s, {})).toEqual({ sampleShape: [4], classes: 3 });
    expect(signatureOf(s, { roles: { color: 'ignore' } })).toEqual({ sampleShape: [2], classes: 3 });
    expect(signatureOf(s, { label: 'sepal', roles: { species: 'ignore' } })).toEqual({ sampleShape: [3], classes: null });
    expect(() => signatureOf(s, { label: 'species', roles: { sepal: 'ignore', petal: 'ignore', color: 'ignore' } })).toThrow(/no feature columns/);
  });

  it('reads integer labels with few values as classes and refuses huge one-hots', () => {
    const { table } = parseCsv('a,b\n' + Array.from({ length: 50 }, (_, i) => `${i},${i % 4}`).join('\n'));
    expect(planTable(table.columns.map(columnInfo), {}).classes).toBe(4);
    const ids = parseCsv('id,v,y\n' + Array.from({ length: 300 }, (_, i) => `u${i},${i},${i % 2}`).join('\n')).table;
    expect(() => planTable(ids.columns.map(columnInfo), {})).toThrow(/column 'id' has 300 different text values/);
  });

  it('prepares images: resize, gray, channels-first', () => {
    const n = 4, side = 8;
    const pixels = new Uint8Array(n * side * side * 3).map((_, i) => i % 256);
    const p = prepareStored({ kind: 'images', width: side, height: side, channels: 3, pixels, labels: Int32Array.from([0, 1, 0, 1]), classNames: ['a', 'b'] }, { imageSize: 4, color: 'gray', valFraction: 0, testFraction: 0, normalize: 'none', augment: { ...NO_AUGMENT, flip: true } });
    expect(p.sampleShape).toEqual([1, 4, 4]);
    expect(p.train.features).toBe(16);
    expect(p.augment?.flip).toBe(true);
    expect(Math.max(...p.train.x)).toBeLessThanOrEqual(1);
  });

  it('prepares HWC uint8 arrays as scaled CHW images', () => {
    const x = new Uint8Array(2 * 6 * 6 * 3).fill(255);
    const p = prepareStored({ kind: 'tensor', x, xShape: [2, 6, 6, 3], y: Int32Array.from([0, 1]), yShape: [2] }, { normalize: 'none', valFraction: 0, testFraction: 0 });
    expect(p.sampleShape).toEqual([3, 6, 6]);
    expect(p.train.x[0]).toBe(1);
    expect(() => prepareStored({ kind: 'tensor', x, xShape: [2, 6, 6, 3], y: null, yShape: [] })).toThrow(/no labels/);
  });

  it('splits keep at least one training row per class', () => {
    const s = stratifiedSplit(5, Int32Array.from([0, 0, 1, 2, 2]), 0.5, 0.5, 1);
    const train = new Set(Array.from(s.train, (r) => [0, 0, 1, 2, 2][r]));
    expect(train).toEqual(new Set([0, 1, 2]));
    expect(s.train.length + s.val.length + s.test.length).toBe(5);
  });
});

describe('augmentation', () => {
  it('flips exactly, is seeded, and leaves the batch unchanged when off', () => {
    const x = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i);
    const off = Float32Array.from(x);
    augmentBatch(off, 2, [1, 3, 3], NO_AUGMENT, null, new Rng(1));
    expect(Array.from(off)).toEqual(Array.from(x));
    const a = Float32Array.from(x), b = Float32Array.from(x);
    const cfg = { ...NO_AUGMENT, flip: true, rotation: 15, cropPadding: 1, brightness: 0.1, contrast: 0.2, noise: 0.05 };
    augmentBatch(a, 2, [1, 3, 3], cfg, null, new Rng(9));
    augmentBatch(b, 2, [1, 3, 3], cfg, null, new Rng(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(x));
    // Pure mirror: rows reversed left-right.
    for (let seed = 0; seed < 10; seed++) {
      const m = Float32Array.from(x.subarray(0, 9));
      augmentBatch(m, 1, [1, 3, 3], { ...NO_AUGMENT, flip: true }, null, new Rng(seed));
      const flipped = [2, 1, 0, 5, 4, 3, 8, 7, 6];
      expect([Array.from(x.subarray(0, 9)), flipped]).toContainEqual(Array.from(m));
    }
  });
});
