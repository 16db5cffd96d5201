/**
 * What every CPU thread runs, the calling thread included: the control block layout shared
 * with pool.ts and the loop of a pool thread. A job is a list of micro-kernel calls (the
 * module's `mm` and `mmp` with their byte addresses) cut into chunks, written by the calling
 * thread into a SharedArrayBuffer; all threads see one shared WebAssembly.Memory. Fork and
 * join are Atomics only (no message per call): the caller publishes the job and bumps GEN;
 * every thread, the caller too, claims chunks one at a time and counts them done. Chunks are
 * claimed, not assigned, so a thread the OS does not schedule (a busy machine, other tabs)
 * delays no one: the others take its share. Which thread runs a chunk never changes its
 * results, since chunks cover disjoint outputs.
 * A job may also be a JavaScript kernel over tensors in the shared memory (threadOps.ts):
 * its calls are (op, u0, u1) and its constants sit in the shared params block.
 * This file imports only the kernels (and the clock), so a Node worker or a browser worker loads it alone.
 */
import { now } from '../../core/host.ts';
import { JS_OPS, PARAM_SLOTS, viewsOf } from './threadOps.ts';
import { useWasmPack } from './pack.ts';
import type { WasmPack } from './pack.ts';
import { useWasmAdam } from './optim.ts';
import type { WasmAdam } from './optim.ts';
import { useWasmEw } from './elementwise.ts';
import type { WasmEw } from './elementwise.ts';
import { useWasmColSum, useWasmRowSum } from './reduce.ts';
import type { WasmColSum, WasmRowSum } from './reduce.ts';
import './fusedOps.ts'; // registers the fused-program job (OP_FUSED) in JS_OPS

export const GEN = 0, EXIT = 1, NCHUNKS = 2, DONE = 3;
/** Chunks run by pool threads (not the caller) since the pool started: tests check that threads help. */
export const HELPED = 5;
/** Chunks the pool threads have claimed in the current job (they count from the last chunk back). */
export const BACK = 7;
/** (job tag << TAG_SHIFT) | next chunk: a claim is one compareExchange, and never lands in another job. */
export const CLAIM = 4, TAG_SHIFT = 12, MAX_CHUNKS = 1 << TAG_SHIFT;
/** Chunk c is calls [ctrl[CHUNKS + c], ctrl[CHUNKS + c + 1]). */
export const CHUNKS = 16;
export const CALLS = CHUNKS + MAX_CHUNKS + 1;
/** One call: kind (0 mm, 1 mmp, 2 a JavaScript kernel) then its arguments, padded to a fixed stride. */
export const CALL_INTS = 12, MAX_CALLS = 8192;
/**
 * Profiling only (pool.ts setPoolTiming): TIMING is 1 while threads time their chunks, into
 * the counters at STATS: [chunk time in 0.1 µs, calls, wake-ups from sleep] for the pool
 * threads, and 16 ints (a cache line) further on for the calling thread, apart from each other
 * and from the claim word.
 */
export const TIMING = 6, STATS = (CALLS + CALL_INTS * MAX_CALLS + 15) & ~15, STATS_CALLER = 16;
export const CTRL_INTS = STATS + 2 * STATS_CALLER;
export const KIND_MM = 0, KIND_MMP = 1, KIND_JS = 2, MAX_THREADS = 64;
/**
 * Polls of GEN (and of DONE at a join) before a thread sleeps in Atomics.wait: 0.2–0.35 ms on
 * the 2-core VM, about the JavaScript gap between two eager training ops, so a helper is still
 * awake for the next job, while an idle pool sleeps after well under a millisecond (a spinning
 * thread takes CPU time from everything else on a busy machine). 2,000 polls (~20 µs) slept
 * between ops and woke by futex: LeNet-5 in Chromium 1.46× at 2 threads vs 1.55× with this,
 * compiled 1.46× vs 1.65× (back to back; 100,000 gave the same as this).
 */
export const SPIN = 20000;

export type KernelFn = (...a: number[]) => void;
export interface Kernels { mm: KernelFn; mmp: KernelFn; js: (op: number, u0: number, u1: number) => void }

/** The job tag of generation `gen` as it sits in CLAIM. */
export const tagOf = (gen: number): number => (gen & ((1 << (31 - TAG_SHIFT)) - 1)) << TAG_SHIFT;

function runCalls(ctrl: Int32Array, k: Kernels, start: number, end: number): void {
  for (let c = start; c < end; c++) {
    const o = CALLS + c * CALL_INTS;
    const kind = ctrl[o];
    if (kind === KIND_JS) k.js(ctrl[o + 1], ctrl[o + 2], ctrl[o + 3]);
    else if (kind === KIND_MM) k.mm(ctrl[o + 1], ctrl[o + 2], ctrl[o + 3], ctrl[o + 4], ctrl[o + 5], ctrl[o + 6], ctrl[o + 7], ctrl[o + 8], ctrl[o + 9], ctrl[o + 10], ctrl[o + 11]);
    else k.mmp(ctrl[o + 1], ctrl[o + 2], ctrl[o + 3], ctrl[o + 4], ctrl[o + 5], ctrl[o + 6], ctrl[o + 7]);
  }
}

