/**
 * Train and Stop: sends the current graph, dataset and config to the engine worker and folds
 * its batched events into the store (metrics, the loss/accuracy series, the decision
 * boundary, errors pinned on nodes). The UI never waits on a step: events arrive at most 20
 * times a second and the chart redraws on animation frames.
 */
import { getEngine, EngineError, type RunResult, type TrainEvent } from '../../workers/client.ts';
import { analyze } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import type { RunMetrics, RunSlice } from '../store/runSlice.ts';
import { pushPoint, resetSeries } from '../store/series.ts';

export const BOUNDARY_RESOLUTION = 48;
export const DIVERGED_MESSAGE = 'Training diverged (loss became NaN) — try a lower learning rate';

const pct = (a: number | undefined) => (a === undefined || !Number.isFinite(a) ? '' : `, accuracy ${(a * 100).toFixed(1)}%`);

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Folds one batch of events into a store patch. Pure apart from the series buffer. */
export function foldEvents(state: Pick<RunSlice, 'metrics' | 'boundary' | 'engineErrors' | 'runMessage'>, events: readonly TrainEvent[]): Partial<RunSlice> {
  let metrics = state.metrics;
  let boundary = state.boundary;
  let engineErrors = state.engineErrors;
  let runMessage = state.runMessage;
  for (const e of events) {
    if (e.type === 'step') {
      pushPoint(e.step, e.loss, e.metrics.accuracy);
      metrics = { ...metrics, step: e.step, epoch: e.epoch, loss: e.loss, accuracy: e.metrics.accuracy ?? metrics?.accuracy, samplesPerSec: e.samplesPerSec };
    } else if (e.type === 'epoch') {
      metrics = { ...metrics, step: e.step, epoch: e.epoch, loss: e.loss, ...e.metrics, samplesPerSec: e.samplesPerSec };
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

function doneMessage(reason: RunResult['reason'], epoch: number, m: RunMetrics | null, detail?: string): RunSlice['runMessage'] {
  switch (reason) {
    case 'diverged':
      return { kind: 'warn', text: DIVERGED_MESSAGE };
    case 'stopped':
      return { kind: 'info', text: `Stopped after epoch ${epoch}${m && Number.isFinite(m.loss) ? ` (loss ${m.loss.toFixed(4)}${pct(m.accuracy)})` : ''}.` };
    case 'completed':
      return { kind: 'info', text: `Finished ${epoch} epochs${m && Number.isFinite(m.loss) ? `: loss ${m.loss.toFixed(4)}${pct(m.accuracy)}` : ''}.` };
    case 'error':
      return { kind: 'error', text: detail ?? 'Training failed.' };
  }
}

export function startTraining(): void {
  const s = useApp.getState();
  if (s.status === 'running' || s.status === 'stopping') return;
  if (!analyze(s.graph).ok) return;
  const runId = newRunId();
  const { graph, dataset, training: config } = s;
  resetSeries();
  s.patchRun({
    status: 'running', runId, totalEpochs: config.epochs, metrics: null, boundary: null, runMessage: null,
    engineErrors: {}, seriesVersion: s.seriesVersion + 1,
  });
  const mine = () => useApp.getState().runId === runId;
  const onEvents = (events: TrainEvent[]) => {
    if (!mine()) return;
    const cur = useApp.getState();
    cur.patchRun({ ...foldEvents(cur, events), seriesVersion: cur.seriesVersion + 1 });
  };
  getEngine()
    .train({ runId, graph, dataset, config, boundaryResolution: BOUNDARY_RESOLUTION }, onEvents)
    .then((result) => {
      if (!mine()) return;
      const cur = useApp.getState();
      const final = result.final;
      const patch: Partial<RunSlice> = { status: result.reason === 'error' ? 'error' : 'done' };
      if (final.type === 'error') {
        patch.runMessage = { kind: 'error', text: final.message };
        if (final.nodeId) patch.engineErrors = { ...cur.engineErrors, [final.nodeId]: final.message };
      } else {
        patch.runMessage = doneMessage(final.reason, final.epoch, cur.metrics, final.message);
      }
      // The final event may be delivered after the promise settles: take its metrics from it.
      const metrics = final.type === 'done' && Number.isFinite(final.loss)
        ? { ...cur.metrics, step: final.step, epoch: final.epoch, loss: final.loss, ...final.metrics }
        : cur.metrics;
      patch.metrics = metrics;
      if (result.weights) patch.model = { weights: result.weights, graph, dataset, metrics };
      cur.patchRun(patch);
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
    });
}

export function stopTraining(): void {
  const s = useApp.getState();
  if (s.status !== 'running' || !s.runId) return;
  const runId = s.runId;
  s.patchRun({ status: 'stopping' });
  getEngine().stop(runId).catch(() => {
    // The run may have just finished; its own promise settles the status.
  });
  // A worker that never answers must not leave the UI stuck in "Stopping…".
  setTimeout(() => {
    const cur = useApp.getState();
    if (cur.runId === runId && cur.status === 'stopping') {
      cur.patchRun({ status: 'error', runId: null, runMessage: { kind: 'error', text: 'The training engine did not respond to Stop; the run was abandoned.' } });
    }
  }, STOP_GRACE_MS);
}

const STOP_GRACE_MS = 8000;
