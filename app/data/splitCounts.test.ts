// The panels' sample counts follow the selected source, not the project's 2-D dataset.
import { describe, expect, it } from 'vitest';
import { dataSplit, noPlotText, splitText } from './splitCounts.ts';
import { DEFAULT_DATASET } from '../../engine/project/config.ts';
import type { DatasetSummary } from '../../engine/project/dataTypes.ts';

const circles = { ...DEFAULT_DATASET, samples: 400 };

describe('dataSplit', () => {
  it('the 2-D dataset and other built-ins split by the training config', () => {
    expect(dataSplit(null, circles, [], 0.2)).toEqual({ train: 320, val: 80, test: 0, exact: true });
    // Digits selected: its 2,000 samples, whatever the 2-D dataset's size.
    const digits = dataSplit({ kind: 'builtin', name: 'digits', samples: 2000, noise: 0.1, seed: 7 }, circles, [], 0.15);
    expect(digits).toEqual({ train: 1700, val: 300, test: 0, exact: true });
    expect(dataSplit({ kind: 'builtin', name: 'sine', samples: 401, noise: 0.1, seed: 7 }, circles, [], 0)).toEqual({ train: 401, val: 0, test: 0, exact: true });
  });

  it('an upload splits by its preparation; unknown while it is not loaded', () => {
    // What the data worker's summary says of a 90-row CSV with three balanced classes.
    const num = (name: string) => ({ name, type: 'numeric' as const, missing: 0, distinct: 90, integer: true, min: 0, max: 89, mean: 44.5 });
    const summary: DatasetSummary = {
      id: 'u', name: 'k.csv', format: 'csv', bytes: 1, decodedBytes: 1, rows: 90, notes: [],
      table: {
        head: [],
        columns: [num('a'), num('b'), { name: 'kind', type: 'categorical', missing: 0, distinct: 3, integer: false, categories: ['p', 'q', 'r'], histogram: ['p', 'q', 'r'].map((value) => ({ value, count: 30 })) }],
      },
    };
    const src = { kind: 'upload' as const, id: 'u', name: 'k.csv', prep: { label: 'kind', valFraction: 0.2, testFraction: 0.1 } };
    const s = dataSplit(src, circles, [summary], 0.5)!;
    expect(s).toEqual({ train: 63, val: 18, test: 9, exact: true });
    expect(splitText(s)).toBe('63 training samples · 18 validation · 9 test');
    expect(dataSplit(src, circles, [], 0.5)).toBeNull();
    // A prep that cannot work (no such label): no numbers rather than wrong ones.
    expect(dataSplit({ ...src, prep: { label: 'nope' } }, circles, [summary], 0.5)).toBeNull();
  });

  it('says why there is no 2-D plot', () => {
    expect(noPlotText([1, 28, 28])).toMatch(/1×28×28 images/);
    expect(noPlotText([4])).toMatch(/4 inputs per sample/);
  });
});
