/**
 * Train, Pause / Resume and Stop: sends the current graph, dataset and config to the engine
 * worker and folds its batched events into the store (metrics, the curves, the decision
 * boundary, the confusion matrix, errors pinned on nodes). Each run also becomes a record in
 * the run history (runRecords.ts). The UI never waits on a step: events arrive at most 20
 * times a second and the charts redraw on animation frames.
 */
import { getEngine, EngineError, type RunResult, type TrainEvent } from '../../workers/client.ts';
import { analyze } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import type { RunMetrics, RunSlice } from '../store/runSlice.ts';
import { pushEpoch, pushPoint, resetSeries, series } from '../store/series.ts';
import { beginRecord, finishRecord } from './runRecords.ts';
import { foldHistograms } from '../store/histograms.ts';
import { untrustedNodes } from './codeTrust.ts';
import { structureKey } from '../store/analysis.ts';
import type { AppState } from '../store/index.ts';
import type { Checkpoint } from '../../workers/api.ts';
import { keepModel, seriesFromHistory } from './modelStore.ts';

export const BOUNDARY_RESOLUTION = 48;
/** Bins per weight / gradient histogram (the dashboard's histogram card). */
export const HISTOGRAM_BINS = 30;
export const DIVERGED_MESSAGE = 'Training diverged (loss became NaN) — try a lower learning rate';

const pct = (a: number | undefined) => (a === undefined || !Number.isFinite(a) ? '' : `, accuracy ${(a * 100).toFixed(1)}%`);

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A confusion matrix in an epoch event, wherever the engine puts it (number[][] or flat + classes). */
export function confusionOf(e: unknown): number[][] | undefined {
  const o = e as { confusion?: unknown; metrics?: { confusion?: unknown; confusionMatrix?: unknown } };
  const c = o.metrics?.confusion ?? o.metrics?.confusionMatrix ?? o.confusion;
  if (Array.isArray(c) && c.every((r) => Array.isArray(r))) return c as number[][];
  const flat = c as { classes?: number; counts?: ArrayLike<number>; matrix?: ArrayLike<number> } | undefined;
  const counts = flat?.counts ?? flat?.matrix;
  if (flat && typeof flat.classes === 'number' && counts) {
    const k = flat.classes;
    return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => Number(counts[i * k + j] ?? 0)));
  }
  return undefined;
}

/** Folds one batch of events into a store patch. Pure apart from the series buffer. */
export function foldEvents(state: Pick<RunSlice, 'metrics' | 'boundary' | 'engineErrors' | 'runMessage'>, events: readonly TrainEvent[]): Partial<RunSlice> {
  let metrics = state.metrics;
  let boundary = state.boundary;
  let engineErrors = state.engineErrors;
  let runMessage = state.runMessage;
  for (const e of events) {
    if (e.type === 'step') {
      pushPoint(e.step, e.loss, e.metrics.accuracy, e.lr);
      metrics = { ...metrics, step: e.step, epoch: e.epoch, loss: e.loss, accuracy: e.metrics.accuracy ?? metrics?.accuracy, samplesPerSec: e.samplesPerSec, lr: e.lr };
    } else if (e.type === 'epoch') {
      pushEpoch(e.step, e.metrics.valLoss, e.metrics.valAccuracy);
      const confusion = confusionOf(e) ?? metrics?.confusion;
      metrics = { ...metrics, step: e.step, epoch: e.epoch, loss: e.loss, ...e.metrics, samplesPerSec: e.samplesPerSec, lr: e.lr, ...(confusion ? { confusion } : {}) };
      if (e.boundary) boundary = e.boundary;
    } else if (e.type === 'done') {
      if (Number.isFinite(e.loss)) metrics = { ...metrics, step: e.step, epoch: e.epoch, loss: e.loss, ...e.metrics };
      runMessage = doneMessage(e.reason, e.epoch, metrics, e.message);
    } else if (e.type === 'error') {
      if (e.nodeId) engineErrors = { ...engineErrors, [e.nodeId]: e.message };
      runMessage = { kind: 'error', text: e.message };
    }
  }
  return { metrics, boundary, engineErrors, runMessage };
}

