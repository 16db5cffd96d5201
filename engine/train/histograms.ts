/**
 * Per-parameter histograms of the weights and of their gradients at an epoch end, for the
 * dashboard's TensorBoard-style histogram card (dead layers, vanishing or exploding
 * gradients). The gradients are the ones the epoch's last optimizer step used: fit.ts drops
 * them only when the next step begins (`opt.zeroGrad()` inside the step), so they are still
 * on the parameters while the epoch callback runs (histograms.test.ts checks this).
 *
 * Reading back is the expensive part on a GPU (5–15 ms per read), so it happens once per
 * epoch and all at once: every weight and gradient is flattened and concatenated on the
 * device, then read with a single `await data()` — one readback, however many parameters
 * (models past CHUNK_ELEMENTS values are read in a few chunks, one after another, so the
 * temporary copy on the device stays bounded). The binning is plain host code.
 *
 * Size of the result: a histogram is `bins` counts (Uint32Array) plus eight numbers, and each
 * parameter adds its name and shape (`histogramBytes` estimates the total). One epoch's
 * histograms stay under `maxEventBytes` (128 KiB): a model with many parameters gets fewer
 * bins each (down to MIN_BINS; 30 bins fit 240 parameters), and past that (356 parameters)
 * the remaining ones (graph order) are left out and counted in `omitted`.
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import { now } from '../core/host.ts';
import type { Tensor } from '../core/tensor.ts';
import { concat } from '../ops/shape.ts';
import type { Module } from '../nn/module.ts';

/** Bins per histogram unless asked otherwise. */
export const DEFAULT_BINS = 30;
/** Fewest bins a histogram is coarsened to before parameters are left out instead. */
export const MIN_BINS = 8;
/** Bytes one epoch's histograms may take (estimated as in `histogramBytes`). */
export const MAX_EVENT_BYTES = 128 * 1024;
/**
 * Bytes of a histogram besides its counts (eight named numbers), and of a parameter's name
 * and shape, as a structured clone (v8.serialize) measured them: ~300 per parameter.
 */
const HIST_OVERHEAD = 112;
const PARAM_OVERHEAD = 80;
const paramBytes = (bins: number, hists = 2) => PARAM_OVERHEAD + hists * (4 * bins + HIST_OVERHEAD);
/** Values (weights + gradients) read back in one piece. */
export const CHUNK_ELEMENTS = 4 * 1024 * 1024;

/** A histogram of one tensor's values with their summary statistics. */
export interface ValueHistogram {
  /** Finite values (all of them are binned). */
  count: number;
  /** NaN and ±Infinity values: counted here, never binned. */
  nonFinite: number;
  /** Statistics of the finite values (population std); NaN when there are none. */
  min: number;
  max: number;
  mean: number;
  std: number;
  /**
   * Edges of the first and last bin: [min, max], or [v − 0.5, v + 0.5] when every finite
   * value equals v (so a constant tensor shows one bar in the middle); [0, 0] with no finite value.
   */
  lo: number;
  hi: number;
  /** Equal-width bins from lo to hi: bin i holds [lo + i·w, lo + (i+1)·w), the last one also hi. */
  counts: Uint32Array;
}

/** One parameter (named `<nodeId>.<param>` as in the weights file) at an epoch end. */
export interface ParamHistogram {
  name: string;
  shape: number[];
  weights: ValueHistogram;
  /** The gradient of the epoch's last optimizer step; null when the parameter got none. */
  grads: ValueHistogram | null;
}

export interface EpochHistograms {
  /** Bins per histogram (fewer than asked when the model has many parameters). */
  bins: number;
  params: ParamHistogram[];
  /** Parameters left out to keep the event small (the last ones in graph order). */
  omitted: number;
  /** Milliseconds the pass took (readback and binning). */
  ms: number;
}

