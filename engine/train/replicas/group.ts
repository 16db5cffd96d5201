/**
 * The leader's side of data-parallel training (replica 0, the worker that runs fit): starts
 * N − 1 replica workers through the installed ReplicaHost and, for each micro-batch, cuts it
 * into N contiguous shards, publishes the weights and shards 1…N−1 in shared memory, trains
 * shard 0 itself, waits for the others (Atomics), and sums their gradients into its own in
 * replica order — a fixed order, so the result never depends on which worker finished first.
 * Each shard's loss is divided by groupSize·n/nᵢ, so the summed gradient is the gradient of
 * the whole batch's mean loss. The leader alone holds the optimizer and steps it (the others
 * read the new weights at their next step): one optimizer state, nothing to drift apart,
 * and the same clipping, loss scaling and schedulers as a one-worker run.
 */
import { FlowgradError } from '../../core/errors.ts';
import type { ThreadHandle } from '../../core/threads.ts';
import { canShareMemory } from '../../core/threads.ts';
import type { Tensor } from '../../core/tensor.ts';
import { keep } from '../../core/memory.ts';
import { noGrad } from '../../autograd/mode.ts';
import { adoptTensor } from '../../ops/creation.ts';
import { concat } from '../../ops/shape.ts';
import { perSample } from '../../graph/size.ts';
import type { Batch } from '../../data/loader.ts';
import type { ArrayDataset } from '../../project/dataTypes.ts';
import type { GraphModel } from '../graphModel.ts';
import type { StepOutputs, TrainStep } from '../trainStep.ts';
import { replicaHost } from './host.ts';
import { CTRL_BYTES, ctrlViews, DONE, EXIT, FAILED, GEN, MAX_RANK, MAX_REPLICAS, offsets, readMessage, ROWS, shardOf, X_DIMS, X_RANK, Y_DIMS, Y_INT, Y_RANK } from './layout.ts';
import type { DataLayout, ParamSlot } from './layout.ts';

/** How long the leader waits for the replicas' shards: JOIN_FACTOR × its own shard's time, at least joinMinMs. */
const JOIN_FACTOR = 50;
let joinMinMs = 30_000;

/** Sets the least time the leader waits for the replicas' shards (tests of a dead replica use a short one). */
export function setReplicaWaitLimit(ms: number): void {
  joinMinMs = ms;
}

/** What a run asked for and got: replicas in use, and why fewer than asked (null: as asked). */
export interface ReplicaOutcome { replicas: number; reason: string | null }

export class ReplicaGroup {
  private readonly ints: Int32Array;
  private readonly divisors: Float64Array;
  private readonly message: Uint16Array;
  private readonly weights: Float32Array;
  private readonly data: { f32: Float32Array; i32: Int32Array }[];
  private readonly params: Tensor[];

  private constructor(readonly size: number, private readonly layout: DataLayout, ctrl: SharedArrayBuffer, weights: SharedArrayBuffer, data: SharedArrayBuffer[], private readonly handles: ThreadHandle[], model: GraphModel) {
    ({ ints: this.ints, divisors: this.divisors, message: this.message } = ctrlViews(ctrl));
    this.weights = new Float32Array(weights);
    this.data = data.map((d) => ({ f32: new Float32Array(d), i32: new Int32Array(d) }));
    this.params = model.parameters().filter((p) => p.requiresGrad);
  }

  /**
   * Starts n replicas for training `model` on batches of up to `batchRows` rows of `train`, or
   * says why it runs on one worker: no shared memory, no replica host, a worker that failed.
   */
  static async start(n: number, model: GraphModel, train: ArrayDataset, batchRows: number, compiled: boolean): Promise<ReplicaGroup | ReplicaOutcome> {
    const want = Math.max(1, Math.min(MAX_REPLICAS, Math.floor(n)));
    if (want === 1) return { replicas: 1, reason: null };
    if (!canShareMemory()) return { replicas: 1, reason: 'this page cannot share memory between workers (not cross-origin isolated)' };
    const host = replicaHost();
    if (!host) return { replicas: 1, reason: 'this host cannot start replica workers' };
    const params = model.parameters().filter((p) => p.requiresGrad);
    let total = 0;
    const slots: ParamSlot[] = params.map((p) => ({ offset: (total += p.size) - p.size, size: p.size, shape: [...p.shape] }));
    // The prediction is one of the graph's outputs: the largest per-sample output bounds it.
    const widest = Math.max(1, ...Object.values(model.analysis.shapes).map((s) => perSample(s)));
    if (!Number.isFinite(widest)) return { replicas: 1, reason: 'the model\'s output size is not known before training' };
    const rows = Math.ceil(batchRows / want);
    const layout: DataLayout = { params: slots, total, xCap: rows * train.features, yCap: rows * Math.max(1, train.y.length / Math.max(1, train.rows)), predCap: rows * widest };
    const ctrl = new SharedArrayBuffer(CTRL_BYTES), weights = new SharedArrayBuffer(total * 4);
    const data = Array.from({ length: want - 1 }, () => new SharedArrayBuffer(offsets(layout).end * 4));
    const started = await Promise.allSettled(data.map((d, i) => host.spawn({ index: i + 1, graph: model.graph, compiled, layout, ctrl, weights, data: d })));
    const handles = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (handles.length < want - 1) {
      for (const h of handles) h.terminate();
      const why = started.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      return { replicas: 1, reason: `a replica worker failed to start: ${why?.reason instanceof Error ? why.reason.message : String(why?.reason)}` };
    }
    return new ReplicaGroup(want, layout, ctrl, weights, [new SharedArrayBuffer(0), ...data], handles, model);
  }

