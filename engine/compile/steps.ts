/**
 * The plan's intermediate form: a trace (trace.ts) turned into steps over virtual buffers.
 * A virtual buffer is one buffer the eager run allocated (internal), a compiled function's
 * argument (input) or something that lived before the trace, such as a parameter
 * (external). Kernel arguments keep their shape and number fields; buffer fields become
 * VRefs, resolved to real buffers once the memory plan has assigned them.
 */
import type { BackendBuffer, FusedNode, AnyKernelName } from '../backend/types.ts';
import type { DType } from '../core/dtype.ts';
import type { TraceEvent } from './trace.ts';

export type VKind = 'internal' | 'input' | 'external';

export interface VBuf {
  readonly id: number;
  readonly dtype: DType;
  readonly size: number;
  readonly kind: VKind;
  /** The buffer seen during the trace (inputs: the traced argument's). */
  readonly traced: BackendBuffer;
}

/** A reference to virtual buffer `id` inside kernel arguments. */
export class VRef {
  constructor(readonly id: number) {}
}

export interface Step {
  readonly kernel: AnyKernelName | 'fused' | 'write';
  /** Kernel arguments with VRefs for buffers ('fused': { nodes, inputs: VRef[], out }). */
  readonly args: Record<string, unknown>;
  readonly reads: number[];
  readonly writes: number[];
  /** Host values of a 'write' step. */
  readonly data?: Float64Array;
  /** For fused steps: how many eager kernels it replaces. */
  readonly replaces?: number;
}

export type FusedStepArgs = { nodes: FusedNode[]; inputs: VRef[]; out: VRef };

/** Buffer fields a kernel writes (default 'out'); RMW ones are also read. */
const WRITES: Partial<Record<AnyKernelName, string[]>> = {
  maxPool2d: ['out', 'argmax'],
  sgd: ['param', 'buf'],
  adam: ['param', 'm', 'v', 'vMax'],
};
const READ_MODIFY_WRITE: Partial<Record<AnyKernelName, string[]>> = {
  col2im: ['out'], indexAdd: ['out'], scatterAdd: ['out'], sgd: ['param', 'buf'], adam: ['param', 'm', 'v', 'vMax'],
};

function isBuffer(v: unknown): v is BackendBuffer {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && 'dtype' in v && 'size' in v;
}

export interface Program {
  vbufs: VBuf[];
  steps: Step[];
  inputs: number[];
  outputs: number[];
  /** Kernels and allocations of the eager run (for stats). */
  eagerKernels: number;
  eagerBuffers: number;
  eagerBytes: number;
}

/** Turns trace events into steps; `inputBufs`/`outputBufs` are the traced arguments and results. */
export function toProgram(events: readonly TraceEvent[], inputBufs: readonly BackendBuffer[], outputBufs: readonly BackendBuffer[], bytesPer: (d: DType) => number): Program {
  const vbufs: VBuf[] = [];
  const byBuf = new Map<BackendBuffer, number>();
  const add = (buf: BackendBuffer, kind: VKind): number => {
    const id = vbufs.length;
    vbufs.push({ id, dtype: buf.dtype, size: buf.size, kind, traced: buf });
    byBuf.set(buf, id);
    return id;
  };
  const inputs = inputBufs.map((b) => byBuf.get(b) ?? add(b, 'input'));
  const idOf = (b: BackendBuffer): number => byBuf.get(b) ?? add(b, 'external');
  const steps: Step[] = [];
  let eagerKernels = 0, eagerBuffers = 0, eagerBytes = 0;
  for (const e of events) {
    if (e.kind === 'alloc') {
      add(e.buf, 'internal');
      eagerBuffers++;
      eagerBytes += e.buf.size * bytesPer(e.buf.dtype);
    } else if (e.kind === 'write') {
      steps.push({ kernel: 'write', args: {}, reads: [], writes: [idOf(e.buf)], data: e.data });
    } else {
      eagerKernels++;
      const args: Record<string, unknown> = {};
      const reads: number[] = [], writes: number[] = [];
      const w = WRITES[e.kernel] ?? ['out'], rmw = READ_MODIFY_WRITE[e.kernel] ?? [];
      for (const [k, v] of Object.entries(e.args)) {
        if (!isBuffer(v)) { args[k] = v; continue; }
        const id = idOf(v);
        args[k] = new VRef(id);
        if (w.includes(k)) writes.push(id);
        if (!w.includes(k) || rmw.includes(k)) reads.push(id);
      }
      steps.push({ kernel: e.kernel, args, reads, writes });
    }
  }
  const outputs = outputBufs.map(idOf);
  return { vbufs, steps, inputs, outputs, eagerKernels, eagerBuffers, eagerBytes };
}

/** Removes steps whose results nobody reads (after fusion, e.g. folded scalar constants). */
export function dropDeadSteps(p: Program): void {
  const needed = new Set<number>(p.outputs);
  const keep: Step[] = [];
  for (let i = p.steps.length - 1; i >= 0; i--) {
    const s = p.steps[i];
    const live = s.writes.some((v) => needed.has(v) || p.vbufs[v].kind !== 'internal');
    if (!live) continue;
    for (const r of s.reads) needed.add(r);
    keep.push(s);
  }
  p.steps = keep.reverse();
}
