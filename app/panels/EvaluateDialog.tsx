/**
 * The Evaluate view: the trained model scored on the test split (validation split when the
 * data has none) — loss and accuracy, per-class precision / recall / F1 with the class names,
 * the confusion matrix with names (scrolls, and gets compact from 10 classes), the
 * worst-classified samples (drawn as images for image data, in the table's own column values
 * for tables), or for regression MAE / MSE /
 * RMSE / R² and a predicted-vs-true plot. The scoring runs in the worker (actions/evaluation.ts).
 */
import { useEffect, useRef } from 'react';
import { evaluateModel } from '../actions/evaluation.ts';
import { useApp } from '../store/index.ts';
import type { EvaluateResult } from '../../workers/api.ts';
import { Dialog } from './Dialog.tsx';
import { imageShape } from './DrawPad.tsx';
import { drawSample, drawScatter } from './evalPlots.ts';
import { describeRow } from './tabularInput.ts';
import type { Preprocessing } from '../../engine/project/preprocessing.ts';
import { ConfusionTable, confusionTotals } from './ConfusionTable.tsx';

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
const SPLIT_NAMES: Record<EvaluateResult['split'], string> = { test: 'test split', validation: 'validation split (the data has no test split)', training: 'training data (the data has no held-out split)', given: 'given rows' };

export function EvaluateDialog() {
  const evaluation = useApp((s) => s.evaluation);
  const model = useApp((s) => s.model);
  const close = () => useApp.getState().openDialog(null);
  const stale = evaluation && evaluation.model !== model;
  return (
    <Dialog
      title="Evaluate"
      onClose={close}
      className="evaluate-dialog"
      actions={model ? <button type="button" onClick={() => evaluateModel(true)} disabled={evaluation?.status === 'running'}>Evaluate again</button> : undefined}
    >
      {!model && <p className="muted">Train the model first: Evaluate scores a trained model on data it has not seen.</p>}
      {model && (!evaluation || stale) && <p className="muted">Press “Evaluate again” to score the current model.</p>}
      {evaluation?.status === 'running' && !stale && <p className="muted" role="status">Scoring the model on the held-out data…</p>}
      {evaluation?.status === 'error' && !stale && <p className="run-message error" role="alert">Could not evaluate: {evaluation.message}</p>}
      {evaluation?.status === 'done' && !stale && <Report r={evaluation.result} pre={evaluation.model.preprocessing ?? null} int8={Boolean(evaluation.model.int8)} />}
    </Dialog>
  );
}

function Report({ r, pre, int8 }: { r: EvaluateResult; pre: Preprocessing | null; int8: boolean }) {
  const rep = r.report;
  return (
    <div className="eval-report">
      <p className="muted small">
        {rep.rows.toLocaleString('en-US')} samples of the {SPLIT_NAMES[r.split]}.
        {int8 && <> <span className="badge" data-testid="eval-int8">int8</span> Scored as the int8 model computes (int8 weights, quantized inputs), as the compression report did.</>}
      </p>
      <dl className="eval-metrics" aria-label="Test metrics">
        <div><dt>Loss</dt><dd>{num(rep.loss)}</dd></div>
        {rep.task === 'classification' && <div><dt>Accuracy</dt><dd>{pct(rep.accuracy)}</dd></div>}
        {rep.macro && <div><dt>Macro F1</dt><dd>{pct(rep.macro.f1)}</dd></div>}
        {rep.regression && (
          <>
            <div><dt>MAE</dt><dd>{num(rep.regression.mae)}</dd></div>
            <div><dt>MSE</dt><dd>{num(rep.regression.mse)}</dd></div>
            <div><dt>RMSE</dt><dd>{num(rep.regression.rmse)}</dd></div>
            <div><dt>R²</dt><dd>{num(rep.regression.r2)}</dd></div>
          </>
        )}
      </dl>
      {rep.perClass && <PerClass r={rep} />}
      {rep.confusion && <Confusion m={rep.confusion} names={rep.classNames ?? rep.confusion.map((_, i) => `class ${i}`)} />}
      {rep.worst && <Worst r={r} pre={pre} />}
      {rep.points && <Scatter pts={rep.points} />}
    </div>
  );
}

