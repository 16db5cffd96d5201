/**
 * Optimizer base: holds the parameters, per-parameter state tensors and a settable `lr`
 * (schedulers write it). Adam and SGD update through the backend's multi-tensor kernels
 * ('adamMulti', 'sgdMulti'), in place and outside autograd, so a step allocates nothing
 * after the first. On a backend with flat arenas (WebGPU's allocGroup) the constructor packs
 * the parameters into one arena, and state is allocated in arenas of the same layout, so the
 * whole update is one dispatch (or a few, by the device's binding limit) instead of one per
 * parameter.
 *
 * `step({ gradScale })` takes a float32 [multiplier, skip, skippedSoFar] tensor computed on the
 * device (loss scaling, see amp/scaler.ts; clipping, see clip.ts): gradients are used times the
 * multiplier, a non-zero skip drops the whole step, and Adam's bias corrections count only
 * the steps taken — all without reading anything back.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { keep, moveStorage, newStorage } from '../core/memory.ts';
import { Tensor } from '../core/tensor.ts';
import { zerosLike } from '../ops/creation.ts';
import type { Backend, OptionalKernelArgs } from '../backend/types.ts';
import { splitAdam, splitSgd } from '../backend/multi.ts';
import { runOptional, supports } from '../ops/op.ts';

/** A multi-tensor optimizer kernel, or its per-tensor kernels on a backend without it. */
export function runMulti<K extends 'adamMulti' | 'sgdMulti'>(be: Backend, kernel: K, args: OptionalKernelArgs[K]): void {
  if (supports(be, kernel)) { runOptional(be, kernel, args); return; }
  if (kernel === 'adamMulti') for (const a of splitAdam(args as OptionalKernelArgs['adamMulti'])) be.run('adam', a);
  else for (const a of splitSgd(args as OptionalKernelArgs['sgdMulti'])) be.run('sgd', a);
}

export interface StepOptions {
  /** float32 [multiplier, skip, skippedSoFar] on the parameters' backend (see the file header). */
  gradScale?: Tensor | null;
}

/**
 * Moves float32 parameters of one backend into one arena (allocGroup) so multi-tensor
 * kernels bind them at once — all of them or none: only storages nothing else holds can move
 * (refs === 1: no view, no compiled plan that captured the buffer). Returns the backend that
 * holds the arena, or null when the parameters stay where they are.
 */
function packParameters(params: readonly Tensor[]): Backend | null {
  const be = params[0]?._storage.backend;
  if (!be?.allocGroup || params.length < 2) return null;
  const storages = new Set(params.map((p) => p._storage));
  const ok = storages.size === params.length && params.every((p) =>
    p._storage.backend === be && p.dtype === 'float32' && p._storage.refs === 1 && p._storage.buf.size === p.size);
  if (!ok) return null;
  const views = be.allocGroup('float32', params.map((p) => p.size));
  params.forEach((p, i) => {
    be.run('copy', { x: p._storage.buf, out: views[i]!, shape: [p.size], srcStrides: [1], srcOffset: 0, dstStrides: [1], dstOffset: 0 });
    moveStorage(p._storage, views[i]!);
  });
  return be;
}

export abstract class Optimizer {
  readonly params: Tensor[];
  /** Learning rate used by the next step(); schedulers set it. */
  lr: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  /** Per-parameter state tensors by name ('momentumBuffer', 'expAvg', ...). */
  protected readonly state = new Map<Tensor, Record<string, Tensor>>();
  /** Per-parameter step counts, for optimizers whose update depends on them (Adam, Adagrad). */
  protected readonly paramSteps = new Map<Tensor, number>();
  /** The state names this optimizer keeps (what loadStateDict accepts); null: any (an optimizer written elsewhere). */
  readonly stateNames: readonly string[] | null = null;

  /** The backend whose arena holds the parameters (null: not packed). */
  private readonly arena: Backend | null;

  constructor(params: Iterable<Tensor>, lr: number, opts: { pack?: boolean } = {}) {
    this.params = [...params];
    if (this.params.length === 0) throw new FlowgradError('bad-argument', `${this.constructor.name}: got an empty parameter list`);
    if (!(lr >= 0)) throw new FlowgradError('bad-argument', `${this.constructor.name}: invalid learning rate ${lr}`);
    this.lr = lr;
    this.arena = opts.pack ? packParameters(this.params) : null;
  }

  /** Whether the parameters sit in one backend arena (multi-tensor kernels update them in one pass). */
  get packed(): boolean {
    return this.arena !== null;
  }

