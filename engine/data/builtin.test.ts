import { describe, expect, it, vi } from 'vitest';
import { BUILTINS, builtinSignature, makeBuiltin } from './builtin.ts';
import { DataLoader } from './loader.ts';
import { yieldToHost } from '../core/host.ts';
import { resolveDataset, sanitizePrep } from './resolve.ts';
import { parseCsv } from './csv.ts';
import { NO_AUGMENT, type StoredDataset } from '../project/dataTypes.ts';

/** Nearest-centroid accuracy on held-out rows: a floor on how learnable the data is. */
function centroidAccuracy(x: Float32Array, y: Int32Array, f: number, classes: number, trainRows: number): number {
  const c = new Float64Array(classes * f), n = new Float64Array(classes);
  for (let r = 0; r < trainRows; r++) {
    n[y[r]]++;
    for (let j = 0; j < f; j++) c[y[r] * f + j] += x[r * f + j];
  }
  for (let k = 0; k < classes; k++) for (let j = 0; j < f; j++) c[k * f + j] /= Math.max(1, n[k]);
  let hits = 0;
  for (let r = trainRows; r < y.length; r++) {
    let best = 0, bestD = Infinity;
    for (let k = 0; k < classes; k++) {
      let d = 0;
      for (let j = 0; j < f; j++) d += (x[r * f + j] - c[k * f + j]) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    }
    if (best === y[r]) hits++;
  }
  return hits / (y.length - trainRows);
}

describe('built-in datasets', () => {
  it('every catalog entry generates data matching its signature, deterministically', () => {
    for (const b of BUILTINS) {
      const g = makeBuiltin(b.name, { samples: 50, noise: b.noise, seed: 3 });
      expect(g.sampleShape).toEqual(b.signature.sampleShape);
      expect(g.classes).toBe(b.signature.classes);
      expect(g.x.length).toBe(g.rows * g.sampleShape.reduce((a, c) => a * c, 1));
      const again = makeBuiltin(b.name, { samples: 50, noise: b.noise, seed: 3 });
      expect(Array.from(again.x.subarray(0, 50))).toEqual(Array.from(g.x.subarray(0, 50)));
    }
    expect(builtinSignature('blobs-7')).toEqual({ sampleShape: [2], classes: 7 });
  });

  it('synthetic digits are balanced, varied and learnable (but not trivially)', () => {
    const g = makeBuiltin('digits', { samples: 2000, noise: 0.1, seed: 1 });
    const y = g.y as Int32Array;
    const counts = new Array(10).fill(0);
    for (const v of y) counts[v]++;
    expect(Math.min(...counts)).toBe(200);
    const acc = centroidAccuracy(g.x, y, 784, 10, 1600);
    expect(acc).toBeGreaterThan(0.5);
    expect(acc).toBeLessThan(0.99);
    // Ink covers a plausible part of the image.
    let ink = 0;
    for (let i = 0; i < 784; i++) ink += g.x[i] > 0.5 ? 1 : 0;
    expect(ink).toBeGreaterThan(25);
    expect(ink).toBeLessThan(400);
  });

  it('blobs and sine look like what they say', () => {
    const b = makeBuiltin('blobs-3', { samples: 300, noise: 0.3, seed: 2 });
    expect(centroidAccuracy(b.x, b.y as Int32Array, 2, 3, 200)).toBeGreaterThan(0.9);
    const s = makeBuiltin('sine', { samples: 100, noise: 0, seed: 2 });
    expect(s.y[0]).toBeCloseTo(Math.sin(2 * s.x[0]), 5);
  });
});

