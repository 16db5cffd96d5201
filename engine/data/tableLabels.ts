/**
 * A table's label column as one number per row, shared by the numeric and the text table
 * sources: class indices (text labels by category, numbers by sorted value) or regression
 * targets, NaN where the label is missing (the row is then dropped).
 */
import { FlowgradError } from '../core/errors.ts';
import type { TablePlan } from '../project/dataPlan.ts';
import type { TableData } from '../project/dataTypes.ts';

export const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

/** The note that says how many infinite cells became missing values. */
export function nonFiniteNote(n: number): string {
  return `${n} non-finite cell${n === 1 ? '' : 's'} (±Infinity) treated as missing.`;
}

export function tableLabels(t: TableData, plan: TablePlan): { yRaw: Float64Array; classNames: string[] | null } {
  const lc = t.columns[plan.label]!;
  let classNames: string[] | null = null;
  const yRaw = new Float64Array(t.rows);
  if (plan.task === 'classification') {
    if (lc.type === 'categorical') {
      classNames = lc.categories;
      for (let r = 0; r < t.rows; r++) yRaw[r] = lc.codes[r]! < 0 ? NaN : lc.codes[r]!;
    } else {
      const values = [...new Set(Array.from(lc.values).filter(Number.isFinite))].sort((a, b) => a - b);
      const index = new Map(values.map((v, i) => [v, i]));
      classNames = values.map(String);
      for (let r = 0; r < t.rows; r++) yRaw[r] = Number.isFinite(lc.values[r]) ? index.get(lc.values[r]!)! : NaN;
    }
  } else {
    if (lc.type !== 'numeric') throw new FlowgradError('bad-argument', `the label '${lc.name}' holds text: it can only be a classification target`);
    for (let r = 0; r < t.rows; r++) yRaw[r] = Number.isFinite(lc.values[r]) ? lc.values[r]! : NaN;
  }
  return { yRaw, classNames };
}
