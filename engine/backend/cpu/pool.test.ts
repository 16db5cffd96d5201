// How parallel() cuts a job into chunks: every chunk at least one unit, all units covered in
// order, sizes largest at either end and smallest in the middle (the calling thread claims
// from the first chunk, the pool threads from the last, so the middle ones are what a thread
// takes when it finishes early: the wait at the join).
import { describe, expect, it } from 'vitest';
import { chunkStarts } from './pool.ts';

const sizes = (n: number, units: number): number[] => {
  const s = new Array<number>(n + 1);
  chunkStarts(n, units, s);
  return Array.from({ length: n }, (_, c) => s[c + 1] - s[c]);
};

describe('chunkStarts', () => {
  it('covers [0, units) with chunks of at least one unit, for every count the pool uses', () => {
    for (let n = 2; n <= 256; n++) {
      for (const units of [n, n + 1, n + 2, 2 * n - 1, 2 * n, 3 * n + 1, 10 * n, 1000, 4099]) {
        if (units < n) continue;
        const s = sizes(n, units);
        expect(Math.min(...s), `n ${n}, units ${units}`).toBeGreaterThanOrEqual(1);
        expect(s.reduce((a, b) => a + b, 0)).toBe(units);
      }
    }
  });

  it('falls from either end to the middle, the middle ones about half the end ones', () => {
    const s = sizes(8, 4096);
    for (let c = 1; c < 4; c++) expect(s[c]).toBeLessThan(s[c - 1]);
    for (let c = 4; c < 7; c++) expect(s[c]).toBeLessThan(s[c + 1]);
    expect(s[0]).toBe(s[7]);
    expect(s[3] / s[0]).toBeGreaterThan(0.5);
    expect(s[3] / s[0]).toBeLessThan(0.65);
    // A small job: 32 panels in 8 chunks.
    expect(sizes(8, 32)).toEqual([5, 4, 4, 3, 3, 4, 4, 5]);
  });
});
