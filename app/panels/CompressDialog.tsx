/**
 * The Compress view: options (CompressOptions), Run with progress and Cancel, the live loss
 * curves of what trains (fine-tuning, distillation), then the report (CompressReport). The
 * work runs in the engine worker through actions/compression.ts; this only shows the store.
 */
import { useEffect, useRef } from 'react';
import { useApp } from '../store/index.ts';
import { readCompressForm } from '../actions/compressForm.ts';
import { cancelCompress, canvasStudent, restoreOriginal, startCompress } from '../actions/compression.ts';
import { Dialog } from './Dialog.tsx';
import { CompressOptions } from './CompressOptions.tsx';
import { CompressReport } from './CompressReport.tsx';
import { drawCurves } from './compressPlots.ts';

function Curves() {
  const curves = useApp((s) => s.compression.curves);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawCurves(ref.current, curves);
  }, [curves]);
  if (Object.keys(curves).length === 0) return null;
  return <canvas ref={ref} className="compress-curves" data-testid="compress-curves" role="img" aria-label="Training loss of the variants being trained" />;
}

function Progress() {
  const c = useApp((s) => s.compression);
  const curve = c.active ? c.curves[c.active] : undefined;
  const frac = curve && curve.totalSteps > 0 ? (curve.steps.at(-1) ?? 0) / curve.totalSteps : null;
  const what = c.status === 'cancelling' ? 'Cancelling…' : curve ? `Training ${c.active}: step ${curve.steps.at(-1)} of ${curve.totalSteps}` : (c.log.at(-1) ?? 'Measuring the trained model…');
  return (
    <div className="compress-progress" role="status" aria-label="Compression progress">
      <p className="small">{what} · {c.rows.length} variant{c.rows.length === 1 ? '' : 's'} measured</p>
      {frac !== null && (
        <div className="progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
          <div style={{ transform: `scaleX(${frac})` }} />
        </div>
      )}
    </div>
  );
}

export function CompressDialog() {
  const model = useApp((s) => s.model);
  const form = useApp((s) => s.compressForm);
  const c = useApp((s) => s.compression);
  useApp((s) => s.graph); // the canvas student follows the canvas
  const student = model ? canvasStudent() : null;
  const { errors } = readCompressForm(form, student);
  const busy = c.status === 'running' || c.status === 'cancelling';
  const training = useApp((s) => s.status === 'running' || s.status === 'paused' || s.status === 'stopping');
  const stale = !busy && c.model !== null && c.model !== model && c.original === null;
  const close = () => useApp.getState().openDialog(null);
  const actions = busy
    ? <button type="button" onClick={cancelCompress} disabled={c.status === 'cancelling'}>Cancel</button>
    : <button type="button" className="primary" onClick={() => void startCompress()} disabled={!model || training || Object.keys(errors).length > 0} title={!model ? 'Train the model first' : training ? 'Training is running' : undefined}>Compress</button>;
  return (
    <Dialog title="Compress" onClose={close} className="evaluate-dialog compress-dialog" actions={actions}>
      {!model && <p className="muted">Train the model first: Compress makes a trained model smaller (pruning, int8 / float16 quantization, distillation) and measures what each costs.</p>}
      {model?.int8 && !c.original && <p className="muted small">The project's model is int8: Compress starts from its dequantized float32 weights (the baseline row scores them in float32).</p>}
      {model && <CompressOptions errors={errors} hasCanvasStudent={!!student} disabled={busy} />}
      {busy && <Progress />}
      <Curves />
      {c.message && <p className={`run-message ${c.status === 'error' ? 'error' : 'info'}`} role={c.status === 'error' ? 'alert' : 'status'}>{c.message}</p>}
      {stale && c.rows.length > 0 && <p className="muted small">This report is of an earlier model: press Compress to compress the current one.</p>}
      {c.original && (
        <p className="small">
          The project's model is now <b>{c.kept}</b>{model?.int8 ? ', kept as int8: Evaluate, the playground and the exports compute it as int8' : ''}.{' '}
          <button type="button" className="link" onClick={restoreOriginal}>Restore the model from before compression</button>
        </p>
      )}
      <CompressReport rows={c.rows} variants={c.status === 'done' ? c.variants : null} kept={c.kept} />
    </Dialog>
  );
}