function doneMessage(reason: RunResult['reason'] | string, epoch: number, m: RunMetrics | null, detail?: string): RunSlice['runMessage'] {
  switch (reason) {
    case 'diverged':
      return { kind: 'warn', text: DIVERGED_MESSAGE };
    case 'stopped':
      return { kind: 'info', text: `Stopped after epoch ${epoch}${m && Number.isFinite(m.loss) ? ` (loss ${m.loss.toFixed(4)}${pct(m.accuracy)})` : ''}.` };
    case 'error':
      return { kind: 'error', text: detail ?? 'Training failed.' };
    case 'earlyStopped':
    case 'early-stopped':
      return { kind: 'info', text: `Stopped early at epoch ${epoch} (validation loss stopped improving)${m && Number.isFinite(m.loss) ? `: loss ${m.loss.toFixed(4)}${pct(m.accuracy)}` : ''}.` };
    default:
      return { kind: 'info', text: `Finished ${epoch} epoch${epoch === 1 ? '' : 's'}${m && Number.isFinite(m.loss) ? `: loss ${m.loss.toFixed(4)}${pct(m.accuracy)}` : ''}.` };
  }
}

/**
 * The checkpoint Train can continue from: the current model's, when it was trained for the
 * graph on the canvas (node positions may have moved; the structure must be the same).
 */
export function resumableCheckpoint(s: Pick<AppState, 'model' | 'graph'>): Checkpoint | null {
  const ck = s.model?.checkpoint;
  if (!ck) return null;
  // Components ask on every store change: compare the structures once per (model, graph) pair.
  if (fits.model !== s.model || fits.graph !== s.graph) {
    fits = { model: s.model, graph: s.graph, ok: structureKey(s.model!.graph) === structureKey(s.graph) };
  }
  return fits.ok ? ck : null;
}
let fits: { model: unknown; graph: unknown; ok: boolean } = { model: null, graph: null, ok: false };

/** What training on from a model kept as int8 does (said when it finishes; docs/compression.md). */
export const INT8_CONTINUE_NOTE = 'It went on from the int8 model’s dequantized float32 weights, so the model is float32 again (the int8 state was dropped): compress it again for an int8 model.';

/**
 * Starts a run: from the current model's checkpoint when Train is set to continue and there
 * is one (it trains `epochs` more epochs; the curves go on from where they stopped), else
 * from fresh weights; `from` continues from given weights on a chosen backend (after a lost GPU).
 */
export function startTraining(from?: { weights: Uint8Array; backend: 'cpu' }): void {
  const s = useApp.getState();
  if (s.status === 'running' || s.status === 'stopping' || s.status === 'paused') return;
  if (!analyze(s.graph).ok) return;
  // One worker, one backend at a time: compression measures on the CPU.
  if (s.compression.status === 'running' || s.compression.status === 'cancelling') return s.notify('error', 'A compression is running (File → Compress…): cancel it or let it finish before training.');
  // Code from a link or file runs only once the user has read and allowed it.
  if (untrustedNodes(s.graph).length > 0) return s.openDialog('code-consent');
  const runId = newRunId();
  const graph = s.graph;
  const config = from ? { ...s.training, backend: from.backend } : s.training;
  const dataset = currentDatasetSpec(s);
  const resumeFrom = !from && s.trainMode === 'continue' ? resumableCheckpoint(s) : null;
  // int8 has no gradient to train: going on from an int8 model trains its dequantized float32 weights.
  const fromInt8 = Boolean(resumeFrom && s.model?.int8);
  if (resumeFrom) {
    // After a reload the curves are empty: draw the epochs trained so far first.
    if (series.step.length === 0) seriesFromHistory(resumeFrom.meta.history);
  } else {
    resetSeries();
  }
  s.patchRun({
    status: 'running', runId, startedAt: Date.now(), totalEpochs: (resumeFrom?.meta.epoch ?? 0) + config.epochs, metrics: resumeFrom ? s.metrics : null, boundary: null, runMessage: null,
    engineErrors: {}, seriesVersion: s.seriesVersion + 1, recovery: null, histograms: null, evaluation: null,
  });
  beginRecord(runId);
  const mine = () => useApp.getState().runId === runId;
  const onEvents = (events: TrainEvent[]) => {
    if (!mine()) return;
    const cur = useApp.getState();
    cur.patchRun({ ...foldEvents(cur, events), histograms: foldHistograms(cur.histograms, runId, events), seriesVersion: cur.seriesVersion + 1 });
  };
  getEngine()
    .train({
      runId, graph, dataset, config, boundaryResolution: BOUNDARY_RESOLUTION, histogramBins: HISTOGRAM_BINS,
      ...(from ? { initialWeights: from.weights } : {}), ...(resumeFrom ? { resumeFrom } : {}),
    }, onEvents)
    .then((result) => {
      if (!mine()) return;
      const cur = useApp.getState();
      const final = result.final;
      const patch: Partial<RunSlice> = { status: result.reason === 'error' ? 'error' : 'done' };
      if (final.type === 'error') {
        patch.runMessage = { kind: 'error', text: final.message };
        if (final.nodeId) patch.engineErrors = { ...cur.engineErrors, [final.nodeId]: final.message };
        // The GPU was lost: keep the last epoch's weights so the run can go on on the CPU.
        if (final.recoverable && result.weights) patch.recovery = { weights: result.weights };
      } else {
        patch.runMessage = doneMessage(final.reason, final.epoch, cur.metrics, final.message);
        const m = patch.runMessage;
        if (fromInt8) patch.runMessage = { kind: m?.kind ?? 'info', text: `${m ? `${m.text} ` : ''}${INT8_CONTINUE_NOTE}` };
      }
      // The final event may be delivered after the promise settles: take its metrics from it.
      const metrics = final.type === 'done' && Number.isFinite(final.loss)
        ? { ...cur.metrics, step: final.step, epoch: final.epoch, loss: final.loss, ...final.metrics }
        : cur.metrics;
      patch.metrics = metrics;
      if (result.weights && final.type !== 'error') {
        const model = { weights: result.weights, graph, dataset, metrics, config, checkpoint: result.checkpoint ?? null, preprocessing: result.preprocessing ?? null };
        patch.model = model;
        // What the resumed run could not carry over (a changed optimizer, seed or schedule).
        if (result.notes?.length && patch.runMessage) patch.runMessage = { ...patch.runMessage, text: `${patch.runMessage.text} Continued, but ${result.notes.join('; ')}.` };
        if (model.checkpoint) void keepModel(cur.projectId, model);
      }
      cur.patchRun(patch);
      finishRecord(runId, result.reason);
    })
    .catch((e: unknown) => {
      if (!mine()) return;
      const err = e instanceof EngineError ? e : new EngineError('internal', String((e as Error)?.message ?? e));
      const cur = useApp.getState();
      cur.patchRun({
        status: 'error',
        runMessage: { kind: 'error', text: err.code === 'internal' && /worker|import|fetch|module/i.test(err.message) ? `The training engine could not start: ${err.message}` : err.message },
        engineErrors: err.nodeId ? { ...cur.engineErrors, [err.nodeId]: err.message } : cur.engineErrors,
      });
      finishRecord(runId, 'error');
    });
}

