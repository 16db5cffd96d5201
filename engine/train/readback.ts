/**
 * The steps fit() has run but not yet read: each micro-batch's loss (with the step's probe
 * value packed beside it, one tensor) and prediction stay on the device until `readAll`
 * fetches them all at once — the loop never waits on the device between steps. Grouped back
 * into optimizer steps for the callbacks (StepRead) and the epoch's tallies.
 */
import type { Tensor } from '../core/tensor.ts';
import type { StepRead } from './callbacks/types.ts';

/** One micro-batch whose loss (and prediction) are still on the device. */
export interface Pending {
  step: number;
  epoch: number;
  n: number;
  /** [loss] or, when the step was probed, [loss, probe]. */
  loss: Tensor;
  pred: Tensor | null;
  yHost: Int32Array | Float32Array;
  lr: number;
}

export interface ReadStep {
  read: StepRead;
  lr: number;
  micro: { n: number; loss: number; pred: Float32Array | null; y: Int32Array | Float32Array }[];
}

/** Reads and frees every pending micro-batch; returns them grouped by optimizer step. */
export async function readAll(pending: Pending[]): Promise<ReadStep[]> {
  const items = pending.splice(0);
  if (items.length === 0) return [];
  try {
    const reads = await Promise.all(items.map((p) => Promise.all([p.loss.data(), p.pred ? p.pred.data() : Promise.resolve(null)])));
    const steps: ReadStep[] = [];
    items.forEach((p, i) => {
      const [lv, pv] = reads[i]!;
      let s = steps.at(-1);
      if (!s || s.read.step !== p.step) steps.push(s = { read: { step: p.step, epoch: p.epoch, losses: [], probe: null }, lr: p.lr, micro: [] });
      s.read.losses.push(lv[0]!);
      if (lv.length > 1) s.read.probe = lv[1]!;
      s.lr = p.lr;
      s.micro.push({ n: p.n, loss: lv[0]!, pred: pv as Float32Array | null, y: p.yHost });
    });
    return steps;
  } finally {
    disposePending(items);
  }
}

export function disposePending(items: Pending[]): void {
  for (const p of items) {
    p.loss.dispose();
    p.pred?.dispose();
  }
}
