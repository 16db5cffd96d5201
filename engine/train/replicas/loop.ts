/**
 * What a replica worker runs (replicas 1…N−1; the leader, replica 0, runs fit): its own model
 * built from the same graph, on the CPU backend with one kernel thread. Each step it copies
 * the weights the leader published, trains forward and backward on its shard, and writes its
 * gradients, loss and prediction into its data arena; then it counts itself done. Only
 * Atomics between leader and replicas, no message per step. It never steps an optimizer: the
 * leader sums every replica's gradients in a fixed order and steps once (group.ts).
 */
import { setBackend } from '../../backend/registry.ts';
import { scope } from '../../core/memory.ts';
import { adoptTensor } from '../../ops/creation.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { GraphModel } from '../graphModel.ts';
import { TrainStep } from '../trainStep.ts';
import { ctrlViews, DONE, EXIT, FAILED, GEN, MAX_RANK, offsets, ROWS, writeMessage, X_DIMS, X_RANK, Y_DIMS, Y_INT, Y_RANK } from './layout.ts';
import type { ReplicaInit } from './layout.ts';

const dims = (ints: Int32Array, rank: number, at: number): number[] => Array.from(ints.subarray(at, at + Math.min(rank, MAX_RANK)));

/** A replica, built: `step()` trains the current shard; `run()` waits for steps until EXIT. */
export class Replica {
  private readonly model: GraphModel;
  private readonly step: TrainStep;
  private readonly ints: Int32Array;
  private readonly divisors: Float64Array;
  private readonly message: Uint16Array;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly weights: Float32Array;

  constructor(private readonly init: ReplicaInit) {
    setBackend('cpu');
    this.model = new GraphModel(init.graph as GraphJSON);
    const params = this.model.parameters().filter((p) => p.requiresGrad);
    const slots = init.layout.params;
    if (params.length !== slots.length || params.some((p, i) => p.size !== slots[i]!.size)) {
      throw new Error(`replica ${init.index}: its model's parameters do not match the leader's`);
    }
    this.model.train();
    this.step = new TrainStep(this.model, { compiled: init.compiled }, null, null);
    ({ ints: this.ints, divisors: this.divisors, message: this.message } = ctrlViews(init.ctrl));
    this.f32 = new Float32Array(init.data);
    this.i32 = new Int32Array(init.data);
    this.weights = new Float32Array(init.weights);
  }

  /** Trains this replica's shard of the published step. */
  runStep(): void {
    const { init, ints, f32, i32 } = this;
    const rows = ints[ROWS + init.index]!;
    if (rows === 0) return;
    const o = offsets(init.layout);
    const params = this.model.parameters().filter((p) => p.requiresGrad);
    init.layout.params.forEach((s, j) => params[j]!.assign(this.weights.subarray(s.offset, s.offset + s.size)));
    for (const p of params) {
      p.grad?.dispose();
      p.grad = null;
    }
    const xShape = [rows, ...dims(ints, ints[X_RANK]!, X_DIMS)], yShape = [rows, ...dims(ints, ints[Y_RANK]!, Y_DIMS)];
    const xn = xShape.reduce((a, b) => a * b, 1), yn = yShape.reduce((a, b) => a * b, 1);
    scope(() => {
      const x = adoptTensor(f32.slice(o.x, o.x + xn), xShape);
      const y = adoptTensor(ints[Y_INT] ? i32.slice(o.y, o.y + yn) : f32.slice(o.y, o.y + yn), yShape);
      const r = this.step.run(x, y, this.divisors[init.index]!);
      f32[o.loss] = r.loss.dataSync()[0]!;
      const pred = r.prediction.dataSync();
      f32.set(pred, o.pred);
    });
    init.layout.params.forEach((s, j) => {
      const g = params[j]!.grad;
      if (g) f32.set(g.dataSync(), o.grads + s.offset);
      else f32.fill(0, o.grads + s.offset, o.grads + s.offset + s.size);
    });
  }

  /** Waits for steps and trains them until the leader sets EXIT; a failure is reported, not thrown. */
  run(): void {
    const { ints } = this;
    // Generation 0 until the first step: a replica slow to get here must not take a step
    // the leader already published as its starting point (it would wait for the next forever).
    let seen = 0;
    for (;;) {
      Atomics.wait(ints, GEN, seen);
      const gen = Atomics.load(ints, GEN);
      if (gen === seen) continue;
      seen = gen;
      if (Atomics.load(ints, EXIT)) return;
      try {
        this.runStep();
      } catch (e) {
        if (Atomics.compareExchange(ints, FAILED, 0, this.init.index) === 0) {
          writeMessage(this.message, `replica ${this.init.index}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      Atomics.add(ints, DONE, 1);
      Atomics.notify(ints, DONE);
    }
  }
}

/** A replica worker's life: build, tell the host it is ready (`ready`), then train steps until EXIT. */
export function runReplica(init: ReplicaInit, ready: () => void): void {
  const r = new Replica(init);
  ready();
  r.run();
}
