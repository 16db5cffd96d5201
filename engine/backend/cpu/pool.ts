/**
 * The CPU thread pool: `setThreads(n)` starts n − 1 threads through the installed ThreadHost
 * (engine/core/threads.ts), all on the kernel's shared WebAssembly.Memory; `parallel` runs a
 * kernel's micro-kernel calls across them. A kernel describes its work as `units` independent
 * output ranges (panels of columns, of rows, or images) and an `emit(sink, u0, u1)` that
 * issues the calls for units [u0, u1) in a fixed order; every output block is then computed
 * by the same calls in the same order whatever the thread count, so results are bit-identical
 * at 1, 2 or N threads. Small work (under MIN_WORK multiply-adds per thread), a call list too
 * long for the control block, or no pool at all run the same emit on the calling thread.
 * The calling thread takes the first range and then waits: Atomics.wait where the host
 * allows it (workers, Node), a spin on a browser main thread (the bench page), which may not block.
 */
import { now } from '../../core/host.ts';
import { canShareMemory, threadHost } from '../../core/threads.ts';
import type { ThreadHandle } from '../../core/threads.ts';
import { BACK, CALL_INTS, CALLS, CHUNKS, CLAIM, CTRL_INTS, DONE, EXIT, GEN, KIND_JS, KIND_MM, KIND_MMP, MAX_CALLS, MAX_CHUNKS, MAX_THREADS, HELPED, NCHUNKS, SPIN, STATS, STATS_CALLER, TIMING, tagOf, work } from './threadLoop.ts';
import type { Kernels, ThreadInit } from './threadLoop.ts';
import { JS_OPS, PARAM_SLOTS, viewsOf } from './threadOps.ts';
import type { Views } from './threadOps.ts';
import { wasmMatmul } from './wasm.ts';
import type { MmCall } from './wasm.ts';

/** Where a kernel's calls go: straight into the module, or into the shared call list. */
export interface Sink {
  mm(q: MmCall): void;
  mmp(a: number, b: number, c: number, mPanels: number, nPanels: number, k: number, bRow: number): void;
  /** JavaScript kernel `op` of threadOps.ts over units [u0, u1), with the constants in jobParams(). */
  js(op: number, u0: number, u1: number): void;
}

/** Multiply-adds a thread must get before a kernel is split (PERFORMANCE.md: one thread below ~64³). */
export const MIN_WORK = 1 << 17;

/**
 * Whether a kernel takes its job path for `work` units: at least two chunks' worth. Split where
 * threads run, else run right here; at one thread too, since the jobs' loops over the shared
 * memory measured faster than the one-thread kernels (Chromium, one thread: LeNet-5 65 → 85
 * steps/s, the MLP 171 → 189), with the same results.
 */
export const worth = (work: number): boolean => work >= 2 * MIN_WORK;

/** `size` threads started (the caller included), `threads` of them used by kernels now. */
interface Pool { size: number; threads: number; ctrl: Int32Array; handles: ThreadHandle[]; canWait: boolean }
/** The job constants of JavaScript kernels: in a SharedArrayBuffer once threads may read them. */
let params: Float64Array<ArrayBufferLike> = new Float64Array(PARAM_SLOTS);

/** Where a kernel writes its constants before `parallel` (valid until the next setThreads). */
export function jobParams(): Float64Array<ArrayBufferLike> {
  return params;
}

/** The whole kernel memory by dtype (what JavaScript kernels index), remade after it grew. */
let views: Views | null = null;
const memViews = (): Views => {
  const f32 = wasmMatmul!.view(0);
  if (views?.f32 !== f32) views = { ...viewsOf(f32.buffer), f32 };
  return views;
};
const runJs = (op: number, u0: number, u1: number): void => JS_OPS[op](memViews(), params, u0, u1);
/** The calling thread's kernels for work(): the shared module's exports (bound once, before any pool). */
let callerKernels: Kernels | null = null;
let pool: Pool | null = null;
let starting: Promise<number> = Promise.resolve(1);
let forks = 0, forkedChunks = 0;

/** Jobs split across threads so far (tests check that the threaded path ran). */
export function threadedJobs(): number {
  return forks;
}

/** Chunks of split jobs so far, whoever ran them (with helpedChunks: the pool threads' share). */
export function splitChunks(): number {
  return forkedChunks;
}

/** Chunks the current pool's threads (not the caller) have run. */
export function helpedChunks(): number {
  return pool ? Atomics.load(pool.ctrl, HELPED) : 0;
}

/**
 * Where split jobs' time goes, for profiling (bench/profile-threads.ts), since the last take:
 * the chunks the pool threads and the calling thread ran (milliseconds, and micro-kernel calls
 * out of the jobs' `calls`), the pool threads' wake-ups from sleep (each a job they started
 * late), and the caller's time writing and publishing the call lists and waiting at joins.
 */
