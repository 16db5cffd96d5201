/**
 * counts[true][predicted] as an accessible table, cells shaded by their share of the row: the
 * training card's live matrix (class indices) and Evaluate's (class names) are this one table.
 */
import type React from 'react';

/** Rows and the diagonal of a confusion matrix. */
export function confusionTotals(m: number[][]): { total: number; correct: number } {
  return {
    total: m.reduce((a, r) => a + r.reduce((b, v) => b + v, 0), 0),
    correct: m.reduce((a, r, i) => a + (r[i] ?? 0), 0),
  };
}

export function ConfusionTable({ m, names, label, className = 'confusion' }: { m: number[][]; names: string[]; label: string; className?: string }) {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          <th scope="col" className="corner">true ╲ pred</th>
          {m.map((_, j) => <th key={j} scope="col" title={names[j]}>{names[j]}</th>)}
        </tr>
      </thead>
      <tbody>
        {m.map((row, i) => {
          const sum = row.reduce((a, v) => a + v, 0) || 1;
          return (
            <tr key={i}>
              <th scope="row" title={names[i]}>{names[i]}</th>
              {row.map((v, j) => (
                <td key={j} className={i === j ? 'diag' : undefined} style={{ '--share': v / sum } as React.CSSProperties}
                  title={`true ${names[i]}, predicted ${names[j]}: ${v} (${((v / sum) * 100).toFixed(1)}% of class ${names[i]})`}>
                  {v}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
