/**
 * The essential training settings and the run controls: optimizer, learning rate, batch
 * size, epochs; how many samples the selected data trains and validates on; Train /
 * Pause·Resume / Stop; progress with samples/s and ETA. Train is
 * disabled while the graph has errors, and the reasons are listed beside it; clicking one
 * selects the node it is about; Custom Code not yet allowed to run blocks it too, and its
 * reason opens the code review. When the project has a trained model for this graph, Train
 * offers to continue from its weights (and optimizer state) or to start over. Every other
 * setting is in the Train view (TrainSettings).
 */
import { useId } from 'react';
import type { OptimizerName } from '../../engine/project/config.ts';
import { issueText } from '../canvas/convert.ts';
import { continueOnCpu, etaSeconds, pauseTraining, resumableCheckpoint, resumeTraining, startTraining, stopTraining } from '../actions/training.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { useUntrustedNodes } from '../actions/codeTrust.ts';
import { NumberField } from './NumberField.tsx';
import { useDataSplit } from './useDataset.ts';
import { splitText } from '../data/splitCounts.ts';

const MAX_LISTED = 4;

export const OPTIMIZERS: { id: OptimizerName; label: string }[] = [
  { id: 'adam', label: 'Adam' },
  { id: 'adamw', label: 'AdamW' },
  { id: 'sgd', label: 'SGD' },
  { id: 'rmsprop', label: 'RMSprop' },
  { id: 'adagrad', label: 'Adagrad' },
  { id: 'lion', label: 'Lion' },
];

export function formatEta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '';
  if (sec < 1) return '<1 s left';
  if (sec < 90) return `${Math.round(sec)} s left`;
  return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s left`;
}

function Progress() {
  const metrics = useApp((s) => s.metrics);
  const status = useApp((s) => s.status);
  const total = useApp((s) => s.totalEpochs);
  const training = useApp((s) => s.training);
  const split = useDataSplit();
  if (!metrics || (status !== 'running' && status !== 'paused')) return null;
  const eta = split ? etaSeconds(metrics, total, split.train, training.batchSize) : null;
  return (
    <p className="muted small run-progress" aria-live="off">
      {status === 'paused' ? 'Paused · ' : ''}
      {metrics.samplesPerSec ? `${Math.round(metrics.samplesPerSec).toLocaleString('en-US')} samples/s` : ''}
      {eta !== null && status === 'running' ? ` · ${formatEta(eta)}` : ''}
    </p>
  );
}

/** Continue from the current weights or start over (shown when there is a checkpoint to continue from). */
function TrainModeChoice({ disabled }: { disabled: boolean }) {
  const epoch = useApp((s) => resumableCheckpoint(s)?.meta.epoch ?? null);
  const mode = useApp((s) => s.trainMode);
  const more = useApp((s) => s.training.epochs);
  const name = useId();
  if (epoch === null) return null;
  const set = (trainMode: 'continue' | 'restart') => useApp.getState().patchRun({ trainMode });
  return (
    <fieldset className="train-mode" aria-label="Train from">
      <label className="small">
        <input type="radio" name={name} checked={mode === 'continue'} disabled={disabled} onChange={() => set('continue')} />
        Continue from the current weights <span className="muted">(epoch {epoch} → {epoch + more})</span>
      </label>
      <label className="small">
        <input type="radio" name={name} checked={mode === 'restart'} disabled={disabled} onChange={() => set('restart')} />
        Start over <span className="muted">(fresh weights)</span>
      </label>
    </fieldset>
  );
}

export function TrainCard() {
  const training = useApp((s) => s.training);
  const setTraining = useApp((s) => s.setTraining);
  const status = useApp((s) => s.status);
  const graph = useApp((s) => s.graph);
  const focusNode = useApp((s) => s.focusNode);
  const view = useApp((s) => s.view);
  const analysis = useAnalysis();
  const optId = useId();
  const running = status === 'running' || status === 'stopping' || status === 'paused';
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  const recovery = useApp((s) => s.recovery);
  const split = useDataSplit();
  const untrusted = useUntrustedNodes();
  const blocked = errors.length > 0 || untrusted.length > 0;

  return (
    <section className="card train-card" aria-label="Training">
      <h2 className="card-title">Training</h2>
      {/* First, so what stops Train is in sight however short the dock. */}
      {blocked && (
        <div className="train-blockers" id="train-blockers">
          <span className="muted small">Fix before training:</span>
          <ul aria-label="Problems">
            {untrusted.length > 0 && (
              <li>
                <button type="button" className="link issue-link" onClick={() => useApp.getState().openDialog('code-consent')}>
                  Custom Code {untrusted.map((n) => `‘${n.id}’`).join(', ')} has not been allowed to run: review it
                </button>
              </li>
            )}
            {errors.slice(0, MAX_LISTED).map((i, k) => (
              <li key={k}>
                {i.nodeId ? (
                  <button
                    type="button"
                    className="link issue-link"
                    onClick={() => {
                      useApp.getState().setPref('view', 'model');
                      focusNode(i.nodeId!);
                    }}
                  >
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
      <div className="train-grid">
        <div className="field">
          <label htmlFor={optId}>Optimizer</label>
          <select id={optId} value={training.optimizer} disabled={running} onChange={(e) => setTraining({ optimizer: e.target.value as OptimizerName })}>
            {OPTIMIZERS.map((o) => (
              <option key={o.id} value={o.id}>{o.label}</option>
            ))}
          </select>
        </div>
        <NumberField label="Learning rate" value={training.lr} min={1e-6} max={1000} step="any" disabled={running} onCommit={(v) => setTraining({ lr: v })} />
        <NumberField label="Batch size" value={training.batchSize} min={1} max={4096} int disabled={running} onCommit={(v) => setTraining({ batchSize: v })} />
        <NumberField label="Epochs" value={training.epochs} min={1} max={10000} int disabled={running} onCommit={(v) => setTraining({ epochs: v })} />
      </div>
      {split && <p className="muted small train-data" title="The selected data after its split">{splitText(split)}</p>}
      <TrainModeChoice disabled={running} />
      <div className="train-actions">
        <button
          type="button"
          className="primary"
          aria-label="Train"
          onClick={() => startTraining()}
          disabled={running || !analysis.ok || untrusted.length > 0}
          aria-describedby={blocked ? 'train-blockers' : undefined}
        >
          {status === 'running' ? 'Training…' : 'Train'}
        </button>
        {status === 'paused' ? (
          <button type="button" aria-label="Resume" onClick={resumeTraining}>Resume</button>
        ) : (
          <button type="button" aria-label="Pause" onClick={pauseTraining} disabled={status !== 'running'}>Pause</button>
        )}
        <button type="button" aria-label="Stop" onClick={stopTraining} disabled={status !== 'running' && status !== 'paused'}>
          {status === 'stopping' ? 'Stopping…' : 'Stop'}
        </button>
      </div>
      {recovery && !running && (
        <button type="button" className="primary" aria-label="Continue on CPU" onClick={continueOnCpu} title="The GPU was lost: train on from the last finished epoch's weights on the CPU">
          Continue on CPU from the last epoch
        </button>
      )}
      <Progress />
      {view === 'model' && !blocked && (
        <button type="button" className="link small more-settings" onClick={() => useApp.getState().setPref('view', 'train')}>
          All settings →
        </button>
      )}
    </section>
  );
}