  /** Drops the gradients (PyTorch's set_to_none=True behaviour). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  abstract step(opts?: StepOptions): void;

  /** A state tensor for p (zeros like p on first use), owned by the optimizer. */
  protected slot(p: Tensor, name: string): Tensor {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    if (!s[name] && this.arena) this.allocArenaSlots(name, this.arena);
    return (s[name] ??= keep(zerosLike(p)));
  }

  /** State `name` of every parameter as zeros in one arena laid out like the parameters'. */
  private allocArenaSlots(name: string, be: Backend): void {
    if (this.params.some((p) => this.state.get(p)?.[name])) return;
    const views = be.allocGroup!('float32', this.params.map((p) => p.size));
    this.params.forEach((p, i) => {
      be.run('fill', { out: views[i]!, value: 0 });
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = {}));
      s[name] = keep(new Tensor(newStorage(be, views[i]!), [...p.shape], 'float32'));
    });
  }

  /**
   * For optimizers written with tensor ops (call inside noGrad + scope): gradients under a
   * gradScale, and an assign that leaves the tensor as it was when the scale says skip.
   */
  protected scaled(scale?: Tensor | null): { grad(g: Tensor): Tensor; put(x: Tensor, v: Tensor): void } {
    if (!scale) return { grad: (g) => g, put: (x, v) => { x.assign(v); } };
    const mul = scale.narrow(0, 0, 1), skip = scale.narrow(0, 1, 1).ne(0);
    return { grad: (g) => g.mul(mul), put: (x, v) => { x.assign(x.where(skip, v)); } };
  }

  /** Parameters that have a gradient this step, checked against their shape. */
  protected *withGrads(): Generator<[Tensor, Tensor]> {
    for (const p of this.params) {
      const g = p.grad;
      if (!g) continue;
      if (g.size !== p.size) throw new FlowgradError('shape', `${this.constructor.name}.step: gradient ${fmtShape(g.shape)} for parameter ${fmtShape(p.shape)}`);
      yield [p, g.dtype === p.dtype ? g : g.cast(p.dtype)];
    }
  }

  /** State tensors by parameter index and name, and per-parameter step counts (for checkpoints). */
  stateDict(): OptimizerStateDict<Tensor> {
    return {
      step: this.stepCount, lr: this.lr,
      state: this.params.map((p) => ({ ...(this.state.get(p) ?? {}) })),
      paramSteps: this.params.map((p) => this.paramSteps.get(p) ?? 0),
    };
  }

  /**
   * Restores what stateDict() gave (tensors, or host arrays read from a checkpoint), as
   * PyTorch's load_state_dict: state tensors are written into this optimizer's own slots (in
   * its arena when packed), so the next step() continues exactly where the saved one stopped.
   * Everything is checked before anything is written.
   */
  loadStateDict(sd: OptimizerStateDict<Tensor | Float32Array>): void {
    const name = this.constructor.name;
    if (sd.state.length !== this.params.length) throw new FlowgradError('bad-argument', `${name}.loadStateDict: state for ${sd.state.length} parameters, this optimizer has ${this.params.length}`);
    sd.state.forEach((s, i) => {
      for (const [k, t] of Object.entries(s)) {
        if (this.stateNames && !this.stateNames.includes(k)) throw new FlowgradError('bad-argument', `${name}.loadStateDict: unknown state '${k}' (${name} keeps ${this.stateNames.join(', ')})`);
        const size = t instanceof Tensor ? t.size : t.length;
        if (size !== this.params[i]!.size) throw new FlowgradError('bad-argument', `${name}.loadStateDict: state '${k}' of parameter ${i} has ${size} values, the parameter ${this.params[i]!.size}`);
      }
    });
    if (!(sd.lr >= 0) || !(sd.step >= 0)) throw new FlowgradError('bad-argument', `${name}.loadStateDict: invalid step ${sd.step} or learning rate ${sd.lr}`);
    this.dispose();
    this.stepCount = sd.step;
    this.lr = sd.lr;
    this.params.forEach((p, i) => {
      for (const [k, t] of Object.entries(sd.state[i]!)) this.slot(p, k).assign(t);
      const n = sd.paramSteps?.[i] ?? 0;
      if (n > 0) this.paramSteps.set(p, n);
    });
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const t of Object.values(s)) t.dispose();
    this.state.clear();
    this.paramSteps.clear();
  }
}

/** An optimizer's state by parameter index: tensors (stateDict) or host arrays (a checkpoint). */
export interface OptimizerStateDict<T> {
  step: number;
  lr: number;
  state: Record<string, T>[];
  /** Steps each parameter has taken (Adam, Adagrad); absent or 0: none. */
  paramSteps?: number[];
}