describe('loader', () => {
  const data = { x: Float32Array.from({ length: 10 * 4 }, (_, i) => i), y: Int32Array.from({ length: 10 }, (_, i) => i), rows: 10, features: 4 };

  it('covers every row once per epoch, seeded, with a smaller last batch', () => {
    const l = new DataLoader(data, { batchSize: 4, seed: 5, sampleShape: [1, 2, 2] });
    const batches = [...l.epoch(0)];
    expect(batches.map((b) => b.rows)).toEqual([4, 4, 2]);
    expect(batches[0].xShape).toEqual([4, 1, 2, 2]);
    expect(batches.flatMap((b) => Array.from(b.y)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Rows stay whole: x row r is 4r..4r+3.
    const b0 = batches[0];
    expect(b0.x[0]).toBe(b0.y[0] * 4);
    const same = [...new DataLoader(data, { batchSize: 4, seed: 5 }).epoch(0)].flatMap((b) => Array.from(b.y));
    expect(same).toEqual(batches.flatMap((b) => Array.from(b.y)));
    const other = [...l.epoch(1)].flatMap((b) => Array.from(b.y));
    expect(other).not.toEqual(same);
    expect(new DataLoader(data, { batchSize: 4, dropLast: true }).batchesPerEpoch).toBe(2);
  });

  it('streams the same batches with prefetch, and augments only when asked', async () => {
    const l = new DataLoader(data, { batchSize: 3, seed: 2, sampleShape: [1, 2, 2], augment: { ...NO_AUGMENT, noise: 0.5 } });
    const sync = [...new DataLoader(data, { batchSize: 3, seed: 2 }).epoch(0)];
    const streamed = [];
    for await (const b of l.stream(0)) streamed.push(b);
    expect(streamed.map((b) => Array.from(b.y))).toEqual(sync.map((b) => Array.from(b.y)));
    expect(Array.from(streamed[0].x)).not.toEqual(Array.from(sync[0].x));
    // Each batch owns its buffers (transferable).
    expect(streamed[0].x.buffer).not.toBe(streamed[1].x.buffer);
  });

  it('builds batch k+1 while the consumer of batch k awaits, and no further ahead', async () => {
    const built = vi.spyOn(DataLoader.prototype as unknown as { build(): unknown }, 'build');
    try {
      const it = new DataLoader(data, { batchSize: 4, seed: 1 }).stream(0)[Symbol.asyncIterator]();
      expect((await it.next()).value.index).toBe(0);
      expect(built).toHaveBeenCalledTimes(1);
      // The consumer's step awaits something (a GPU readback): batch 1 is built meanwhile.
      await yieldToHost();
      await yieldToHost();
      expect(built).toHaveBeenCalledTimes(2);
      await yieldToHost();
      expect(built).toHaveBeenCalledTimes(2);
      expect((await it.next()).value.index).toBe(1);
      await yieldToHost();
      expect(built).toHaveBeenCalledTimes(3);
      expect((await it.next()).value.index).toBe(2);
      expect((await it.next()).done).toBe(true);
      expect(built).toHaveBeenCalledTimes(3);
    } finally {
      built.mockRestore();
    }
  });
});

describe('resolveDataset', () => {
  const io = (d: StoredDataset | null) => ({ readUpload: async (id: string) => (d && d.id === id ? d : Promise.reject(new Error('not found'))) });

  it('generates built-ins with the training config split', async () => {
    const p = await resolveDataset({ kind: 'builtin2d', name: 'circles', samples: 100, noise: 0.1, seed: 1 }, io(null), { validationSplit: 0.2, seed: 1 });
    expect(p.train.rows + p.val!.rows).toBe(100);
    expect(p.signature).toEqual({ sampleShape: [2], classes: 2 });
    expect(p.extent).toEqual([-6, 6, -6, 6]);
    const d = await resolveDataset({ kind: 'builtin', name: 'digits', samples: 100, noise: 0.1, seed: 1 }, io(null));
    expect(d.sampleShape).toEqual([1, 28, 28]);
    expect(d.val).toBeNull();
  });

  it('prepares uploads by id, and says when the upload is gone', async () => {
    const { table } = parseCsv('a,b,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${i * 2},${i % 2 ? 'odd' : 'even'}`).join('\n'));
    const stored: StoredDataset = { id: 'u1', name: 'n.csv', format: 'csv', bytes: 10, decodedBytes: 10, createdAt: '', data: table, notes: [] };
    const p = await resolveDataset({ kind: 'upload', id: 'u1', name: 'n.csv', prep: { valFraction: 0.25, testFraction: 0 } }, io(stored));
    expect(p.classes).toBe(2);
    expect(p.val!.rows).toBe(10);
    await expect(resolveDataset({ kind: 'upload', id: 'gone', name: 'old.csv' }, io(stored))).rejects.toThrow(/'old\.csv' is not stored here any more/);
  });

  it('sanitizes a prep from untrusted JSON', () => {
    expect(sanitizePrep({ normalize: 'weird', valFraction: 5, roles: { a: 'label', b: 'nope' }, augment: { flip: true, rotation: 999 } })).toEqual({
      roles: { a: 'label' }, valFraction: 0.9, augment: { ...NO_AUGMENT, flip: true, rotation: 180 },
    });
  });
});
