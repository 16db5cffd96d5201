/**
 * What every CPU thread runs, the calling thread included: the control block layout shared
 * with pool.ts and the loop of a pool thread. A job is a list of micro-kernel calls (the
 * module's `mm` and `mmp` with their byte addresses) written by the calling thread into a
 * SharedArrayBuffer, with one [start, end) range of that list per thread; the threads all
 * see one shared WebAssembly.Memory. Fork and join are Atomics only (no message per call):
 * the caller bumps GEN and notifies; each thread runs its range and decrements PENDING.
 * This file imports nothing, so a Node worker or a browser worker loads it alone.
 */

export const GEN = 0, PENDING = 1, EXIT = 2;
/** Per-thread [start, end) call ranges from here, two ints per thread. */
export const RANGES = 16, MAX_THREADS = 64;
export const CALLS = RANGES + 2 * MAX_THREADS;
/** One call: kind (0 mm, 1 mmp) then its arguments, padded to a fixed stride. */
export const CALL_INTS = 12, MAX_CALLS = 8192;
export const CTRL_INTS = CALLS + CALL_INTS * MAX_CALLS;
export const KIND_MM = 0, KIND_MMP = 1;
/** Polls of GEN before a thread sleeps in Atomics.wait (a fork shortly after a join is common in training). */
const SPIN = 20000;

export type KernelFn = (...a: number[]) => void;
export interface Kernels { mm: KernelFn; mmp: KernelFn }

/** Runs calls [start, end) of the list in order. */
export function runCalls(ctrl: Int32Array, k: Kernels, start: number, end: number): void {
  for (let c = start; c < end; c++) {
    const o = CALLS + c * CALL_INTS;
    if (ctrl[o] === KIND_MM) k.mm(ctrl[o + 1], ctrl[o + 2], ctrl[o + 3], ctrl[o + 4], ctrl[o + 5], ctrl[o + 6], ctrl[o + 7], ctrl[o + 8], ctrl[o + 9], ctrl[o + 10], ctrl[o + 11]);
    else k.mmp(ctrl[o + 1], ctrl[o + 2], ctrl[o + 3], ctrl[o + 4], ctrl[o + 5], ctrl[o + 6], ctrl[o + 7]);
  }
}

export interface ThreadInit {
  /** The shared WebAssembly.Memory and the compiled module (both structured-cloneable). */
  memory: unknown;
  module: unknown;
  ctrl: SharedArrayBuffer;
  /** This thread's index, 1.. (0 is the calling thread). */
  index: number;
}

interface WasmNs { Instance: new (m: unknown, imports: object) => { exports: Record<string, unknown> } }

/** A pool thread's life: wait for a job, run its range, report, until EXIT. Never returns before EXIT. */
export function runCpuThread(init: ThreadInit): void {
  const wa = (globalThis as unknown as { WebAssembly: WasmNs }).WebAssembly;
  const inst = new wa.Instance(init.module, { e: { m: init.memory } });
  const k: Kernels = { mm: inst.exports.mm as KernelFn, mmp: inst.exports.mmp as KernelFn };
  const ctrl = new Int32Array(init.ctrl);
  let seen = Atomics.load(ctrl, GEN);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, GEN) === seen && spins < SPIN) spins++;
    if (Atomics.load(ctrl, GEN) === seen) {
      Atomics.wait(ctrl, GEN, seen);
      continue;
    }
    seen = Atomics.load(ctrl, GEN);
    if (Atomics.load(ctrl, EXIT)) return;
    const r = RANGES + 2 * init.index;
    runCalls(ctrl, k, ctrl[r], ctrl[r + 1]);
    if (Atomics.sub(ctrl, PENDING, 1) === 1) Atomics.notify(ctrl, PENDING);
  }
}
