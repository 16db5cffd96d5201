/**
 * Run history persistence: each finished (or stopped) run's record goes to IndexedDB under
 * its project, and comes back when the project opens. `downsample` keeps a run's curves at
 * a few hundred points so hundreds of runs stay cheap to store and overlay.
 */
import type { RunCurve, RunRecord } from '../store/runsSlice.ts';
import { projectsDb } from './db.ts';

export const CURVE_POINTS = 400;

/** Every k-th point (always keeping the last) so the curve has at most `max` points. */
export function downsample(c: RunCurve, max = CURVE_POINTS): RunCurve {
  const n = c.step.length;
  if (n <= max) return { step: [...c.step], loss: [...c.loss], valLoss: [...c.valLoss], accuracy: [...c.accuracy], valAccuracy: [...c.valAccuracy], lr: [...c.lr] };
  const k = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = 0; i < n; i += k) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  // Sparse series (validation points once per epoch) must not vanish: carry the latest value seen in each bucket.
  const pick = (a: (number | null)[]) =>
    idx.map((i, j) => {
      const from = j === 0 ? 0 : idx[j - 1]! + 1;
      for (let t = i; t >= from; t--) if (a[t] !== null && a[t] !== undefined) return a[t]!;
      return null;
    });
  return { step: idx.map((i) => c.step[i]!), loss: pick(c.loss), valLoss: pick(c.valLoss), accuracy: pick(c.accuracy), valAccuracy: pick(c.valAccuracy), lr: pick(c.lr) };
}

export async function saveRun(r: RunRecord): Promise<void> {
  try {
    await (await projectsDb()).put('runs', r);
  } catch (e) {
    console.warn('Flowgrad: could not store the run', e);
  }
}

export async function loadRuns(projectId: string): Promise<RunRecord[]> {
  try {
    const runs = await (await projectsDb()).getAllFromIndex('runs', 'projectId', projectId);
    return runs.sort((a, b) => a.startedAt - b.startedAt);
  } catch (e) {
    console.warn('Flowgrad: could not read the run history', e);
    return [];
  }
}

export async function deleteRun(id: string): Promise<void> {
  try {
    await (await projectsDb()).delete('runs', id);
  } catch (e) {
    console.warn('Flowgrad: could not delete the run', e);
  }
}
