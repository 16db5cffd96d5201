/**
 * Where the second thread helps and where it does not, per CPU kernel: runs one bench entry's
 * Flowgrad workload (bench/flowgrad.ts) in Node with worker_threads at 1 and 2 kernel threads,
 * in short rounds that alternate the counts (`--rounds`, default 6, of `steps` steps), and
 * prints the median step time at both counts and their ratio, each round's times, each
 * kernel's mean milliseconds per step at both counts, the speedup, and the time outside
 * kernels (autograd, dispatch, allocation — JavaScript on the calling thread at any count),
 * and the cores' ceiling around each round (bench/ceiling.ts) with the speedup's share of it,
 * and where the 2-thread step's time goes on each thread (pool.ts setPoolTiming): the calling
 * thread's chunks, writing and publishing jobs, waiting at joins and everything else (its
 * serial JavaScript and the kernels too small to split), and the pool thread's chunks.
 * Per-kernel rows are keyed by kernel, output size and op (`--by kernel` merges them).
 *
 *   npx tsx bench/profile-threads.ts lenet-train [steps] [--rounds 6] [--by kernel] [--compiled]
 *   chrt -f 50 npx tsx bench/profile-threads.ts mlp-train 60     # steadier on a shared machine
 *   npx tsx bench/profile-threads.ts lenet-train 60 --compiled   # the product's compiled step (fused kernels)
 *
 * Wall-clock on a shared VM varies by tens of percent from run to run: compare runs made back
 * to back, and quote `npm run bench -- --group=threads` (which alternates implementations
 * within each round) for speedups.
 */
import { setBackend, setThreadHost, setThreads } from '../engine/index.ts';
import { nodeThreadHost } from '../engine/cli/nodeThreads.ts';
import { CPU_KERNELS } from '../engine/backend/cpu/backend.ts';
import { backend as currentBackend } from '../engine/backend/registry.ts';
import { ENTRIES, Inputs } from './harness.ts';
import type { EntryId, Workload } from './harness.ts';
import { flowgradImpl } from './flowgrad.ts';
import { poolCeiling } from './ceiling.ts';
import { setPoolTiming, takePoolTimes } from '../engine/backend/cpu/pool.ts';
import type { PoolTimes } from '../engine/backend/cpu/pool.ts';

const args = process.argv.slice(2);
const id = (args[0] ?? 'lenet-train') as EntryId;
const steps = Number(args[1] && !args[1].startsWith('--') ? args[1] : 20);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 6;
const byKernel = args.includes('--by') && args[args.indexOf('--by') + 1] === 'kernel';
const compiled = args.includes('--compiled');
const spec = ENTRIES.find((e) => e.id === id);
if (!spec) throw new Error(`unknown entry '${id}' (one of ${ENTRIES.map((e) => e.id).join(', ')})`);

type Args = { out?: { size?: number }; op?: string };
const times = new Map<string, { ms: number; calls: number }>();
const table = CPU_KERNELS as unknown as Record<string, ((a: unknown) => unknown) | null | undefined>;
// Not flowgrad.init(): that installs the browser's thread host.
setThreadHost(nodeThreadHost);
setBackend('cpu');
// Compiled plans' fused elementwise kernels are a backend method, not a table entry: timed as a pseudo-kernel.
const cpu = currentBackend() as { runFused?: (a: unknown) => void };
const fusedImpl = cpu.runFused?.bind(cpu);
if (fusedImpl) {
  table.fused = fusedImpl;
  cpu.runFused = (a) => table.fused!(a);
}
let depth = 0;
for (const name of Object.keys(table)) {
  const f = table[name];
  if (typeof f !== 'function') continue;
  // Outermost kernel only: multi-tensor kernels call the per-tensor ones.
  table[name] = (a: unknown) => {
    if (depth > 0) return f(a);
    depth++;
    const t = performance.now();
    try {
      return f(a);
    } finally {
      depth--;
      const { out, op } = (a ?? {}) as Args;
      const key = byKernel ? name : `${name}${out?.size !== undefined ? `:${out.size}` : ''}${op ? `:${op}` : ''}`;
      const e = times.get(key) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      times.set(key, e);
    }
  };
}

