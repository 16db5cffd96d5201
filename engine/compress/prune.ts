/**
 * Magnitude pruning: unstructured (the smallest |w| of each layer, or of all layers together,
 * set to zero) and structured (whole output channels/units with the smallest L1 norm, see
 * channels.ts), a sparsity schedule over fine-tuning (one-shot, or polynomial as in TensorFlow
 * Model Optimization: s(t) = s·(1 − (1 − t/R)³) for t in epochs, 0 ≤ t ≤ R = E/2 of the E
 * epochs, raised in small steps every few optimizer steps — not once per epoch, which jumped
 * to 70% of 80% at the first step — then held so the second half recovers at the final
 * sparsity, a single epoch too), and
 * the masks kept applied after every optimizer step by a training callback, so pruned weights
 * stay exactly zero.
 */
import { FlowgradError } from '../core/errors.ts';
import { noGrad } from '../autograd/mode.ts';
import { keep, scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { tensor } from '../ops/creation.ts';
import type { GraphModel } from '../train/graphModel.ts';
import type { FitContext, TrainCallback } from '../train/callbacks/types.ts';
import { compressRow } from './layers.ts';
import { channelGroups, type ChannelGroup } from './channels.ts';

export type PruneMode = 'unstructured' | 'global' | 'channels';
export type SparsitySchedule = 'oneShot' | 'polynomial';

export interface PruneOptions {
  mode: PruneMode;
  /** Fraction of the prunable weights (unstructured) or of each prunable layer's channels (channels) to remove, in [0, 1). */
  sparsity: number;
  schedule: SparsitySchedule;
}

/** Masks (1 keep, 0 pruned) by parameter name, and for channels the kept channel indices per producer. */
export interface PruneMasks {
  masks: Map<string, Float32Array>;
  keep: Map<string, number[]>;
}

export function checkPruneOptions(o: PruneOptions): void {
  if (!(o.sparsity >= 0 && o.sparsity < 1)) throw new FlowgradError('bad-argument', `prune: sparsity must be in [0, 1) (got ${o.sparsity})`);
  if (!['unstructured', 'global', 'channels'].includes(o.mode)) throw new FlowgradError('bad-argument', `prune: mode must be unstructured, global or channels (got '${o.mode}')`);
  if (!['oneShot', 'polynomial'].includes(o.schedule)) throw new FlowgradError('bad-argument', `prune: schedule must be oneShot or polynomial (got '${o.schedule}')`);
}

/** The target sparsity after `t` epochs (fractional: t = steps / steps per epoch) of `epochs` of fine-tuning: polynomial from 0 up to the final value at t = epochs/2, then held. */
export function sparsityAt(o: Pick<PruneOptions, 'sparsity' | 'schedule'>, t: number, epochs: number): number {
  if (o.schedule === 'oneShot' || epochs <= 0) return o.sparsity;
  const f = Math.min(1, Math.max(0, t / (epochs / 2)));
  return o.sparsity * (1 - (1 - f) ** 3);
}

/** Mask updates over the polynomial ramp (TF-MOT's pruning_frequency, as a count). */
export const RAMP_UPDATES = 16;

/** The parameters magnitude pruning acts on (`<nodeId>.<param>`), in graph order. */
export function prunableParams(model: GraphModel): string[] {
  const names = new Set(model.namedParameters().map(([n]) => n));
  return model.graph.nodes.flatMap((n) => Object.keys(compressRow(n.type)?.weights ?? {}).map((p) => `${n.id}.${p}`)).filter((n) => names.has(n));
}

/** Indices of the k smallest |values| (ties by index, so the choice is deterministic). */
function smallest(values: Float32Array, k: number): Int32Array {
  const idx = Int32Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(values[a]!) - Math.abs(values[b]!) || a - b);
  return idx.subarray(0, k);
}