/** runCalls, adding its time and call count to the helpers' or the caller's STATS counters. */
function timedCalls(ctrl: Int32Array, k: Kernels, start: number, end: number, helper: boolean): void {
  const t0 = now();
  runCalls(ctrl, k, start, end);
  const at = STATS + (helper ? 0 : STATS_CALLER);
  Atomics.add(ctrl, at, Math.round((now() - t0) * 1e4));
  Atomics.add(ctrl, at + 1, end - start);
}

/**
 * Claims and runs chunks of job `gen` until none is left (or the job is over); wakes the caller
 * on the last. A claim takes one of the job's n chunks (CLAIM counts them); the calling thread
 * runs its claims from the first chunk forwards, the pool threads theirs from the last chunk
 * backwards, so the two ends never meet (claims ≤ n) and each thread keeps to its end of the
 * output from job to job: an elementwise op after a product reads mostly what its own core
 * wrote, not lines from the other core's cache.
 */
export function work(ctrl: Int32Array, k: Kernels, gen: number, helper: boolean): void {
  const tag = tagOf(gen), n = Atomics.load(ctrl, NCHUNKS);
  for (let front = 0; ;) {
    const v = Atomics.load(ctrl, CLAIM);
    if ((v & ~(MAX_CHUNKS - 1)) !== tag) return;
    if ((v & (MAX_CHUNKS - 1)) >= n) return;
    if (Atomics.compareExchange(ctrl, CLAIM, v, v + 1) !== v) continue;
    const c = helper ? n - 1 - Atomics.add(ctrl, BACK, 1) : front++;
    if (ctrl[TIMING]) timedCalls(ctrl, k, ctrl[CHUNKS + c], ctrl[CHUNKS + c + 1], helper);
    else runCalls(ctrl, k, ctrl[CHUNKS + c], ctrl[CHUNKS + c + 1]);
    if (helper) Atomics.add(ctrl, HELPED, 1);
    if (Atomics.add(ctrl, DONE, 1) === n - 1) Atomics.notify(ctrl, DONE);
  }
}

export interface ThreadInit {
  /** The shared WebAssembly.Memory and the compiled module (both structured-cloneable). */
  memory: unknown;
  module: unknown;
  ctrl: SharedArrayBuffer;
  /** The current job's constants (PARAM_SLOTS float64s) for JavaScript kernels. */
  params: SharedArrayBuffer;
}

interface WasmNs { Instance: new (m: unknown, imports: object) => { exports: Record<string, unknown> } }

/** A pool thread's life: wait for a job, help with it, until EXIT. Never returns before EXIT. */
export function runCpuThread(init: ThreadInit): void {
  const wa = (globalThis as unknown as { WebAssembly: WasmNs }).WebAssembly;
  const inst = new wa.Instance(init.module, { e: { m: init.memory } });
  const memory = init.memory as { buffer: SharedArrayBuffer };
  const params = new Float64Array(init.params, 0, PARAM_SLOTS);
  // The whole memory by dtype, remade when another thread grew it (old views stay valid, only shorter).
  let V = viewsOf(memory.buffer);
  const js = (op: number, u0: number, u1: number): void => {
    const buf = memory.buffer;
    if (buf.byteLength !== V.u8.byteLength) V = viewsOf(buf);
    JS_OPS[op](V, params, u0, u1);
  };
  const k: Kernels = { mm: inst.exports.mm as KernelFn, mmp: inst.exports.mmp as KernelFn, js };
  useWasmPack(inst.exports.pack as WasmPack);
  useWasmAdam(inst.exports.adam as WasmAdam);
  useWasmEw(inst.exports.ew as WasmEw);
  useWasmColSum(inst.exports.colsum as WasmColSum);
  useWasmRowSum(inst.exports.rowsum as WasmRowSum);
  const ctrl = new Int32Array(init.ctrl);
  let seen = Atomics.load(ctrl, GEN);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, GEN) === seen && spins < SPIN) spins++;
    if (Atomics.load(ctrl, GEN) === seen) {
      // A job published while this thread slept costs it a wake-up (tens of µs on a VM): counted when timing.
      if (Atomics.wait(ctrl, GEN, seen) === 'ok' && ctrl[TIMING]) Atomics.add(ctrl, STATS + 2, 1);
      continue;
    }
    seen = Atomics.load(ctrl, GEN);
    if (Atomics.load(ctrl, EXIT)) return;
    work(ctrl, k, seen, true);
  }
}
