/**
 * Run history: one record per training run (its config, data, model size, final metrics and a
 * downsampled copy of its curves), so past runs can be listed, overlaid on the charts and
 * compared — including final validation error against the compute the run spent. Records
 * persist in IndexedDB per project (actions/runHistory.ts); here they are plain data.
 */
import type { StateCreator } from 'zustand';
import type { DatasetSpec, TrainConfig } from '../../engine/project/config.ts';
import type { AppState } from './index.ts';

export interface RunCurve {
  step: number[];
  loss: (number | null)[];
  valLoss: (number | null)[];
  accuracy: (number | null)[];
  valAccuracy: (number | null)[];
  lr: (number | null)[];
}

export interface RunRecord {
  id: string;
  projectId: string;
  /** "Run 3", editable later. */
  name: string;
  startedAt: number;
  durationMs: number;
  status: 'running' | 'completed' | 'stopped' | 'diverged' | 'error';
  config: TrainConfig;
  dataset: DatasetSpec;
  params: number;
  /** Forward FLOPs per sample of the model trained. */
  flopsPerSample: number;
  /** Training samples processed (epochs × train-set size, or less when stopped early). */
  samplesSeen: number;
  final: { loss?: number; accuracy?: number; valLoss?: number; valAccuracy?: number; epoch?: number };
  curve: RunCurve;
}

export interface RunsSlice {
  runs: RunRecord[];
  /** Ids of past runs overlaid on the charts. */
  compare: string[];
  setRuns(runs: RunRecord[]): void;
  upsertRun(r: RunRecord): void;
  removeRun(id: string): void;
  toggleCompare(id: string): void;
}

export const createRunsSlice: StateCreator<AppState, [], [], RunsSlice> = (set, get) => ({
  runs: [],
  compare: [],
  setRuns(runs) {
    set({ runs, compare: get().compare.filter((id) => runs.some((r) => r.id === id)) });
  },
  upsertRun(r) {
    const runs = get().runs;
    const i = runs.findIndex((x) => x.id === r.id);
    set({ runs: i < 0 ? [...runs, r] : runs.map((x, k) => (k === i ? r : x)) });
  },
  removeRun(id) {
    set({ runs: get().runs.filter((r) => r.id !== id), compare: get().compare.filter((x) => x !== id) });
  },
  toggleCompare(id) {
    const c = get().compare;
    set({ compare: c.includes(id) ? c.filter((x) => x !== id) : [...c, id] });
  },
});
