// The data dialog's line about infinite cells: counted over feature and label columns (not
// ignored ones), with what the missing-value policy does to them.
import { describe, expect, it } from 'vitest';
import type { ColumnSummary } from '../../engine/project/dataTypes.ts';
import { nonFiniteText } from './nonFinite.ts';

const col = (name: string, nonFinite?: number): ColumnSummary => ({ name, type: 'numeric', missing: 0, distinct: 10, integer: false, ...(nonFinite ? { nonFinite } : {}) });

describe('nonFiniteText', () => {
  const cols = [col('a', 2), col('b', 1), col('c', 5), col('y')];
  it('counts feature columns and names the policy', () => {
    expect(nonFiniteText(cols, ['feature', 'feature', 'ignore', 'label'], 'mean')).toBe('3 non-finite cells treated as missing (filled with the training mean).');
    expect(nonFiniteText(cols, ['feature', 'ignore', 'ignore', 'label'], 'zero')).toBe('2 non-finite cells treated as missing (filled with zero).');
    expect(nonFiniteText(cols, ['ignore', 'feature', 'ignore', 'label'], 'drop')).toBe('1 non-finite cell treated as missing (their rows left out).');
  });
  it('label-only infinities drop their rows whatever the policy; none: no line', () => {
    expect(nonFiniteText(cols, ['label', 'ignore', 'ignore', 'feature'], 'mean')).toBe('2 non-finite cells treated as missing (rows without a label are left out).');
    expect(nonFiniteText([col('a'), col('y')], ['feature', 'label'], 'mean')).toBeNull();
  });
});
