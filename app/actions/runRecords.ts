/**
 * Turns training runs into run-history records: `beginRecord` when Train is pressed (config,
 * data and model size captured then, since the canvas may change during the run),
 * `finishRecord` when it ends (final metrics, duration, samples processed and a downsampled
 * copy of the curves), then the record is stored with the project in IndexedDB.
 */
import { useApp } from '../store/index.ts';
import { analyze } from '../store/analysis.ts';
import type { RunRecord } from '../store/runsSlice.ts';
import { series } from '../store/series.ts';
import { downsample, saveRun } from './runHistory.ts';

const datasetSize = (d: object) => { const n = (d as { samples?: unknown }).samples; return typeof n === "number" ? n : 0; };

export function beginRecord(runId: string): void {
  const s = useApp.getState();
  const a = analyze(s.graph);
  const n = s.runs.length + 1;
  const record: RunRecord = {
    id: runId,
    projectId: s.projectId,
    name: `Run ${n}`,
    startedAt: Date.now(),
    durationMs: 0,
    status: 'running',
    config: structuredClone(s.training),
    dataset: structuredClone(s.dataset),
    params: a.totalParams,
    flopsPerSample: a.totalFlops,
    samplesSeen: 0,
    final: {},
    curve: { step: [], loss: [], valLoss: [], accuracy: [], valAccuracy: [], lr: [] },
  };
  s.upsertRun(record);
}

const statusOf = (reason: string): RunRecord['status'] =>
  reason === 'stopped' ? 'stopped' : reason === 'diverged' ? 'diverged' : reason === 'error' ? 'error' : 'completed';

export function finishRecord(runId: string, reason: string): void {
  const s = useApp.getState();
  const r = s.runs.find((x) => x.id === runId);
  if (!r) return;
  const m = s.metrics;
  const trainSamples = Math.round(datasetSize(r.dataset) * (1 - (r.config.validationSplit ?? 0)));
  const steps = m?.step ?? 0;
  const done: RunRecord = {
    ...r,
    status: statusOf(reason),
    durationMs: Date.now() - r.startedAt,
    samplesSeen: Math.min(steps * r.config.batchSize, Math.max(trainSamples, 1) * r.config.epochs) || steps * r.config.batchSize,
    final: { loss: m?.loss, accuracy: m?.accuracy, valLoss: m?.valLoss, valAccuracy: m?.valAccuracy, epoch: m?.epoch },
    curve: downsample(series),
  };
  s.upsertRun(done);
  void saveRun(done);
}

/** Final validation error of a run: 1 − accuracy for classifiers, else the validation loss. */
export function finalError(r: RunRecord): number | null {
  const acc = r.final.valAccuracy ?? r.final.accuracy;
  if (acc !== undefined && Number.isFinite(acc)) return 1 - acc;
  const loss = r.final.valLoss ?? r.final.loss;
  return loss !== undefined && Number.isFinite(loss) ? loss : null;
}

/** Training compute of a run: forward+backward (≈3× forward) FLOPs per sample × samples processed. */
export const runCompute = (r: RunRecord): number => 3 * r.flopsPerSample * r.samplesSeen;