function unstructuredMasks(params: Map<string, Float32Array>, sparsity: number, global: boolean): PruneMasks {
  const masks = new Map<string, Float32Array>();
  for (const [name, w] of params) masks.set(name, new Float32Array(w.length).fill(1));
  if (global) {
    const all = new Float32Array([...params.values()].reduce((a, w) => a + w.length, 0));
    const owner: [string, number][] = [];
    let o = 0;
    for (const [name, w] of params) {
      all.set(w, o);
      owner.push([name, o]);
      o += w.length;
    }
    for (const i of smallest(all, Math.floor(sparsity * all.length))) {
      let j = owner.length - 1;
      while (owner[j]![1] > i) j--;
      masks.get(owner[j]![0])![i - owner[j]![1]] = 0;
    }
  } else {
    for (const [name, w] of params) for (const i of smallest(w, Math.floor(sparsity * w.length))) masks.get(name)![i] = 0;
  }
  return { masks, keep: new Map() };
}

/** Channel masks: each group's channels with the smallest L1 norm of the producer's weights are zeroed (weights, bias, per-channel params after it). */
function channelMasks(model: GraphModel, groups: readonly ChannelGroup[], sparsity: number, read: (name: string) => Float32Array | null): PruneMasks {
  const masks = new Map<string, Float32Array>();
  const keep = new Map<string, number[]>();
  const shapes = new Map(model.namedParameters().map(([n, p]) => [n, p.shape]));
  const byId = new Map(model.graph.nodes.map((n) => [n.id, n]));
  const maskAlong = (name: string, axis: number, pruned: ReadonlySet<number>) => {
    const shape = shapes.get(name);
    if (!shape) return;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1), n = shape[axis]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const m = masks.get(name) ?? new Float32Array(size).fill(1);
    for (let i = 0; i < size; i++) if (pruned.has(Math.floor(i / inner) % n)) m[i] = 0;
    masks.set(name, m);
  };
  for (const g of groups) {
    const rule = compressRow(byId.get(g.producer)!.type)!.channels;
    if (rule.kind !== 'producer') continue;
    const weightAxis = rule.out.weight!;
    const w = read(`${g.producer}.weight`)!;
    const shape = shapes.get(`${g.producer}.weight`)!;
    const inner = shape.slice(weightAxis + 1).reduce((a, b) => a * b, 1);
    const norms = new Float32Array(g.channels);
    for (let i = 0; i < w.length; i++) norms[Math.floor(i / inner) % g.channels]! += Math.abs(w[i]!);
    const remove = Math.min(g.channels - 1, Math.floor(sparsity * g.channels));
    const pruned = new Set(smallest(norms, remove));
    keep.set(g.producer, Array.from({ length: g.channels }, (_, c) => c).filter((c) => !pruned.has(c)));
    for (const [param, axis] of Object.entries(rule.out)) maskAlong(`${g.producer}.${param}`, axis, pruned);
    for (const id of g.perChannel) {
      const r = compressRow(byId.get(id)!.type)!.channels;
      if (r.kind === 'perChannel') for (const param of r.zeroed) maskAlong(`${id}.${param}`, r.params[param]!, pruned);
    }
  }
  return { masks, keep };
}

/** Masks for `model` at `sparsity` from its current weights (synchronous reads: the CPU backends). */
export function computeMasks(model: GraphModel, o: Pick<PruneOptions, 'mode'>, sparsity: number): PruneMasks {
  const own = new Map(model.namedParameters());
  const read = (name: string) => {
    const p = own.get(name);
    return p ? Float32Array.from(p.dataSync()) : null;
  };
  if (o.mode === 'channels') {
    const groups = channelGroups(model.graph, model.analysis);
    if (groups.length === 0) throw new FlowgradError('unsupported', 'channel pruning: no layer of this graph can lose output channels (each reaches the output or a layer that mixes channels)');
    return channelMasks(model, groups, sparsity, read);
  }
  const names = prunableParams(model);
  if (names.length === 0) throw new FlowgradError('unsupported', 'pruning: this graph has no Dense or convolution weights to prune');
  return unstructuredMasks(new Map(names.map((n) => [n, read(n)!])), sparsity, o.mode === 'global');
}

