/**
 * The weight and gradient histograms of the current run, as the dashboard's histogram card
 * reads them: the latest epoch's (the side-by-side view) and a history over epochs (the heat
 * strips that show drift). The engine sends one set per epoch event (workers/api.ts
 * EpochEvent.histograms); `foldHistograms` keeps them, pure, so the store patch stays one
 * object per batch of events.
 *
 * A long run must not grow the store without bound: past MAX_KEPT_EPOCHS, every second older
 * epoch is dropped (the first and the newest always stay), so the strip covers the whole run
 * at a coarser step instead of only its end.
 */
import type { EpochHistograms, TrainEvent } from '../../workers/api.ts';

export const MAX_KEPT_EPOCHS = 100;

export interface HistogramHistory {
  runId: string;
  /** Kept epochs, oldest first: the epoch number and its histograms. */
  epochs: { epoch: number; h: EpochHistograms }[];
}

/** The history after a batch of events: the same object when none carried histograms; another run's history is dropped. */
export function foldHistograms(prev: HistogramHistory | null, runId: string, events: readonly TrainEvent[]): HistogramHistory | null {
  let cur = prev && prev.runId === runId ? prev : null;
  for (const e of events) {
    if (e.type !== 'epoch' || !e.histograms || e.runId !== runId) continue;
    let epochs = [...(cur?.epochs ?? []).filter((x) => x.epoch < e.epoch), { epoch: e.epoch, h: e.histograms }];
    if (epochs.length > MAX_KEPT_EPOCHS) epochs = epochs.filter((_, i) => i % 2 === 0 || i === epochs.length - 1);
    cur = { runId, epochs };
  }
  return cur;
}

/** The latest epoch's histograms, or null before the first. */
export function latestHistograms(h: HistogramHistory | null): { epoch: number; h: EpochHistograms } | null {
  return h?.epochs.at(-1) ?? null;
}
