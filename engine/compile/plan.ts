/**
 * An executable plan: the traced program after fusion and dead-step removal, with a memory
 * plan. Every internal buffer gets a live range (first to last step touching it); buffers
 * whose ranges do not overlap share one physical buffer of the same dtype and size, assigned
 * greedily in step order. The physical buffers (the arena) are allocated once and live as
 * long as the plan, so a step of a compiled training loop allocates nothing but its outputs.
 * Outputs get fresh buffers on every run (the caller owns them); inputs are bound per run;
 * external buffers (parameters, captured constants) are used in place and held alive.
 */
import type { Backend, BackendBuffer, FusedArgs } from '../backend/types.ts';
import { bytesPerElement } from '../core/dtype.ts';
import { FlowgradError } from '../core/errors.ts';
import { releaseStorage, storageOf } from '../core/memory.ts';
import type { Storage } from '../core/memory.ts';
import { fuse } from './fuse.ts';
import { dropDeadSteps, toProgram, VRef } from './steps.ts';
import type { Program, Step } from './steps.ts';
import type { TraceEvent } from './trace.ts';

export interface PlanStats {
  /** Kernels the eager run dispatched. */
  eagerKernels: number;
  /** Kernels one run of the plan dispatches (fused ones count once). */
  kernels: number;
  /** Fused kernels among them, and how many eager kernels they replace. */
  fusedKernels: number;
  fusedAway: number;
  /** Buffers the eager run allocated, and their total bytes. */
  eagerBuffers: number;
  eagerBytes: number;
  /** Buffers the plan uses: the arena plus fresh outputs per run, and their bytes. */
  buffers: number;
  bytes: number;
}

export interface PlanOptions {
  fuse?: boolean;
  reuse?: boolean;
}

interface Patch { obj: Record<string | number, unknown>; key: string | number; id: number }
interface Exec { kernel: Step['kernel']; args: Record<string, unknown>; data?: Float64Array; buf?: BackendBuffer }

export class Plan {
  readonly stats: PlanStats;
  private readonly exec: Exec[] = [];
  private readonly patches: Patch[] = [];
  private readonly arena: BackendBuffer[] = [];
  private readonly held: Storage[] = [];
  private readonly program: Program;
  private disposed = false;

  constructor(private readonly be: Backend, events: readonly TraceEvent[], inputBufs: readonly BackendBuffer[], outputBufs: readonly BackendBuffer[], opts: PlanOptions = {}) {
    const p = toProgram(events, inputBufs, outputBufs, bytesPerElement);
    this.program = p;
    if ((opts.fuse ?? true) && be.runFused) fuse(p);
    dropDeadSteps(p);
    for (const v of p.vbufs) {
      if (v.kind !== 'external') continue;
      const s = storageOf(v.traced);
      if (s) { s.refs++; this.held.push(s); }
    }
    const phys = this.assign(p, opts.reuse ?? true);
    for (const s of p.steps) this.exec.push(this.resolve(s, phys));
    const outs = new Set(p.outputs.filter((o) => p.vbufs[o].kind === 'internal'));
    const fused = p.steps.filter((s) => s.kernel === 'fused');
    this.stats = {
      eagerKernels: p.eagerKernels,
      kernels: p.steps.filter((s) => s.kernel !== 'write').length,
      fusedKernels: fused.length,
      fusedAway: fused.reduce((n, s) => n + (s.replaces ?? 1) - 1, 0),
      eagerBuffers: p.eagerBuffers,
      eagerBytes: p.eagerBytes,
      buffers: this.arena.length + outs.size,
      bytes: [...this.arena, ...[...outs].map((o) => p.vbufs[o])].reduce((n, b) => n + b.size * bytesPerElement(b.dtype), 0),
    };
  }