/** Histogram and statistics of `values[from, to)`. */
export function histogramOf(values: ArrayLike<number>, bins: number = DEFAULT_BINS, from = 0, to = values.length): ValueHistogram {
  const nBins = Math.max(1, Math.floor(bins));
  const counts = new Uint32Array(nBins);
  let count = 0, nonFinite = 0, sum = 0;
  let min = Infinity, max = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, nonFinite, min: NaN, max: NaN, mean: NaN, std: NaN, lo: 0, hi: 0, counts };
  const mean = sum / count;
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  // Halved so that hi − lo stays finite for values near ±float32 max (exact otherwise).
  const scale = nBins / (hi / 2 - lo / 2);
  let sq = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    sq += (v - mean) * (v - mean);
    const b = Math.floor((v / 2 - lo / 2) * scale);
    counts[b < 0 ? 0 : b >= nBins ? nBins - 1 : b]!++;
  }
  return { count, nonFinite, min, max, mean, std: Math.sqrt(sq / count), lo, hi, counts };
}

/** Bins per histogram and parameters kept so `n` parameters' histograms fit in `maxEventBytes`. */
export function histogramBudget(n: number, bins: number, maxEventBytes: number = MAX_EVENT_BYTES): { bins: number; keep: number } {
  if (n === 0) return { bins, keep: 0 };
  const fits = Math.floor(((maxEventBytes / n - PARAM_OVERHEAD) / 2 - HIST_OVERHEAD) / 4);
  const b = Math.max(Math.min(MIN_BINS, bins), Math.min(bins, fits));
  return { bins: b, keep: Math.min(n, Math.max(1, Math.floor(maxEventBytes / paramBytes(b)))) };
}

/** Flattens and concatenates tensors on the device and reads them back in one piece. */
async function readConcatenated(ts: Tensor[]): Promise<ArrayLike<number>> {
  const flat = noGrad(() => scope(() => concat(ts.map((t) => t.reshape([t.size])), 0)));
  try {
    return await flat.data();
  } finally {
    flat.dispose();
  }
}

/**
 * Histograms of every parameter's weights and current gradients (`.grad`). Call it while the
 * gradients of interest are still on the parameters — in the training loop's epoch callback.
 */
export async function parameterHistograms(model: Module, opts: { bins?: number; maxEventBytes?: number; gradMultiplier?: number } = {}): Promise<EpochHistograms> {
  // Under loss scaling the gradients on the parameters are S times the true ones.
  const gm = opts.gradMultiplier ?? 1;
  const t0 = now();
  const named = model.namedParameters();
  const budget = histogramBudget(named.length, Math.max(1, Math.floor(opts.bins ?? DEFAULT_BINS)), opts.maxEventBytes);
  const kept = named.slice(0, budget.keep);
  // Every kept parameter's weights, then its gradient when it has one, in read order.
  const parts: { tensor: Tensor; param: number; grad: boolean }[] = [];
  kept.forEach(([, p], i) => {
    parts.push({ tensor: p, param: i, grad: false });
    if (p.grad) parts.push({ tensor: p.grad, param: i, grad: true });
  });
  const params: ParamHistogram[] = kept.map(([name, p]) => ({ name, shape: [...p.shape], weights: histogramOf([], budget.bins), grads: null }));
  let at = 0;
  while (at < parts.length) {
    // Greedy chunks of at most CHUNK_ELEMENTS values (a bigger single tensor is its own chunk).
    let end = at, size = 0;
    while (end < parts.length && (end === at || size + parts[end]!.tensor.size <= CHUNK_ELEMENTS)) size += parts[end++]!.tensor.size;
    const chunk = parts.slice(at, end);
    const values = await readConcatenated(chunk.map((c) => c.tensor));
    let off = 0;
    for (const c of chunk) {
      if (c.grad && gm !== 1) for (let i = off; i < off + c.tensor.size; i++) (values as Float32Array)[i]! *= gm;
      const h = histogramOf(values, budget.bins, off, off + c.tensor.size);
      off += c.tensor.size;
      if (c.grad) params[c.param]!.grads = h;
      else params[c.param]!.weights = h;
    }
    at = end;
  }
  return { bins: budget.bins, params, omitted: named.length - kept.length, ms: now() - t0 };
}

/** Estimated bytes the histograms take in an event (what the budget counts). */
export function histogramBytes(h: EpochHistograms): number {
  return h.params.reduce((sum, p) => sum + paramBytes(h.bins, p.grads ? 2 : 1), 0);
}