/** Multiplies each masked parameter by its mask, in place (no gradient). */
export function applyMasks(model: GraphModel, masks: ReadonlyMap<string, Tensor>): void {
  const own = new Map(model.namedParameters());
  noGrad(() => scope(() => {
    for (const [name, m] of masks) {
      const p = own.get(name);
      if (p) p.assign(p.mul(m));
    }
  }));
}

/**
 * The fine-tuning callback. One-shot: the masks at the final sparsity from the first step.
 * Polynomial: the masks are recomputed at the schedule's sparsity RAMP_UPDATES times over the
 * ramp (every ⌈ramp steps / RAMP_UPDATES⌉ optimizer steps; pruned weights are zero, so they
 * stay among the smallest and the masks only grow), the last update at the ramp's end, then
 * held. After every optimizer step the masks are applied again, so pruned weights never come
 * back.
 */
export class PruneCallback implements TrainCallback {
  private masks = new Map<string, Tensor>();
  /** The masks of the last update (host copies), for the report and for stripping. */
  last: PruneMasks | null = null;
  private step = 0;
  private readonly rampSteps: number;
  private readonly every: number;

  /** `stepsPerEpoch`: optimizer steps in one fine-tuning epoch (stepsPerEpoch(), engine/train/schedule.ts). */
  constructor(private readonly options: PruneOptions, private readonly epochs: number, private readonly stepsPerEpoch = 1) {
    this.rampSteps = options.schedule === 'polynomial' && epochs > 0 ? Math.max(1, Math.ceil((epochs * Math.max(1, stepsPerEpoch)) / 2)) : 0;
    this.every = Math.max(1, Math.ceil(this.rampSteps / RAMP_UPDATES));
  }

  /** Recomputes and applies the masks at sparsity `sparsity` (one-shot pruning without fine-tuning too). */
  update(model: GraphModel, sparsity: number = this.options.sparsity): void {
    this.last = computeMasks(model, this.options, sparsity);
    this.dispose();
    const shapes = new Map(model.namedParameters().map(([n, p]) => [n, p.shape]));
    // keep: the update may run inside a training step's scope; the masks live on.
    for (const [name, m] of this.last.masks) this.masks.set(name, keep(tensor(m, { shape: [...shapes.get(name)!] })));
    applyMasks(model, this.masks);
  }

  onTrainStart(ctx: FitContext): void {
    this.step = 0;
    // One-shot prunes before the first step; the ramp starts at sparsity 0 but computes its masks (channels: keep lists) at once.
    this.update(ctx.model, this.rampSteps > 0 ? sparsityAt(this.options, 0, this.epochs) : this.options.sparsity);
  }

  onOptimizerStep(ctx: FitContext): void {
    this.step++;
    if (this.step <= this.rampSteps && (this.step % this.every === 0 || this.step === this.rampSteps)) {
      this.update(ctx.model, sparsityAt(this.options, this.step / Math.max(1, this.stepsPerEpoch), this.epochs));
    } else applyMasks(ctx.model, this.masks);
  }

  dispose(): void {
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
  }
}

export interface LayerSparsity {
  name: string;
  node: string;
  params: number;
  zeros: number;
  sparsity: number;
}

/** Zeros per prunable parameter (what the report shows per layer). */
export function sparsityReport(model: GraphModel): LayerSparsity[] {
  const own = new Map(model.namedParameters());
  return prunableParams(model).map((name) => {
    const d = own.get(name)!.dataSync();
    let zeros = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === 0) zeros++;
    return { name, node: name.slice(0, name.lastIndexOf('.')), params: d.length, zeros, sparsity: zeros / Math.max(1, d.length) };
  });
}
