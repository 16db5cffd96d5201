// The measured CSV goes through the real upload path as the doc says: CSV detection, column
// typing, one-hot categories and the blank cells filled, into 21 features and 4 classes.
import { describe, expect, it } from 'vitest';
import { parseUpload } from '../engine/data/detect.ts';
import { prepareStored } from '../engine/data/prepare.ts';
import { customerCsv } from './customer-csv.ts';

describe('customerCsv', () => {
  it('is the same table on every call, with blank cells and label noise', () => {
    const a = customerCsv(4000), b = customerCsv(4000);
    expect(a.text).toBe(b.text);
    const rows = a.text.trim().split('\n').slice(1);
    expect(rows).toHaveLength(4000);
    expect(rows.some((r) => r.split(',').includes(''))).toBe(true);
    expect(a.bayes).toBeGreaterThan(0.5);
    expect(a.bayes).toBeLessThan(0.9);
  });

  it('parses and prepares as an upload: 21 features, 4 classes, no row lost to the blanks', async () => {
    const { text } = customerCsv(4000);
    const parsed = await parseUpload([{ name: 'customers.csv', bytes: new TextEncoder().encode(text) }]);
    expect(parsed.format).toBe('csv');
    const d = prepareStored(parsed.data, { label: 'segment', seed: 7 });
    expect(d.classes).toBe(4);
    expect([...(d.classNames ?? [])].sort()).toEqual(['churn_risk', 'loyal', 'occasional', 'regular']);
    expect(d.train.features).toBe(21);
    expect(d.train.rows + (d.val?.rows ?? 0) + (d.test?.rows ?? 0)).toBe(4000);
    expect(d.train.x.every(Number.isFinite)).toBe(true);
  });
});
