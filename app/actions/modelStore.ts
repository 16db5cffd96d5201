/**
 * Keeps each project's trained model (checkpoint: weights + optimizer + meta, and the
 * preprocessing) in IndexedDB, so a reload, or opening the project later, brings the trained
 * model back: the Result card, the playground, Evaluate and "Continue" work as before the
 * reload (a model kept as int8 comes back with its int8 file). A failed write (quota, private mode) is told to the user with what still works;
 * nothing else is touched.
 */
import { getEngine } from '../../workers/client.ts';
import { useApp } from '../store/index.ts';
import type { RunMetrics, TrainedModel } from '../store/runSlice.ts';
import { pushEpoch, pushPoint, resetSeries } from '../store/series.ts';
import { projectsDb, type SavedModel } from './db.ts';
import type { EpochRecord } from '../../engine/project/checkpointFormat.ts';
import { BOUNDARY_RESOLUTION } from './training.ts';

/** What the user reads when the model could not be kept (quota and other write errors). */
export function keepFailedMessage(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  const why = name === 'QuotaExceededError' || /quota/i.test(String((e as Error)?.message ?? e))
    ? 'the browser\'s storage for this site is full'
    : `the browser refused to store it (${(e as Error)?.message ?? String(e)})`;
  return `The trained model could not be kept in this browser: ${why}. It stays usable until you reload or open another project; use Download to keep it. Your project and runs are not affected.`;
}

/** Stores the current project's model (the latest run's); tells the user when it cannot. */
export async function keepModel(projectId: string, m: TrainedModel): Promise<boolean> {
  if (!m.checkpoint || !m.config) return false;
  const value: SavedModel = {
    projectId, savedAt: Date.now(), graph: m.graph, dataset: m.dataset, config: m.config,
    metrics: m.metrics, checkpoint: m.checkpoint, preprocessing: m.preprocessing ?? null, ...(m.int8 ? { int8: m.int8 } : {}),
  };
  try {
    await (await projectsDb()).put('models', value);
    return true;
  } catch (e) {
    console.warn('Flowgrad: could not keep the trained model', e);
    useApp.getState().notify('error', keepFailedMessage(e));
    return false;
  }
}

export async function readModel(projectId: string): Promise<SavedModel | null> {
  try {
    return (await (await projectsDb()).get('models', projectId)) ?? null;
  } catch (e) {
    console.warn('Flowgrad: could not read the trained model', e);
    return null;
  }
}

export async function forgetModel(projectId: string): Promise<void> {
  try {
    await (await projectsDb()).delete('models', projectId);
  } catch (e) {
    console.warn('Flowgrad: could not delete the trained model', e);
  }
}

/** The trained model as the store holds it. */
export function trainedModelOf(saved: SavedModel): TrainedModel {
  return {
    weights: saved.checkpoint.weights, graph: saved.graph, dataset: saved.dataset, metrics: saved.metrics,
    config: saved.config, checkpoint: saved.checkpoint, preprocessing: saved.preprocessing, int8: saved.int8 ?? null,
  };
}

/** The loss curve of a run from its checkpoint's per-epoch history (what a reload keeps of it). */
export function seriesFromHistory(history: readonly EpochRecord[]): void {
  resetSeries();
  for (const h of history) {
    pushPoint(h.step, h.loss, h.accuracy, h.lr);
    pushEpoch(h.step, h.valLoss, h.valAccuracy);
  }
}

/** The metrics of the history's last epoch, when no metrics were stored. */
function lastMetrics(history: readonly EpochRecord[]): RunMetrics | null {
  const h = history[history.length - 1];
  return h ? { step: h.step, epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss, valAccuracy: h.valAccuracy, lr: h.lr } : null;
}

/** Brings back the stored model of `projectId` (when the project is still the current one). */
export async function restoreModel(projectId: string): Promise<void> {
  const saved = await readModel(projectId);
  const s = useApp.getState();
  if (!saved || s.projectId !== projectId || s.model || s.status === 'running' || s.status === 'paused' || s.status === 'stopping') return;
  const model = trainedModelOf(saved);
  const metrics = saved.metrics ?? lastMetrics(saved.checkpoint.meta.history);
  seriesFromHistory(saved.checkpoint.meta.history);
  s.patchRun({
    model, metrics, status: 'done', seriesVersion: s.seriesVersion + 1, evaluation: null,
    runMessage: { kind: 'info', text: `Restored the trained model (${saved.checkpoint.meta.epoch} epochs).` },
  });
  if (saved.dataset.kind !== 'builtin2d') return;
  try {
    const boundary = await getEngine().boundary(saved.graph, model.weights, saved.dataset, BOUNDARY_RESOLUTION, model.int8);
    if (useApp.getState().model === model) useApp.getState().patchRun({ boundary });
  } catch (e) {
    console.warn('Flowgrad: could not redraw the decision boundary', e);
  }
}