// Both workloads built once on the 2-thread pool (at 1 thread its memory stays shared), then
// `rounds` short rounds alternating 1 and 2 threads: a neighbour that takes a core for a few
// seconds hits both counts alike, and the medians drop the rounds it hit hardest.
if ((await setThreads(2)) !== 2) throw new Error('no second thread (no worker_threads?)');
const work = new Map<1 | 2, Workload>();
for (const threads of [1, 2] as const) {
  await setThreads(threads);
  const w = await flowgradImpl('cpu', compiled, false, threads).setup(spec, new Inputs());
  if ('unavailable' in w) throw new Error(w.unavailable);
  for (let i = 0; i < 5; i++) await w.step();
  work.set(threads, w);
}
setPoolTiming(true);
const split: (PoolTimes & { stepMs: number })[] = [];
const perStep: Record<number, { total: number; rounds: number[]; ceilings: number[]; kernels: Map<string, { ms: number; calls: number }> }> = {
  1: { total: 0, rounds: [], ceilings: [], kernels: new Map() },
  2: { total: 0, rounds: [], ceilings: [], kernels: new Map() },
};
for (let r = 0; r < rounds; r++) {
  for (const threads of [1, 2] as const) {
    await setThreads(threads);
    times.clear();
    // The cores' ceiling (bench/ceiling.ts) just before and after the round (its jobs bypass the kernel table).
    const before = poolCeiling() ?? NaN;
    takePoolTimes();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await work.get(threads)!.step();
    const row = perStep[threads]!;
    row.rounds.push((performance.now() - t0) / steps);
    const pt = takePoolTimes();
    if (threads === 2 && pt) split.push({ ...pt, stepMs: row.rounds[row.rounds.length - 1]! });
    row.ceilings.push((before + (poolCeiling() ?? NaN)) / 2);
    for (const [k, v] of times) {
      const e = row.kernels.get(k) ?? { ms: 0, calls: 0 };
      e.ms += v.ms / (steps * rounds);
      e.calls += v.calls / (steps * rounds);
      row.kernels.set(k, e);
    }
  }
}
for (const w of work.values()) w.dispose();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const row of Object.values(perStep)) row.total = row.rounds.reduce((a, b) => a + b, 0) / rounds;

const [one, two] = [perStep[1]!, perStep[2]!];
const fmt = (v: number) => v.toFixed(3).padStart(8);
const ms = (m: Map<string, { ms: number }>, k: string) => m.get(k)?.ms ?? 0;
const [m1, m2] = [median(one.rounds), median(two.rounds)];
console.log(`${spec.name}${compiled ? ' (compiled)' : ''}: median ${m1.toFixed(2)} ms per step at 1 thread, ${m2.toFixed(2)} at 2 (${(m1 / m2).toFixed(2)}×), ${rounds} rounds of ${steps} steps each`);
console.log(`  per round (1 / 2 threads): ${one.rounds.map((v, i) => `${v.toFixed(1)}/${two.rounds[i]!.toFixed(1)}`).join('  ')}`);
const ceilings = one.ceilings.map((c, i) => two.ceilings[i]! / c);
const shares = ceilings.map((c, i) => one.rounds[i]! / two.rounds[i]! / c);
console.log(`  the cores' ceiling per round (independent products, 2t/1t): ${ceilings.map((c) => c.toFixed(2)).join(' ')}; speedup / ceiling: median ${(100 * median(shares)).toFixed(0)}%`);
if (split.length) {
  // Per step, median over rounds of each figure.
  const med = (f: (t: PoolTimes & { stepMs: number }) => number) => median(split.map(f));
  const callerUs = med((t) => (1000 * t.callerMs) / Math.max(1, t.callerCalls)), helperUs = med((t) => (1000 * t.helperMs) / Math.max(1, t.helperCalls));
  const share = med((t) => t.callerCalls / Math.max(1, t.callerCalls + t.helperCalls));
  const per = (f: (t: PoolTimes) => number) => med((t) => f(t) / steps);
  const rest = med((t) => t.stepMs - (t.callerMs + t.recordMs + t.joinMs) / steps);
  console.log(`  the 2-thread step on each thread, ms per step (median over rounds), ${per((t) => t.jobs).toFixed(1)} split jobs a step:`);
  console.log(`    calling thread: chunks ${per((t) => t.callerMs).toFixed(3)} (${(100 * share).toFixed(0)}% of the calls, ${callerUs.toFixed(1)} µs each), writing and publishing jobs ${per((t) => t.recordMs).toFixed(3)}, waiting at joins ${per((t) => t.joinMs).toFixed(3)}, the rest (serial JavaScript, kernel set-up, kernels too small to split) ${rest.toFixed(3)}`);
  console.log(`    pool thread: chunks ${per((t) => t.helperMs).toFixed(3)} (${helperUs.toFixed(1)} µs a call), idle ${med((t) => t.stepMs - t.helperMs / steps).toFixed(3)}, woken from sleep ${per((t) => t.helperWakes).toFixed(2)} times`);
}
console.log('  kernel rows: mean ms per step over all rounds');
console.log(`${'kernel'.padEnd(30)} ${'1 thread'.padStart(8)} ${'2'.padStart(8)}  speedup  calls/step`);
const keys = [...new Set([...one.kernels.keys(), ...two.kernels.keys()])].filter((k) => Math.max(ms(one.kernels, k), ms(two.kernels, k)) >= 0.01).sort((a, b) => ms(two.kernels, b) - ms(two.kernels, a));
let s1 = 0, s2 = 0;
for (const k of keys) {
  const a = ms(one.kernels, k), b = ms(two.kernels, k);
  s1 += a;
  s2 += b;
  console.log(`${k.padEnd(30)} ${fmt(a)} ${fmt(b)}  ${(a / b).toFixed(2).padStart(6)}×  ${(one.kernels.get(k)?.calls ?? 0).toFixed(0).padStart(4)}`);
}
console.log(`${'kernels (rows above)'.padEnd(30)} ${fmt(s1)} ${fmt(s2)}  ${(s1 / s2).toFixed(2).padStart(6)}×`);
console.log(`${'outside kernels'.padEnd(30)} ${fmt(one.total - s1)} ${fmt(two.total - s2)}`);
process.exit(0);
