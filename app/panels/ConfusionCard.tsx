/**
 * The confusion matrix of a classifier (rows: true class, columns: predicted), from the
 * engine's epoch events, as a table with cells shaded by their share of the row — accessible
 * as a real table; compact from six classes, and scrolling inside the card rather than
 * spilling out of it (ten digit classes). Shows a hint when the run has not produced one.
 */
import { useApp } from '../store/index.ts';
import { ConfusionTable, confusionTotals } from './ConfusionTable.tsx';

export function ConfusionCard() {
  const m = useApp((s) => s.metrics?.confusion ?? null);
  const { total, correct } = m ? confusionTotals(m) : { total: 0, correct: 0 };
  return (
    <section className="card confusion-card" aria-label="Confusion matrix">
      <h2 className="card-title">Confusion matrix</h2>
      {!m ? (
        <p className="muted small">Train a classifier to see which classes it confuses (validation set, updated each epoch).</p>
      ) : (
        <>
          <div className="confusion-wrap">
            <ConfusionTable m={m} names={m.map((_, i) => String(i))} label={`Confusion matrix, ${correct} of ${total} correct`} className={`confusion${m.length > 5 ? ' compact' : ''}`} />
          </div>
          <p className="muted small">{total ? `${((correct / total) * 100).toFixed(1)}% correct (${correct} / ${total})` : ''}</p>
        </>
      )}
    </section>
  );
}
