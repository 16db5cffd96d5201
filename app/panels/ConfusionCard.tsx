/**
 * The confusion matrix of a classifier (rows: true class, columns: predicted), from the
 * engine's epoch events, as a table with cells shaded by their share of the row — accessible
 * as a real table. Shows a hint when the run has not produced one.
 */
import { useApp } from '../store/index.ts';

export function ConfusionCard() {
  const m = useApp((s) => s.metrics?.confusion ?? null);
  const total = m ? m.reduce((a, r) => a + r.reduce((b, v) => b + v, 0), 0) : 0;
  const correct = m ? m.reduce((a, r, i) => a + (r[i] ?? 0), 0) : 0;
  return (
    <section className="card confusion-card" aria-label="Confusion matrix">
      <h2 className="card-title">Confusion matrix</h2>
      {!m ? (
        <p className="muted small">Train a classifier to see which classes it confuses (validation set, updated each epoch).</p>
      ) : (
        <>
          <div className="confusion-wrap">
            <table className="confusion" aria-label={`Confusion matrix, ${correct} of ${total} correct`}>
              <thead>
                <tr>
                  <th scope="col" className="corner">true ╲ pred</th>
                  {m.map((_, j) => <th key={j} scope="col">{j}</th>)}
                </tr>
              </thead>
              <tbody>
                {m.map((row, i) => {
                  const sum = row.reduce((a, v) => a + v, 0) || 1;
                  return (
                    <tr key={i}>
                      <th scope="row">{i}</th>
                      {row.map((v, j) => (
                        <td key={j} className={i === j ? 'diag' : undefined} style={{ '--share': v / sum } as React.CSSProperties} title={`true ${i}, predicted ${j}: ${v} (${((v / sum) * 100).toFixed(1)}% of class ${i})`}>
                          {v}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="muted small">{total ? `${((correct / total) * 100).toFixed(1)}% correct (${correct} / ${total})` : ''}</p>
        </>
      )}
    </section>
  );
}