export interface PoolTimes { jobs: number; calls: number; helperMs: number; helperCalls: number; helperWakes: number; callerMs: number; callerCalls: number; recordMs: number; joinMs: number }
let timing: { jobs: number; calls: number; recordMs: number; joinMs: number } | null = null;

/** Starts (or stops) timing split jobs; off by default, since it reads the clock around every chunk. */
export function setPoolTiming(on: boolean): void {
  timing = on ? { jobs: 0, calls: 0, recordMs: 0, joinMs: 0 } : null;
  if (!pool) return;
  for (const i of [STATS, STATS + 1, STATS + 2, STATS + STATS_CALLER, STATS + STATS_CALLER + 1]) Atomics.store(pool.ctrl, i, 0);
  Atomics.store(pool.ctrl, TIMING, on ? 1 : 0);
}

/** The split jobs' times since the last call (or since timing started), then zero; null when timing is off or there is no pool. */
export function takePoolTimes(): PoolTimes | null {
  if (!timing || !pool) return null;
  const c = pool.ctrl, take = (i: number) => Atomics.exchange(c, i, 0);
  const t: PoolTimes = {
    jobs: timing.jobs, calls: timing.calls, recordMs: timing.recordMs, joinMs: timing.joinMs,
    helperMs: take(STATS) / 1e4, helperCalls: take(STATS + 1), helperWakes: take(STATS + 2), callerMs: take(STATS + STATS_CALLER) / 1e4, callerCalls: take(STATS + STATS_CALLER + 1),
  };
  timing = { jobs: 0, calls: 0, recordMs: 0, joinMs: 0 };
  return t;
}

const direct: Sink | null = wasmMatmul && {
  mm: (q) => wasmMatmul!.mm(q),
  mmp: (a, b, c, mp, np, k, bRow) => wasmMatmul!.mmPacked(a, b, c, mp, np, k, bRow),
  js: runJs,
};

/** Threads the CPU kernels use now (1 without a pool). */
export function getThreads(): number {
  return pool?.threads ?? 1;
}

function stop(): void {
  if (!pool) return;
  Atomics.store(pool.ctrl, EXIT, 1);
  Atomics.add(pool.ctrl, GEN, 1);
  Atomics.notify(pool.ctrl, GEN);
  for (const h of pool.handles) h.terminate();
  pool = null;
}

/** Whether Atomics.wait may block this thread (not on a browser main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Uses n threads for the CPU kernels (n − 1 started, the caller being one), or 1 where this
 * host cannot share memory or start threads. Resolves to the count in effect. Results do not
 * depend on it. At 1 the kernel memory is still shared where threads could run.
 */
export function setThreads(n: number): Promise<number> {
  const want = Math.max(1, Math.min(MAX_THREADS, Math.floor(Number.isFinite(n) ? n : 1)));
  starting = starting.then(async () => {
    // One thread where threads could run still keeps tensors in the shared memory: kernels read
    // them in place (no operand copies) and take the SIMD paths that need it, as at N threads,
    // so one thread and N differ only in the threads.
    if (want === 1 && !pool && threadHost() && wasmMatmul && canShareMemory()) wasmMatmul.share();
    if (want === getThreads()) return want;
    // Fewer threads than started: the others stay asleep (no restart between settings).
    if (pool && want <= pool.size) return (pool.threads = want);
    stop();
    const host = threadHost();
    if (want === 1 || !host || !wasmMatmul || !canShareMemory()) return 1;
    const shared = wasmMatmul.share();
    if (!shared) return 1;
    const ctrl = new SharedArrayBuffer(CTRL_INTS * 4), sharedParams = new SharedArrayBuffer(PARAM_SLOTS * 8);
    const spawned = await Promise.allSettled(
      Array.from({ length: want - 1 }, () => host.spawn({ ...shared, ctrl, params: sharedParams } satisfies ThreadInit)),
    );
    const handles = spawned.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (handles.length < want - 1) {
      for (const h of handles) h.terminate();
      return 1;
    }
    pool = { size: want, threads: want, ctrl: new Int32Array(ctrl), handles, canWait: canBlock() };
    callerKernels = null;
    if (timing) Atomics.store(pool.ctrl, TIMING, 1);
    params = new Float64Array(sharedParams);
    return want;
  });
  return starting;
}

/**
 * A sink appending to the shared call list; `full` once it overflowed. Arguments go straight
 * into the list, with no array per call: recording runs on the calling thread while the pool
 * threads wait for the job (128×784·784×256 at 2 threads: 15 → 7 µs for its 80 calls).
 */
