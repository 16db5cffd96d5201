/**
 * nn.Module and nn.Parameter. Children and parameters are discovered from the module's own
 * properties, in assignment order (`fc1 = new Linear(...)` registers 'fc1'), including
 * arrays of modules ('layers.0'); registerModule/registerParameter/registerBuffer do the same
 * explicitly, e.g. for computed names. Buffers (running statistics) are tensors that are
 * saved and loaded with the parameters but not trained.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { keep } from '../core/memory.ts';
import { Tensor } from '../core/tensor.ts';

/** A trainable tensor: requiresGrad, and never freed by scope(). Shares storage with `data`. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const s = data._storage;
    s.refs++;
    super(s, [...data.shape], data.dtype);
    this.requiresGrad = requiresGrad;
    keep(this);
  }
}

export class Module {
  training = true;
  /** Names registered with registerBuffer (kept in insertion order). */
  private readonly _bufferNames: string[] = [];

  /** Subclasses implement the computation. */
  forward(..._args: Tensor[]): Tensor {
    throw new FlowgradError('unsupported', `${this.constructor.name}: forward() is not implemented`);
  }

  /** Same as forward (JavaScript objects cannot be called like PyTorch modules). */
  call(...args: Tensor[]): Tensor {
    return this.forward(...args);
  }

  registerModule(name: string, m: Module): void {
    (this as unknown as Record<string, unknown>)[name] = m;
  }

  registerParameter(name: string, p: Parameter | null): void {
    (this as unknown as Record<string, unknown>)[name] = p;
  }

  registerBuffer(name: string, t: Tensor | null): void {
    if (t) keep(t);
    if (!this._bufferNames.includes(name)) this._bufferNames.push(name);
    (this as unknown as Record<string, unknown>)[name] = t;
  }

  /** Direct children with their property names. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${k}.${i}`, m]));
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all descendants, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }

  /** Parameters with dotted names like 'fc1.weight', each listed once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [path, m] of this.namedModules()) {
      for (const [k, v] of Object.entries(m)) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push([path ? `${path}.${k}` : k, v]);
        }
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const k of m._bufferNames) {
        const v = (m as unknown as Record<string, unknown>)[k];
        if (v instanceof Tensor) out.push([path ? `${path}.${k}` : k, v]);
      }
    }
    return out;
  }

  /** Parameters and buffers by dotted name (what a checkpoint stores). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values into parameters and buffers by name; strict checks for missing/unexpected keys. */
  loadStateDict(state: Record<string, Tensor | ArrayLike<number>>, strict = true): void {
    const own = this.stateDict();
    if (strict) {
      const missing = Object.keys(own).filter((k) => !(k in state));
      const unexpected = Object.keys(state).filter((k) => !(k in own));
      if (missing.length || unexpected.length) {
        throw new FlowgradError('bad-argument', `loadStateDict: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`);
      }
    }
    for (const [k, t] of Object.entries(own)) {
      const src = state[k];
      if (src === undefined) continue;
      if (src instanceof Tensor && src.size !== t.size) {
        throw new FlowgradError('shape', `loadStateDict: '${k}' is ${fmtShape(t.shape)} but the state has ${fmtShape(src.shape)}`);
      }
      t.assign(src);
    }
  }

  /** Moves parameters and buffers to another backend in place (gradients are dropped). */
  to(backendName: string): this {
    for (const [, m] of this.namedModules()) {
      const props = m as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) {
        if (!(v instanceof Tensor) || v.backend === backendName) continue;
        const moved = v.to(backendName);
        if (v instanceof Parameter) {
          props[k] = new Parameter(moved, v.requiresGrad);
          moved.dispose();
        } else {
          props[k] = keep(moved);
        }
        v.dispose();
      }
    }
    return this;
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees all parameters and buffers (the module is unusable afterwards). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const [, b] of this.namedBuffers()) b.dispose();
  }
}
