/**
 * What the model learned: the decision-boundary heatmap (class probability over the plane,
 * the data on top) and the metrics in words, with how the last run ended.
 */
import { useEffect, useRef } from 'react';
import { useApp } from '../store/index.ts';
import { drawPlot } from './plot2d.ts';
import { useDataset2D } from './useDataset.ts';

const fmtLoss = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);

export function ResultCard() {
  const dataset = useApp((s) => s.dataset);
  const boundary = useApp((s) => s.boundary);
  const metrics = useApp((s) => s.metrics);
  const status = useApp((s) => s.status);
  const totalEpochs = useApp((s) => s.totalEpochs);
  const runMessage = useApp((s) => s.runMessage);
  const data = useDataset2D(dataset);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const frame = requestAnimationFrame(() => drawPlot(c, data, boundary));
    return () => cancelAnimationFrame(frame);
  }, [data, boundary]);

  const running = status === 'running' || status === 'stopping';
  const progress = running && totalEpochs > 0 && metrics ? Math.min(1, metrics.epoch / totalEpochs) : null;

  return (
    <section className="card result-card" aria-label="Result">
      <h2 className="card-title">Decision boundary</h2>
      <div className="result-body">
        <canvas
          ref={canvas}
          className="boundary"
          data-testid="boundary-canvas"
          data-has-boundary={boundary ? 'true' : 'false'}
          role="img"
          aria-label={boundary ? 'Decision boundary of the trained model over the data' : 'The data; train to see the decision boundary'}
        />
        <div className="metrics" role="status" aria-label="Training metrics">
          <div className="metric">
            <span className="metric-value">Loss: {fmtLoss(metrics?.loss)}</span>
          </div>
          <div className="metric">
            <span className="metric-value">Accuracy: {fmtPct(metrics?.accuracy)}</span>
          </div>
          {metrics?.valAccuracy !== undefined && (
            <div className="metric small muted">
              Validation: {fmtLoss(metrics.valLoss)} · {fmtPct(metrics.valAccuracy)}
            </div>
          )}
          {metrics && (
            <div className="metric small muted">
              Epoch {metrics.epoch}
              {running && totalEpochs ? ` / ${totalEpochs}` : ''} · step {metrics.step}
              {metrics.samplesPerSec ? ` · ${Math.round(metrics.samplesPerSec).toLocaleString('en-US')} samples/s` : ''}
            </div>
          )}
          {progress !== null && (
            <div className="progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
              <div style={{ width: `${progress * 100}%` }} />
            </div>
          )}
          {status === 'idle' && !metrics && <p className="muted small">Press Train to fit the model to the data.</p>}
          {runMessage && <p className={`run-message ${runMessage.kind}`}>{runMessage.text}</p>}
        </div>
      </div>
    </section>
  );
}
