/**
 * compile(): static graphs from eager code, the way jax.jit does it. The first call with a
 * given argument signature (shapes, dtypes) runs the function eagerly while recording what
 * the backend is asked to do (trace.ts) — including, when `params` are given, the backward
 * pass (autograd.grad of the first result). That recording becomes a Plan (plan.ts): fused
 * elementwise chains, buffers reused by liveness. Later calls with the same signature run
 * the plan without building any graph; gradients are accumulated into `.grad` like
 * backward(). Host-side decisions made during the trace are frozen into the plan: values
 * read with item()/dataSync(), random masks (dropout), Python-style branching on shapes.
 * A trace that drew random numbers or read device values is not kept as a plan (`impure`
 * says why): the call's result is right (the trace ran eagerly), and the next call traces
 * again, so such a function stays correct, only not faster.
 */
import { backend as currentBackend } from '../backend/registry.ts';
import type { BackendBuffer } from '../backend/types.ts';
import { grad } from '../autograd/backward.ts';
import { enableGrad, noGrad } from '../autograd/mode.ts';
import { FlowgradError } from '../core/errors.ts';
import { keep, newStorage, scope } from '../core/memory.ts';
import type { Storage } from '../core/memory.ts';
import { Tensor } from '../core/tensor.ts';
import { Plan } from './plan.ts';
import type { PlanOptions, PlanStats } from './plan.ts';
import { record } from './trace.ts';

/**
 * What compileModule needs of a model (engine/nn's Module fits): named structurally so
 * compile/, part of the tensor kernel, does not import nn/, which sits above it.
 */
export interface CompilableModule {
  training: boolean;
  parameters(): Tensor[];
  forward(x: Tensor): Tensor;
}

export interface CompileOptions extends PlanOptions {
  /**
   * Differentiate the (first) result with respect to these tensors, usually
   * model.parameters(): every call then also runs the compiled backward pass and adds the
   * gradients into their `.grad`, exactly like `loss.backward()`.
   */
  params?: readonly Tensor[];
  /** Extra cache key (e.g. train/eval mode): a new key traces a new plan. */
  key?: () => string;
  /** Plans kept per function (one per signature), oldest dropped first. Default 8. */
  maxPlans?: number;
}

export type CompiledResult = Tensor | Tensor[];

export interface CompiledFunction<R extends CompiledResult> {
  (...args: Tensor[]): R;
  /** Statistics of the plan used by the last call (null before the first call). */
  stats(): PlanStats | null;
  /** Number of plans traced so far. */
  readonly traces: number;
  /** Why the last trace could not become a plan (random numbers, host reads), or null. */
  readonly impure: string | null;
  /** Frees every plan's buffers; the function traces again if called afterwards. */
  dispose(): void;
}

interface Entry {
  plan: Plan;
  outs: { shape: number[]; dtype: Tensor['dtype'] }[];
  isArray: boolean;
}

function signature(args: readonly Tensor[], extra: string): string {
  const parts = args.map((t, i) => {
    const alias = args.findIndex((u) => u._storage === t._storage);
    return `${t.dtype}[${t.shape.join(',')}]${alias !== i ? `=${alias}` : ''}`;
  });
  return `${parts.join(';')}|${extra}`;
}

/** Adds g into p.grad (taking ownership of g), as backward() accumulates. */
function accumulate(p: Tensor, g: Tensor): void {
  if (!p.grad) {
    p.grad = keep(g);
    return;
  }
  const old = p.grad;
  p.grad = keep(noGrad(() => old.add(g)));
  old.dispose();
  g.dispose();
}