  /** Physical buffer per internal, non-output virtual buffer (undefined: bound per run). */
  private assign(p: Program, reuse: boolean): (BackendBuffer | undefined)[] {
    const first = new Map<number, number>(), last = new Map<number, number>();
    p.steps.forEach((s, i) => {
      for (const v of [...s.reads, ...s.writes]) {
        if (!first.has(v)) first.set(v, i);
        last.set(v, i);
      }
    });
    const outputs = new Set(p.outputs);
    const phys: (BackendBuffer | undefined)[] = new Array(p.vbufs.length);
    const free = new Map<string, BackendBuffer[]>();
    const startAt: number[][] = p.steps.map(() => []), endAt: number[][] = p.steps.map(() => []);
    for (const [v, i] of first) {
      const vb = p.vbufs[v];
      if (vb.kind !== 'internal' || outputs.has(v)) continue;
      startAt[i].push(v);
      endAt[last.get(v)!].push(v);
    }
    p.steps.forEach((_, i) => {
      for (const v of startAt[i]) {
        const vb = p.vbufs[v], key = `${vb.dtype}:${vb.size}`;
        let b = reuse ? free.get(key)?.pop() : undefined;
        if (!b) {
          b = this.be.alloc(vb.dtype, vb.size);
          this.arena.push(b);
        }
        phys[v] = b;
      }
      for (const v of endAt[i]) {
        const vb = p.vbufs[v], key = `${vb.dtype}:${vb.size}`;
        (free.get(key) ?? free.set(key, []).get(key)!).push(phys[v]!);
      }
    });
    return phys;
  }

  /** Kernel arguments with physical buffers; input/output ones recorded as per-run patches. */
  private resolve(s: Step, phys: (BackendBuffer | undefined)[]): Exec {
    const p = this.program;
    const bind = (obj: Record<string | number, unknown>, key: string | number, ref: VRef) => {
      const vb = p.vbufs[ref.id];
      if (vb.kind === 'external') obj[key] = vb.traced;
      else if (phys[ref.id]) obj[key] = phys[ref.id];
      else this.patches.push({ obj, key, id: ref.id });
    };
    if (s.kernel === 'write') {
      const holder: Record<string, unknown> = {};
      bind(holder, 'buf', new VRef(s.writes[0]));
      return { kernel: 'write', args: holder, data: s.data };
    }
    const args: Record<string, unknown> = { ...s.args };
    for (const [k, v] of Object.entries(args)) {
      if (v instanceof VRef) bind(args, k, v);
    }
    if (s.kernel === 'fused') {
      const inputs = (s.args.inputs as VRef[]).map(() => null as unknown);
      (s.args.inputs as VRef[]).forEach((r, i) => bind(inputs as unknown as Record<number, unknown>, i, r));
      args.inputs = inputs;
    }
    return { kernel: s.kernel, args };
  }

  /** Runs the plan on `inputs` (buffers in argument order); returns fresh output buffers. */
  run(inputs: readonly BackendBuffer[]): BackendBuffer[] {
    if (this.disposed) throw new FlowgradError('disposed', 'compiled plan was disposed');
    const p = this.program, be = this.be;
    const bound = new Map<number, BackendBuffer>();
    p.inputs.forEach((id, i) => bound.set(id, inputs[i]));
    const results = p.outputs.map((id) => {
      const vb = p.vbufs[id];
      if (vb.kind === 'internal' && bound.has(id)) return bound.get(id)!;
      const b = be.alloc(vb.dtype, vb.size);
      if (vb.kind === 'internal') bound.set(id, b);
      return b;
    });
    for (const { obj, key, id } of this.patches) {
      const b = bound.get(id);
      if (!b) throw new FlowgradError('internal', `compiled plan: buffer ${id} (${p.vbufs[id].kind}) has no binding`);
      obj[key] = b;
    }
    for (const e of this.exec) {
      if (e.kernel === 'write') be.write(e.args.buf as BackendBuffer, e.data!);
      else if (e.kernel === 'fused') be.runFused!(e.args as unknown as FusedArgs);
      else be.run(e.kernel, e.args as never);
    }
    // Results that are arguments or captured tensors themselves: copy them out.
    p.outputs.forEach((id, i) => {
      const vb = p.vbufs[id];
      if (vb.kind !== 'internal') be.run('cast', { x: vb.kind === 'input' ? bound.get(id)! : vb.traced, out: results[i] });
    });
    return results;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.arena) this.be.free(b);
    for (const s of this.held) releaseStorage(s);
  }
}
