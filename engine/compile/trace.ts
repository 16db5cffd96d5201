/**
 * Tracing at the backend boundary. While `record` runs a function eagerly, every buffer the
 * backend allocates, every host write and every kernel it runs is logged in order. This is
 * the whole computation as the backend sees it — forward ops, gradient rules, dtype casts,
 * in-place updates (batch-norm running statistics) and temporaries inside ops — with no
 * cooperation needed from any op, so every op in the table (and any future one) compiles.
 * Views (reshape, detach) never reach the backend: they simply reuse a buffer.
 */
import type { AllKernelArgs, AnyKernelName, Backend, BackendBuffer } from '../backend/types.ts';
import { FlowgradError } from '../core/errors.ts';
import { randomDraws } from '../core/rng.ts';

export type TraceEvent =
  | { kind: 'alloc'; buf: BackendBuffer }
  | { kind: 'write'; buf: BackendBuffer; data: Float64Array }
  | { kind: 'run'; kernel: AnyKernelName; args: Record<string, unknown> };

let active = false;
let checking = false;

/**
 * Runs a host read that only validates (an index or label range check), so a trace does not
 * count it as a value the plan depends on. Replays of the plan skip the check.
 */
export function hostCheck<T>(fn: () => T): T {
  const was = checking;
  checking = true;
  try {
    return fn();
  } finally {
    checking = was;
  }
}

/** True while a compile trace is recording (ops may use it to refuse host-dependent work). */
export function isTracing(): boolean {
  return active;
}

type Patched = Pick<Backend, 'alloc' | 'write' | 'run' | 'read' | 'readSync'>;

/**
 * Runs fn eagerly on `be`, returning its result, the backend calls it made and, when the
 * run depended on more than its inputs' buffers, why: random numbers drawn (dropout masks)
 * or device values read on the host (item(), a branch on data). Such a recording replays
 * those values frozen, so it must not be reused as a plan.
 */
export function record<T>(be: Backend, fn: () => T): { result: T; events: TraceEvent[]; impure: string | null } {
  if (active) throw new FlowgradError('unsupported', 'compile: cannot trace inside another compile trace');
  const events: TraceEvent[] = [];
  const target = be as unknown as Record<keyof Patched, unknown>;
  const own = (['alloc', 'write', 'run', 'read', 'readSync'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(be, k)] as const);
  const orig: Patched = { alloc: be.alloc.bind(be), write: be.write.bind(be), run: be.run.bind(be), read: be.read.bind(be), readSync: be.readSync.bind(be) };
  let reads = 0;
  target.read = (buf: BackendBuffer) => {
    if (!checking) reads++;
    return orig.read(buf);
  };
  target.readSync = (buf: BackendBuffer) => {
    if (!checking) reads++;
    return orig.readSync(buf);
  };
  target.alloc = (dtype: BackendBuffer['dtype'], size: number) => {
    const buf = orig.alloc(dtype, size);
    events.push({ kind: 'alloc', buf });
    return buf;
  };
  target.write = (buf: BackendBuffer, data: ArrayLike<number>) => {
    orig.write(buf, data);
    const copy = new Float64Array(buf.size);
    for (let i = 0; i < buf.size; i++) copy[i] = Number(data[i]);
    events.push({ kind: 'write', buf, data: copy });
  };
  target.run = <K extends AnyKernelName>(kernel: K, args: AllKernelArgs[K]) => {
    orig.run(kernel, args);
    events.push({ kind: 'run', kernel, args: { ...(args as object) } as Record<string, unknown> });
  };
  active = true;
  const draws0 = randomDraws();
  try {
    const result = fn();
    const impure = randomDraws() !== draws0 ? 'it draws random numbers (dropout, noise)' : reads > 0 ? 'it reads tensor values on the host' : null;
    return { result, events, impure };
  } finally {
    active = false;
    for (const [k, desc] of own) {
      if (desc) Object.defineProperty(be, k, desc);
      else delete target[k];
    }
  }
}