export function compile<R extends CompiledResult>(fn: (...args: Tensor[]) => R, opts: CompileOptions = {}): CompiledFunction<R> {
  const params = opts.params ?? [];
  const plans = new Map<string, Entry>();
  let last: Entry | null = null;
  let traces = 0;
  let impure: string | null = null;

  const trace = (args: Tensor[]): R => {
    const be = args[0]?._storage.backend ?? currentBackend();
    const mode = params.length > 0 ? enableGrad : noGrad;
    const { result, events, impure: why } = record(be, () => mode(() => scope(() => {
      const r = fn(...args);
      const outs: unknown[] = Array.isArray(r) ? [...r] : [r];
      if (outs.length === 0 || outs.some((t) => !(t instanceof Tensor))) {
        throw new FlowgradError('bad-argument', 'compile: the function must return a tensor or an array of tensors');
      }
      const ts = outs as Tensor[];
      const grads = params.length > 0 ? grad(ts[0], params) : [];
      return { outs: ts, grads, isArray: Array.isArray(r) };
    })));
    traces++;
    impure = why;
    if (why) {
      result.grads.forEach((g, i) => accumulate(params[i], g));
      return (result.isArray ? result.outs : result.outs[0]) as R;
    }
    const outBufs: BackendBuffer[] = [...result.outs, ...result.grads].map((t) => t._storage.buf);
    const plan = new Plan(be, events, args.map((a) => a._storage.buf), outBufs, opts);
    const entry: Entry = { plan, outs: result.outs.map((t) => ({ shape: [...t.shape], dtype: t.dtype })), isArray: result.isArray };
    result.grads.forEach((g, i) => accumulate(params[i], g));
    last = entry;
    const key = signature(args, opts.key?.() ?? '');
    plans.set(key, entry);
    if (plans.size > (opts.maxPlans ?? 8)) {
      const [oldKey, old] = plans.entries().next().value!;
      plans.delete(oldKey);
      old.plan.dispose();
    }
    return (result.isArray ? result.outs : result.outs[0]) as R;
  };

  const call = (...args: Tensor[]): R => {
    for (const a of args) {
      if (!((a as unknown) instanceof Tensor)) throw new FlowgradError('bad-argument', 'compile: compiled functions take tensors only');
      a._live('compiled function');
    }
    const entry = plans.get(signature(args, opts.key?.() ?? ''));
    if (!entry) return trace(args);
    last = entry;
    const be = args[0]?._storage.backend ?? currentBackend();
    const bufs = entry.plan.run(args.map((a) => a._storage.buf));
    const storages = new Map<BackendBuffer, Storage>();
    const wrap = (buf: BackendBuffer, shape: number[], dtype: Tensor['dtype']): Tensor => {
      let s = storages.get(buf);
      if (s) s.refs++;
      else storages.set(buf, (s = newStorage(be, buf)));
      return new Tensor(s, [...shape], dtype);
    };
    const outs = entry.outs.map((o, i) => wrap(bufs[i], o.shape, o.dtype));
    params.forEach((p, i) => accumulate(p, wrap(bufs[entry.outs.length + i], p.shape, p.dtype)));
    return (entry.isArray ? outs : outs[0]) as R;
  };

  const compiled = Object.assign(call, {
    stats: () => last?.plan.stats ?? null,
    dispose: () => {
      for (const e of plans.values()) e.plan.dispose();
      plans.clear();
      last = null;
    },
  });
  Object.defineProperty(compiled, 'traces', { get: () => traces });
  Object.defineProperty(compiled, 'impure', { get: () => impure });
  return compiled as CompiledFunction<R>;
}

/**
 * A compiled training step for a module: `(x, target) => loss`, running forward, the loss
 * and backward (gradients accumulated into the parameters' .grad). Train and eval mode
 * get separate plans. Call `opt.step()` after it as usual.
 */
export function compileModule(model: CompilableModule, lossFn: (output: Tensor, target: Tensor) => Tensor, opts: Omit<CompileOptions, 'params'> = {}): CompiledFunction<Tensor> {
  const params = model.parameters().filter((p) => p.requiresGrad);
  return compile((x: Tensor, y: Tensor) => lossFn(model.forward(x), y), {
    ...opts,
    params,
    key: () => `${model.training ? 'train' : 'eval'}${opts.key ? `|${opts.key()}` : ''}`,
  });
}
