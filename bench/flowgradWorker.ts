/**
 * A dedicated worker running Flowgrad's CPU implementation for the bench page, as the IDE
 * runs the engine (workers/engine.worker.ts): off the page's main thread, so the calling
 * thread may sleep in Atomics.wait at a join and the page's own threads (compositor, input)
 * are not the ones computing. The page drives it through comlink (flowgrad.ts,
 * flowgradWorkerImpl); inputs are made here from the same seeds as the page's.
 */
import * as Comlink from 'comlink';
import { ENTRIES, Inputs } from './harness.ts';
import type { EntryId, Workload } from './harness.ts';
import { flowgradImpl } from './flowgrad.ts';
import type { Implementation } from './harness.ts';
import { helpedChunks, setPoolTiming, splitChunks, takePoolTimes } from '../engine/backend/cpu/pool.ts';
import type { PoolTimes } from '../engine/backend/cpu/pool.ts';
import { poolCeiling } from './ceiling.ts';

const inputs = new Inputs();
let impl: Implementation | null = null;
let work: Workload | null = null;
/** Pool counters when the current workload was built. */
let since = { helped: 0, chunks: 0 };
/** With pool timing on: the split jobs' times, the timed calls and their wall-clock, since setup. */
let timed: { pool: PoolTimes; calls: number; ms: number } | null = null;
/** Adds the pool's times since the last take to `timed` (a take resets the pool's counters). */
function collect(): void {
  const t = takePoolTimes();
  if (!timed || !t) return;
  for (const k of Object.keys(t) as (keyof PoolTimes)[]) timed.pool[k] += t[k];
}

const api = {
  async init(threads: 1 | 2 | 4 | 8, poolTimes = false): Promise<string> {
    impl = flowgradImpl('cpu', false, false, threads);
    const name = `${(await impl.init()) || impl.name} (in a worker)`;
    if (poolTimes) setPoolTiming(true);
    return name;
  },
  /** Builds entry `id`'s workload; its notes, or why it cannot run. */
  async setup(id: EntryId): Promise<{ notes?: string; unavailable?: string }> {
    work?.dispose();
    work = null;
    const s = await impl!.setup(ENTRIES.find((e) => e.id === id)!, inputs);
    if ('unavailable' in s) return { unavailable: s.unavailable };
    work = s;
    since = { helped: helpedChunks(), chunks: splitChunks() };
    // Taken and dropped: what the previous workload and this set-up ran.
    const before = takePoolTimes();
    timed = before && { pool: Object.fromEntries(Object.keys(before).map((k) => [k, 0])) as unknown as PoolTimes, calls: 0, ms: 0 };
    return { notes: s.notes };
  },
  /** Chunks of split jobs since setup, and how many of them the pool threads (not this worker) ran. */
  poolShare(): { helped: number; chunks: number } {
    return { helped: helpedChunks() - since.helped, chunks: splitChunks() - since.chunks };
  },
  /** With pool timing on (init's poolTimes), the split jobs' times and the calls' wall-clock since setup; else null. */
  poolTimes(): { pool: PoolTimes; calls: number; ms: number } | null {
    collect();
    return timed;
  },
  /** What the cores give this worker's threads right now on perfectly parallel work (GFLOP/s). */
  ceiling(): number | null {
    // The probe's own jobs stay out of the steps' pool times.
    collect();
    const c = poolCeiling();
    takePoolTimes();
    return c;
  },
  async activate(): Promise<void> {
    await work!.activate?.();
  },
  async step(): Promise<void> {
    if (!timed) return work!.step();
    const t0 = performance.now();
    await work!.step();
    timed.calls++;
    timed.ms += performance.now() - t0;
  },
  async output(): Promise<Float32Array | null> {
    const o = work!.output ? (await work!.output()).slice() : null;
    return o ? Comlink.transfer(o, [o.buffer]) : null;
  },
  dispose(): void {
    work?.dispose();
    work = null;
  },
};

export type FlowgradWorkerApi = typeof api;
Comlink.expose(api);