class Recorder implements Sink {
  count = 0;
  full = false;
  constructor(private readonly ctrl: Int32Array) {}
  /** Where the next call's arguments go (its kind written), or −1 once the list is full. */
  private next(kind: number): number {
    if (this.count >= MAX_CALLS) { this.full = true; return -1; }
    const o = CALLS + this.count++ * CALL_INTS;
    this.ctrl[o] = kind;
    return o;
  }
  mm(q: MmCall): void {
    const o = this.next(KIND_MM), c = this.ctrl;
    if (o < 0) return;
    c[o + 1] = q.aTable; c[o + 2] = q.aStep; c[o + 3] = q.b; c[o + 4] = q.bTable; c[o + 5] = q.bPanel; c[o + 6] = q.c;
    c[o + 7] = q.ldc; c[o + 8] = q.mPanels; c[o + 9] = q.nPanels; c[o + 10] = q.k; c[o + 11] = q.accumulate ? 1 : 0;
  }
  mmp(a: number, b: number, cc: number, mp: number, np: number, k: number, bRow: number): void {
    const o = this.next(KIND_MMP), c = this.ctrl;
    if (o < 0) return;
    c[o + 1] = a; c[o + 2] = b; c[o + 3] = cc; c[o + 4] = mp; c[o + 5] = np; c[o + 6] = k; c[o + 7] = bRow;
  }
  js(op: number, u0: number, u1: number): void {
    const o = this.next(KIND_JS), c = this.ctrl;
    if (o < 0) return;
    c[o + 1] = op; c[o + 2] = u0; c[o + 3] = u1;
  }
}

/**
 * Where each of a job's n chunks over `units` starts (`out[0..n]`, out[n] = units): sizes fall
 * linearly from either end to about half of that in the middle (weights 2 … ~1 … 2), each at
 * least one unit. The calling thread claims chunks from the first, the pool threads from the
 * last (threadLoop.ts work), so they meet in the middle: the chunks a thread takes when it
 * finishes early are the small ones there, and the smaller they are, the less the other waits
 * at the join. (With all threads claiming from the first chunk, sizes falling from first to
 * last did the same: Node, eager MLP step at 2 threads, eight runs each alternating, median
 * 3.65 ms against 3.99 with equal chunks.) One thread is unaffected.
 */
export function chunkStarts(n: number, units: number, out: Int32Array | number[]): void {
  const weight = (c: number) => 1 + Math.abs(2 * c - (n - 1)) / Math.max(1, n - 1);
  let total = 0;
  for (let c = 0; c < n; c++) total += weight(c);
  out[0] = 0;
  for (let c = 1, acc = 0; c < n; c++) {
    acc += weight(c - 1);
    // At least one unit after the previous start, and room for one unit in each chunk after.
    out[c] = Math.min(Math.max(Math.round((acc * units) / total), out[c - 1] + 1), units - (n - c));
  }
  out[n] = units;
}
/** Chunk starts of the job being recorded. */
const starts = new Int32Array(MAX_CHUNKS + 1);

/** Chunks per thread: enough to even out a thread the OS runs late, few enough to keep calls long. */
const CHUNKS_PER_THREAD = 4;

/**
 * Runs `emit` over units [0, units), cut into contiguous chunks that the pool's threads claim,
 * when the work (multiply-adds in all) is big enough. `emit` must only issue calls: any table
 * or operand it reads is written before. True when the job was split across threads.
 */
export function parallel(units: number, work0: number, emit: (sink: Sink, u0: number, u1: number) => void): boolean {
  const p = pool;
  const n = p ? Math.min(units, p.threads * CHUNKS_PER_THREAD, Math.floor(work0 / MIN_WORK), MAX_CHUNKS) : 1;
  if (!p || p.threads < 2 || n < 2) { emit(direct!, 0, units); return false; }
  const { ctrl } = p;
  const t0 = timing ? now() : 0;
  const rec = new Recorder(ctrl);
  chunkStarts(n, units, starts);
  for (let c = 0; c < n; c++) {
    ctrl[CHUNKS + c] = rec.count;
    emit(rec, starts[c], starts[c + 1]);
  }
  ctrl[CHUNKS + n] = rec.count;
  if (rec.full) { emit(direct!, 0, units); return false; }
  forks++;
  forkedChunks += n;
  // Publish: the list is written; then the count, the done counter, the claim word of the new tag, GEN.
  const gen = (ctrl[GEN] + 1) | 0;
  Atomics.store(ctrl, NCHUNKS, n);
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, BACK, 0);
  Atomics.store(ctrl, CLAIM, tagOf(gen));
  Atomics.store(ctrl, GEN, gen);
  Atomics.notify(ctrl, GEN);
  const ks = callerKernels ??= { ...wasmMatmul!.kernels(), js: runJs };
  const t1 = timing ? now() : 0;
  work(ctrl, ks, gen, false);
  const t2 = timing ? now() : 0;
  let v = Atomics.load(ctrl, DONE);
  // Spin briefly (the last chunk is usually nearly done), then sleep where this thread may block.
  for (let spins = 0; v !== n && (spins < SPIN || !p.canWait); spins++) v = Atomics.load(ctrl, DONE);
  while (v !== n) {
    Atomics.wait(ctrl, DONE, v);
    v = Atomics.load(ctrl, DONE);
  }
  if (timing) {
    timing.jobs++;
    timing.calls += rec.count;
    timing.recordMs += t1 - t0;
    timing.joinMs += now() - t2;
  }
  return true;
}
