/**
 * The run history of this project: every run with its settings and final metrics, kept in
 * IndexedDB. Tick runs to overlay their curves on the live charts and to highlight them on
 * the error-vs-compute chart; delete the ones you no longer need.
 */
import { useShallow } from 'zustand/react/shallow';
import { deleteRun } from '../actions/runHistory.ts';
import { finalError, runCompute } from '../actions/runRecords.ts';
import { formatCount } from '../canvas/convert.ts';
import { useApp } from '../store/index.ts';
import type { RunRecord } from '../store/runsSlice.ts';
import { RUN_COLORS } from './chart.ts';

const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);
const fmtLoss = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));

function describe(r: RunRecord): string {
  const c = r.config;
  const sched = c.scheduler && c.scheduler.type !== 'none' ? `, ${c.scheduler.type}` : '';
  return `${c.optimizer} lr ${c.lr}${sched}, batch ${c.batchSize}, ${c.epochs} ep`;
}

export function RunHistory() {
  const { runs, compare, current } = useApp(useShallow((s) => ({ runs: s.runs, compare: s.compare, current: s.runId })));
  const toggle = useApp((s) => s.toggleCompare);
  const remove = useApp((s) => s.removeRun);
  return (
    <section className="card runs-card" aria-label="Run history">
      <h2 className="card-title">Runs <span className="muted">{runs.length || ''}</span></h2>
      {runs.length === 0 ? (
        <p className="muted small">Each training run is kept here. Tick runs to compare their curves.</p>
      ) : (
        <ul className="run-list" aria-label="Runs">
          {[...runs].reverse().map((r) => {
            const k = compare.indexOf(r.id);
            const err = finalError(r);
            return (
              <li key={r.id} className={r.id === current ? 'current' : undefined}>
                <label className="run-pick" title={r.id === current ? 'The current run is always on the charts' : 'Overlay this run on the charts'}>
                  <input type="checkbox" checked={k >= 0} disabled={r.id === current || r.status === 'running'} onChange={() => toggle(r.id)} aria-label={`Compare ${r.name}`} />
                  <span className="run-swatch" style={{ background: k >= 0 ? RUN_COLORS[k % RUN_COLORS.length] : undefined }} aria-hidden="true" />
                </label>
                <div className="run-text">
                  <div>
                    <strong>{r.name}</strong> <span className={`run-status ${r.status}`}>{r.status}</span>
                  </div>
                  <div className="muted small">{describe(r)}</div>
                  <div className="small run-metrics">
                    loss {fmtLoss(r.final.valLoss ?? r.final.loss)} · acc {fmtPct(r.final.valAccuracy ?? r.final.accuracy)}
                    {err !== null && r.samplesSeen > 0 ? ` · ${formatCount(runCompute(r))} FLOPs` : ''}
                  </div>
                </div>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Delete ${r.name}`}
                  disabled={r.status === 'running'}
                  onClick={() => {
                    remove(r.id);
                    void deleteRun(r.id);
                  }}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
