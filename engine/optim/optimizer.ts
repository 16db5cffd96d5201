/**
 * Optimizer base: holds the parameters, per-parameter state tensors and a settable `lr`
 * (schedulers write it). Updates run as one fused backend kernel per parameter ('sgd',
 * 'adam'), in place and outside autograd, so a step allocates nothing after the first.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { keep } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { zerosLike } from '../ops/creation.ts';

export abstract class Optimizer {
  readonly params: Tensor[];
  /** Learning rate used by the next step(); schedulers set it. */
  lr: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  /** Per-parameter state tensors by name ('momentumBuffer', 'expAvg', ...). */
  protected readonly state = new Map<Tensor, Record<string, Tensor>>();

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (this.params.length === 0) throw new FlowgradError('bad-argument', `${this.constructor.name}: got an empty parameter list`);
    if (!(lr >= 0)) throw new FlowgradError('bad-argument', `${this.constructor.name}: invalid learning rate ${lr}`);
    this.lr = lr;
  }

  /** Drops the gradients (PyTorch's set_to_none=True behaviour). */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  abstract step(): void;

  /** A state tensor for p (zeros like p on first use), owned by the optimizer. */
  protected slot(p: Tensor, name: string): Tensor {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = {}));
    return (s[name] ??= keep(zerosLike(p)));
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

  /** State tensors by parameter index and name (for checkpoints). */
  stateDict(): { step: number; lr: number; state: Record<string, Tensor>[] } {
    return { step: this.stepCount, lr: this.lr, state: this.params.map((p) => ({ ...(this.state.get(p) ?? {}) })) };
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const t of Object.values(s)) t.dispose();
    this.state.clear();
  }
}
