// How parallel() cuts a job into chunks: every chunk at least one unit, all units covered in
// order, sizes falling from the first chunk to the last (the last ones are what a thread takes
// when it finishes early, so they are the wait at the join).
import { describe, expect, it } from 'vitest';
import { chunkStart } from './pool.ts';

const sizes = (n: number, units: number): number[] =>
  Array.from({ length: n }, (_, c) => chunkStart(c + 1, n, units) - chunkStart(c, n, units));

describe('chunkStart', () => {
  it('covers [0, units) with chunks of at least one unit, for every count the pool uses', () => {
    for (let n = 2; n <= 256; n++) {
      for (const units of [n, n + 1, n + 2, 2 * n - 1, 2 * n, 3 * n + 1, 10 * n, 1000, 4099]) {
        if (units < n) continue;
        expect(chunkStart(0, n, units)).toBe(0);
        expect(chunkStart(n, n, units)).toBe(units);
        const s = sizes(n, units);
        expect(Math.min(...s), `n ${n}, units ${units}`).toBeGreaterThanOrEqual(1);
        expect(s.reduce((a, b) => a + b, 0)).toBe(units);
      }
    }
  });

  it('falls from the first chunk to the last, the last about 40% of the first', () => {
    const s = sizes(8, 4096);
    for (let c = 1; c < s.length; c++) expect(s[c]).toBeLessThan(s[c - 1]);
    expect(s[7] / s[0]).toBeGreaterThan(0.35);
    expect(s[7] / s[0]).toBeLessThan(0.45);
    // A small job: 32 panels in 8 chunks.
    expect(sizes(8, 32)).toEqual([6, 5, 5, 4, 4, 3, 3, 2]);
  });
});
