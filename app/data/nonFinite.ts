/**
 * What the data dialog says about infinite cells (±Infinity, "inf") in a table: preparation
 * treats them as missing values under the chosen policy (engine/data/prepare.ts), so the
 * dialog counts them over the columns that take part and names what happens to them.
 */
import type { ColumnRole, ColumnSummary, DataPrep } from '../../engine/project/dataTypes.ts';

const POLICY: Record<NonNullable<DataPrep['missing']>, string> = {
  mean: 'filled with the training mean',
  zero: 'filled with zero',
  drop: 'their rows left out',
};

/** "3 non-finite cells treated as missing (filled with the training mean)", or null when there are none. */
export function nonFiniteText(columns: readonly ColumnSummary[], roles: readonly ColumnRole[], missing: DataPrep['missing']): string | null {
  let n = 0, label = 0;
  columns.forEach((c, i) => {
    if (roles[i] === 'ignore') return;
    n += c.nonFinite ?? 0;
    if (roles[i] === 'label') label += c.nonFinite ?? 0;
  });
  if (n === 0) return null;
  const what = label === n ? 'rows without a label are left out' : POLICY[missing ?? 'mean'];
  return `${n} non-finite cell${n === 1 ? '' : 's'} treated as missing (${what}).`;
}