  /** Forward, loss and backward of one micro-batch across the replicas; the gradients summed into the leader's parameters. */
  run(step: TrainStep, b: Batch, groupSize: number): StepOutputs {
    const { ints, layout } = this;
    const n = b.rows, k = Math.min(this.size, n);
    const o = offsets(layout);
    this.params.forEach((p, j) => this.weights.set(p.dataSync() as Float32Array, layout.params[j]!.offset));
    const xRow = b.x.length / n, yRow = b.y.length / n;
    const xDims = b.xShape.slice(1), yDims = b.yShape.slice(1);
    if (xDims.length > MAX_RANK || yDims.length > MAX_RANK) throw new FlowgradError('unsupported', `replicas: samples of rank above ${MAX_RANK}`);
    ints[X_RANK] = xDims.length;
    ints.set(xDims, X_DIMS);
    ints[Y_RANK] = yDims.length;
    ints.set(yDims, Y_DIMS);
    ints[Y_INT] = b.y instanceof Int32Array ? 1 : 0;
    for (let r = 1; r < this.size; r++) {
      const [from, to] = r < k ? shardOf(r, n, k) : [0, 0];
      ints[ROWS + r] = to - from;
      this.divisors[r] = (groupSize * n) / Math.max(1, to - from);
      const d = this.data[r]!;
      d.f32.set(b.x.subarray(from * xRow, to * xRow), o.x);
      if (b.y instanceof Int32Array) d.i32.set(b.y.subarray(from * yRow, to * yRow), o.y);
      else d.f32.set(b.y.subarray(from * yRow, to * yRow), o.y);
    }
    Atomics.store(ints, DONE, 0);
    Atomics.store(ints, FAILED, 0);
    Atomics.add(ints, GEN, 1);
    Atomics.notify(ints, GEN);
    const [, n0] = shardOf(0, n, k);
    let mine: StepOutputs;
    const t0 = Date.now();
    try {
      mine = step.run(adoptTensor(b.x.slice(0, n0 * xRow), [n0, ...xDims]), adoptTensor(b.y.slice(0, n0 * yRow), [n0, ...yDims]), (groupSize * n) / n0);
    } finally {
      this.join(Math.max(joinMinMs, JOIN_FACTOR * (Date.now() - t0)));
    }
    const failed = Atomics.load(ints, FAILED);
    if (failed) throw new FlowgradError('internal', `Data-parallel training failed in ${readMessage(this.message)}`);
    return this.reduce(mine, n, k);
  }

  /**
   * Waits until every replica has counted its shard done. A replica that died or hangs never
   * does, and its error event cannot reach this worker while it waits, so the wait has a
   * limit: far longer than the leader's own shard took (the shards are the same size).
   */
  private join(limitMs: number): void {
    const want = this.size - 1;
    const end = Date.now() + limitMs;
    let v = Atomics.load(this.ints, DONE);
    while (v < want) {
      const left = end - Date.now();
      if (left <= 0) throw new FlowgradError('internal', `Data-parallel training stopped: ${want - v} of ${want} replica workers did not finish their shard within ${Math.round(limitMs / 1000)} s (a worker crashed or hangs). Set Threads as kernel threads to train without replicas.`);
      Atomics.wait(this.ints, DONE, v, left);
      v = Atomics.load(this.ints, DONE);
    }
  }

  /** Adds replicas 1…k−1's gradients into the leader's, in that order; the batch's loss and prediction. */
  private reduce(mine: StepOutputs, n: number, k: number): StepOutputs {
    const o = offsets(this.layout);
    const [, n0] = shardOf(0, n, k);
    const predRow = mine.prediction.size / n0;
    let loss = mine.loss.mul(n0 / n);
    const preds = [mine.prediction];
    for (let r = 1; r < k; r++) {
      const d = this.data[r]!.f32;
      const [from, to] = shardOf(r, n, k);
      this.layout.params.forEach((s, j) => {
        const p = this.params[j]!;
        const g = adoptTensor(d.slice(o.grads + s.offset, o.grads + s.offset + s.size), s.shape);
        const old = p.grad;
        p.grad = keep(old ? noGrad(() => old.add(g)) : g);
        old?.dispose();
      });
      loss = loss.add(d[o.loss]! * ((to - from) / n));
      preds.push(adoptTensor(d.slice(o.pred, o.pred + (to - from) * predRow), [to - from, ...mine.prediction.shape.slice(1)]));
    }
    return { loss, prediction: concat(preds) };
  }

  /** Stops the replica workers. */
  dispose(): void {
    Atomics.store(this.ints, EXIT, 1);
    Atomics.add(this.ints, GEN, 1);
    Atomics.notify(this.ints, GEN);
    for (const h of this.handles) h.terminate();
  }
}