function PerClass({ r }: { r: EvaluateResult['report'] }) {
  return (
    <section aria-label="Per-class scores">
      <h3>Per class</h3>
      <div className="eval-scroll">
        <table className="eval-table" aria-label="Per-class precision, recall and F1">
          <thead>
            <tr><th scope="col">Class</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">Samples</th></tr>
          </thead>
          <tbody>
            {r.perClass!.map((c) => (
              <tr key={c.name}><th scope="row">{c.name}</th><td>{pct(c.precision)}</td><td>{pct(c.recall)}</td><td>{pct(c.f1)}</td><td>{c.support}</td></tr>
            ))}
          </tbody>
          {r.macro && (
            <tfoot>
              <tr><th scope="row">Macro average</th><td>{pct(r.macro.precision)}</td><td>{pct(r.macro.recall)}</td><td>{pct(r.macro.f1)}</td><td /></tr>
            </tfoot>
          )}
        </table>
      </div>
    </section>
  );
}

/** counts[true][predicted] with names on both axes; compact cells from 10 classes on. */
function Confusion({ m, names }: { m: number[][]; names: string[] }) {
  const { total, correct } = confusionTotals(m);
  return (
    <section aria-label="Test confusion matrix">
      <h3>Confusion matrix <span className="muted small">(rows: true class, columns: predicted)</span></h3>
      <div className="confusion-wrap eval-scroll">
        <ConfusionTable m={m} names={names} label={`Test confusion matrix, ${correct} of ${total} correct`} className={`confusion${m.length >= 10 ? ' compact' : ''}`} />
      </div>
    </section>
  );
}

/** A sample that is not an image: its raw column values (tables), else its first inputs. */
function features(x: Float32Array | undefined, pre: Preprocessing | null): string {
  if (!x) return '';
  const named = pre ? describeRow(pre, x) : null;
  if (named) return named.join(', ');
  return `${Array.from(x.subarray(0, 6)).map((v) => v.toFixed(2)).join(', ')}${x.length > 6 ? ', …' : ''}`;
}

function Worst({ r, pre }: { r: EvaluateResult; pre: Preprocessing | null }) {
  const worst = r.report.worst ?? [];
  const names = r.report.classNames ?? [];
  const img = imageShape(r.sampleShape);
  return (
    <section aria-label="Worst-classified samples">
      <h3>Worst-classified samples</h3>
      {worst.length === 0 ? <p className="muted small">Every sample was classified correctly.</p> : (
        <ul className="eval-worst">
          {worst.map((w, k) => (
            <li key={w.index}>
              {img ? <SampleImage x={r.worstInputs[k]!} shape={img} /> : <span className="mono small eval-features">{features(r.worstInputs[k], pre)}</span>}
              <span className="small">
                true <b>{names[w.trueClass] ?? w.trueClass}</b>, predicted <b>{names[w.predicted] ?? w.predicted}</b> ({pct(w.confidence)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SampleImage({ x, shape }: { x: Float32Array; shape: [number, number, number] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawSample(ref.current, x, shape);
  }, [x, shape]);
  return <canvas ref={ref} className="eval-sample" role="img" aria-label="Sample image" />;
}

function Scatter({ pts }: { pts: { true: number[]; predicted: number[] } }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawScatter(ref.current, pts, 280);
  }, [pts]);
  return (
    <section aria-label="Predicted against true values">
      <h3>Predicted vs true <span className="muted small">({pts.true.length} points; on the dashed line the prediction is exact)</span></h3>
      <canvas ref={ref} className="eval-scatter" data-testid="eval-scatter" data-points={pts.true.length} role="img" aria-label={`Predicted against true values, ${pts.true.length} points`} />
    </section>
  );
}