export function pauseTraining(): void {
  const s = useApp.getState();
  if (s.status !== 'running' || !s.runId) return;
  s.patchRun({ status: 'paused' });
  getEngine().pause(s.runId).catch(() => useApp.getState().status === 'paused' && useApp.getState().patchRun({ status: 'running' }));
}

export function resumeTraining(): void {
  const s = useApp.getState();
  if (s.status !== 'paused' || !s.runId) return;
  s.patchRun({ status: 'running' });
  getEngine().resume(s.runId).catch(() => {});
}

/** After a lost GPU: train again on the CPU, starting from the last epoch's weights. */
export function continueOnCpu(): void {
  const r = useApp.getState().recovery;
  if (r) startTraining({ weights: r.weights, backend: 'cpu' });
}

export function stopTraining(): void {
  const s = useApp.getState();
  if ((s.status !== 'running' && s.status !== 'paused') || !s.runId) return;
  const runId = s.runId;
  if (s.status === 'paused') getEngine().resume(runId).catch(() => {});
  s.patchRun({ status: 'stopping' });
  getEngine().stop(runId).catch(() => {
    // The run may have just finished; its own promise settles the status.
  });
  // A worker that never answers must not leave the UI stuck in "Stopping…".
  setTimeout(() => {
    const cur = useApp.getState();
    if (cur.runId === runId && cur.status === 'stopping') {
      cur.patchRun({ status: 'error', runId: null, runMessage: { kind: 'error', text: 'The training engine did not respond to Stop; the run was abandoned.' } });
      finishRecord(runId, 'error');
    }
  }, STOP_GRACE_MS);
}

const STOP_GRACE_MS = 8000;

/** Seconds left in the run at the current speed (null when unknown). */
export function etaSeconds(m: RunMetrics | null, totalEpochs: number, trainSamples: number, batchSize: number): number | null {
  if (!m || !m.samplesPerSec || m.samplesPerSec <= 0 || totalEpochs <= 0 || trainSamples <= 0) return null;
  const left = Math.max(0, totalEpochs * trainSamples - m.step * batchSize);
  return left / m.samplesPerSec;
}
