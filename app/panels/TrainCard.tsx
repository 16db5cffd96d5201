/**
 * Training config and the Train / Stop buttons. Train is disabled while the graph has errors,
 * and the reasons are listed beside it; clicking one selects the node it is about.
 */
import { useId } from 'react';
import type { OptimizerName } from '../../engine/train/config.ts';
import { issueText } from '../canvas/convert.ts';
import { startTraining, stopTraining } from '../actions/training.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { NumberField } from './NumberField.tsx';

const MAX_LISTED = 4;

export function TrainCard() {
  const training = useApp((s) => s.training);
  const setTraining = useApp((s) => s.setTraining);
  const status = useApp((s) => s.status);
  const graph = useApp((s) => s.graph);
  const focusNode = useApp((s) => s.focusNode);
  const analysis = useAnalysis();
  const optId = useId();
  const running = status === 'running' || status === 'stopping';
  const errors = analysis.issues.filter((i) => i.severity === 'error');

  return (
    <section className="card train-card" aria-label="Training">
      <h2 className="card-title">Training</h2>
      <div className="train-grid">
        <div className="field">
          <label htmlFor={optId}>Optimizer</label>
          <select id={optId} value={training.optimizer} disabled={running} onChange={(e) => setTraining({ optimizer: e.target.value as OptimizerName })}>
            <option value="adam">Adam</option>
            <option value="sgd">SGD</option>
          </select>
        </div>
        <NumberField label="Learning rate" value={training.lr} min={1e-6} max={1000} step="any" disabled={running} onCommit={(v) => setTraining({ lr: v })} />
        <NumberField label="Batch size" value={training.batchSize} min={1} max={4096} int disabled={running} onCommit={(v) => setTraining({ batchSize: v })} />
        <NumberField label="Epochs" value={training.epochs} min={1} max={10000} int disabled={running} onCommit={(v) => setTraining({ epochs: v })} />
      </div>
      <div className="train-actions">
        <button
          type="button"
          className="primary"
          aria-label="Train"
          onClick={startTraining}
          disabled={running || !analysis.ok}
          aria-describedby={errors.length ? 'train-blockers' : undefined}
        >
          {status === 'running' ? 'Training…' : 'Train'}
        </button>
        <button type="button" aria-label="Stop" onClick={stopTraining} disabled={status !== 'running'}>
          {status === 'stopping' ? 'Stopping…' : 'Stop'}
        </button>
      </div>
      {errors.length > 0 && (
        <div className="train-blockers" id="train-blockers">
          <span className="muted small">Fix before training:</span>
          <ul aria-label="Problems">
            {errors.slice(0, MAX_LISTED).map((i, k) => (
              <li key={k}>
                {i.nodeId ? (
                  <button type="button" className="link issue-link" onClick={() => focusNode(i.nodeId!)}>
                    {issueText(i, graph)}
                  </button>
                ) : (
                  <span className="issue-link">{issueText(i, graph)}</span>
                )}
              </li>
            ))}
            {errors.length > MAX_LISTED && <li className="muted small">…and {errors.length - MAX_LISTED} more</li>}
          </ul>
        </div>
      )}
    </section>
  );
}
