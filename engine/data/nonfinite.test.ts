// Infinite cells in a table (inf, -Infinity, +INF, ...) are missing values under the chosen
// policy, not numbers: before, standardising a column with one inf cell shifted every row of
// it by ∞ (NaN features everywhere). The preview counts them apart from min/max/mean, and
// preparation reports how many it treated as missing.
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { prepareStored } from './prepare.ts';
import { summarizeColumn } from './summary.ts';
import { cellNumber } from './table.ts';

/** 40 rows, a = 1..40 (cells 3, 17 and 30 infinite), b = 2a, label alternating p/q. */
function csv(): string {
  const lines = ['a,b,label'];
  for (let i = 1; i <= 40; i++) {
    const a = i === 3 ? 'inf' : i === 17 ? '-Infinity' : i === 30 ? '+INF' : String(i);
    lines.push(`${a},${2 * i},${i % 2 ? 'p' : 'q'}`);
  }
  return lines.join('\n');
}

const allFinite = (x: Float32Array) => x.every(Number.isFinite);

describe('non-finite table cells', () => {
  it('parse as ±Infinity in any common spelling, and NaN as missing', () => {
    expect(['inf', 'Inf', '+inf', 'INFINITY', 'Infinity'].map(cellNumber)).toEqual(Array(5).fill(Infinity));
    expect(['-inf', '-Infinity', '-INF'].map(cellNumber)).toEqual(Array(3).fill(-Infinity));
    expect(cellNumber('NAN')).toBeNaN();
    expect(cellNumber('info')).toBeNull();
  });

  it('the column summary counts them apart; min/max/mean are of the finite values', () => {
    const { table } = parseCsv(csv());
    const s = summarizeColumn(table.columns[0]);
    expect(s.type).toBe('numeric');
    expect(s.nonFinite).toBe(3);
    expect([s.min, s.max]).toEqual([1, 40]);
    expect(s.mean).toBeCloseTo((820 - 3 - 17 - 30) / 37, 10);
  });

  it('mean policy: filled with the training mean, all features finite and standardised, count reported', () => {
    const { table } = parseCsv(csv());
    const p = prepareStored(table, { missing: 'mean', normalize: 'standardize', valFraction: 0, testFraction: 0 });
    expect(p.train.rows).toBe(40);
    expect(allFinite(p.train.x)).toBe(true);
    expect(p.nonFinite).toBe(3);
    expect(p.notes).toContain('3 non-finite cells (±Infinity) treated as missing.');
    expect(p.notes.join(' ')).toMatch(/filled with the training mean/);
    // Rows by their b (= 2i, undone from its standardisation): the filled ones sit at a's mean (0).
    const st = p.stats!;
    expect(st.shift[0]).toBeCloseTo((820 - 50) / 37, 4);
    for (let r = 0; r < 40; r++) {
      const i = Math.round((p.train.x[r * 2 + 1] * st.scale[1] + st.shift[1]) / 2);
      const a = p.train.x[r * 2] * st.scale[0] + st.shift[0];
      expect(a).toBeCloseTo([3, 17, 30].includes(i) ? st.shift[0] : i, 3);
    }
  });

  it('zero and drop policies', () => {
    const { table } = parseCsv(csv());
    const z = prepareStored(table, { missing: 'zero', normalize: 'none', valFraction: 0, testFraction: 0 });
    expect(allFinite(z.train.x)).toBe(true);
    expect(Array.from({ length: 40 }, (_, r) => z.train.x[r * 2]).filter((v) => v === 0)).toHaveLength(3);
    const d = prepareStored(table, { missing: 'drop', normalize: 'standardize', valFraction: 0, testFraction: 0 });
    expect(d.train.rows).toBe(37);
    expect(allFinite(d.train.x)).toBe(true);
    expect(d.nonFinite).toBe(3);
    expect(d.notes.join(' ')).toMatch(/Left out 3 rows with missing values/);
  });

  it('an infinite regression label leaves its row out like a missing label', () => {
    const { table } = parseCsv(csv());
    const r = prepareStored(table, { label: 'a', task: 'regression', roles: { label: 'ignore' }, valFraction: 0, testFraction: 0 });
    expect(r.train.rows).toBe(37);
    expect(r.train.y.every(Number.isFinite)).toBe(true);
    expect(r.nonFinite).toBe(3);
    expect(r.notes.join(' ')).toMatch(/Left out 3 rows without a label/);
  });
});
