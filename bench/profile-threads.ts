/**
 * Where the second thread helps and where it does not, per CPU kernel: runs one bench entry's
 * Flowgrad workload (bench/flowgrad.ts) in Node with worker_threads at 1 and 2 kernel threads,
 * alternating (1, 2, 1, 2: the second round of each is kept), and prints each kernel's
 * milliseconds per step at both counts, the speedup, and the time outside kernels (autograd,
 * dispatch, allocation — JavaScript on the calling thread at any count). Per-kernel rows are
 * keyed by kernel, output size and op (`--by kernel` merges them).
 *
 *   npx tsx bench/profile-threads.ts lenet-train [steps] [--by kernel]
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
import type { EntryId } from './harness.ts';
import { flowgradImpl } from './flowgrad.ts';

const args = process.argv.slice(2);
const id = (args[0] ?? 'lenet-train') as EntryId;
const steps = Number(args[1] && !args[1].startsWith('--') ? args[1] : 40);
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

const perStep: Record<number, { total: number; kernels: Map<string, { ms: number; calls: number }> }> = {};
for (const threads of [1, 2, 1, 2] as const) {
  const got = await setThreads(threads);
  if (got !== threads) throw new Error(`asked for ${threads} threads, got ${got} (no worker_threads?)`);
  const w = await flowgradImpl('cpu', compiled, false, threads).setup(spec, new Inputs());
  if ('unavailable' in w) throw new Error(w.unavailable);
  for (let i = 0; i < 5; i++) await w.step();
  times.clear();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await w.step();
  perStep[threads] = { total: (performance.now() - t0) / steps, kernels: new Map([...times].map(([k, v]) => [k, { ms: v.ms / steps, calls: v.calls / steps }])) };
  w.dispose();
}

const [one, two] = [perStep[1]!, perStep[2]!];
const fmt = (v: number) => v.toFixed(3).padStart(8);
const ms = (m: Map<string, { ms: number }>, k: string) => m.get(k)?.ms ?? 0;
console.log(`${spec.name}${compiled ? ' (compiled)' : ''}: ${one.total.toFixed(2)} ms per step at 1 thread, ${two.total.toFixed(2)} at 2 (${(one.total / two.total).toFixed(2)}×), ${steps} steps each`);
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
