/**
 * Mini-batches from an in-memory dataset: a seeded shuffle per epoch, fixed-size batches
 * (the last one smaller unless dropLast), random augmentation applied on the fly to image
 * batches, and a one-batch prefetch: `stream()` starts building batch k+1 as soon as batch k
 * is handed out, so it is ready when a step that awaits the GPU comes back. Every batch owns
 * fresh buffers, so a worker can transfer them (`transferables`) instead of copying. Pure:
 * used by the worker and by the CLI in Node alike.
 */
import { Rng } from '../core/rng.ts';
import { yieldToHost } from '../core/host.ts';
import { augmentBatch } from './augment.ts';
import type { ArrayDataset, AugmentConfig, NormStats } from '../project/dataTypes.ts';

export interface LoaderOptions {
  batchSize: number;
  /** One sample's shape (its product must equal `features`); [features] when absent. */
  sampleShape?: number[];
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
  augment?: AugmentConfig | null;
  stats?: NormStats | null;
}

export interface Batch {
  /** [rows × ...sampleShape], row-major. */
  x: Float32Array;
  y: Int32Array | Float32Array;
  rows: number;
  xShape: number[];
  /** [rows] for class indices, [rows, k] for targets. */
  yShape: number[];
  /** Position of the batch in its epoch. */
  index: number;
}

export class DataLoader {
  readonly batchSize: number;
  readonly sampleShape: number[];
  private readonly ySize: number;

  constructor(readonly data: ArrayDataset, private readonly opts: LoaderOptions) {
    this.batchSize = Math.max(1, Math.floor(opts.batchSize));
    this.sampleShape = opts.sampleShape ?? [data.features];
    this.ySize = data.rows > 0 ? data.y.length / data.rows : 1;
  }

  get batchesPerEpoch(): number {
    const n = this.data.rows / this.batchSize;
    return this.opts.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Row order of an epoch (seeded: same seed and epoch, same order). */
  order(epoch: number): Int32Array {
    const idx = new Int32Array(this.data.rows);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    if (this.opts.shuffle !== false) new Rng(((this.opts.seed ?? 0) * 1_000_003 + epoch * 7919) >>> 0).shuffle(idx);
    return idx;
  }

  private build(order: Int32Array, b: number, rng: Rng): Batch {
    const { data, batchSize, ySize } = this;
    const from = b * batchSize;
    const rows = Math.min(batchSize, data.rows - from);
    const f = data.features;
    const x = new Float32Array(rows * f);
    const y = data.y instanceof Int32Array ? new Int32Array(rows * ySize) : new Float32Array(rows * ySize);
    for (let i = 0; i < rows; i++) {
      const r = order[from + i];
      x.set(data.x.subarray(r * f, (r + 1) * f), i * f);
      if (ySize === 1) y[i] = data.y[r];
      else y.set(data.y.subarray(r * ySize, (r + 1) * ySize), i * ySize);
    }
    if (this.opts.augment) augmentBatch(x, rows, this.sampleShape, this.opts.augment, this.opts.stats ?? null, rng);
    return { x, y, rows, xShape: [rows, ...this.sampleShape], yShape: ySize === 1 && y instanceof Int32Array ? [rows] : [rows, ySize], index: b };
  }

  private augmentRng(epoch: number): Rng {
    return new Rng(((this.opts.seed ?? 0) ^ 0xa5a5) + epoch * 104729);
  }

  /** The batches of one epoch, built on demand. */
  *epoch(epoch = 0): Generator<Batch> {
    const order = this.order(epoch);
    const rng = this.augmentRng(epoch);
    for (let b = 0; b < this.batchesPerEpoch; b++) yield this.build(order, b, rng);
  }

  /** The batches of one epoch with the next one prepared while the current one is in use. */
  async *stream(epoch = 0): AsyncGenerator<Batch> {
    const order = this.order(epoch);
    const rng = this.augmentRng(epoch);
    const n = this.batchesPerEpoch;
    if (n === 0) return;
    let next: Promise<Batch> = Promise.resolve(this.build(order, 0, rng));
    for (let b = 0; b < n; b++) {
      const cur = await next;
      // Start the following batch at the next turn of the event loop: it is built while
      // the consumer's step awaits (a GPU readback, a yield), not in front of it.
      if (b + 1 < n) next = yieldToHost().then(() => this.build(order, b + 1, rng));
      yield cur;
    }
  }
}

/** The buffers of a batch, for postMessage/comlink transfer lists. */
export function transferables(b: Batch): ArrayBuffer[] {
  return [b.x.buffer as ArrayBuffer, b.y.buffer as ArrayBuffer];
}
