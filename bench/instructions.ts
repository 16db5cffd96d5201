/**
 * Instruction counts of the threaded CPU backend, for a machine too busy for wall-clock
 * figures. Runs one bench entry's Flowgrad workload (bench/flowgrad.ts, backend 'cpu') in
 * Node at a given thread count (worker_threads), warm-up steps then `steps` timed steps,
 * and prints ms per step with the load average. Under callgrind with one file per thread,
 * the difference between two step counts gives instructions per step per thread; the
 * calling thread's count is the critical path (it runs chunks too, and waits at each join):
 *
 *   valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=out.%p \
 *     node --import tsx bench/instructions.ts mlp-train 2 8
 *   node bench/instructions-summary.mjs out.<pid>-*   (the same with 16 steps; subtract)
 */
import os from 'node:os';
import { nodeThreadHost } from '../engine/cli/nodeThreads.ts';
import { setThreadHost, setThreads } from '../engine/index.ts';
import { flowgradImpl } from './flowgrad.ts';
import { ENTRIES, Inputs } from './harness.ts';
import type { EntryId } from './harness.ts';

const id = (process.argv[2] ?? 'mlp-train') as EntryId;
const threads = Number(process.argv[3] ?? 1);
const steps = Number(process.argv[4] ?? 10);
const spec = ENTRIES.find((e) => e.id === id);
if (!spec) throw new Error(`unknown entry '${id}' (one of ${ENTRIES.map((e) => e.id).join(', ')})`);

const impl = flowgradImpl('cpu', false, false, threads as 1 | 2 | 4 | 8);
await impl.init();
// init installed the browser host (no Worker in Node): start the pool on worker_threads instead.
setThreadHost(nodeThreadHost);
const got = await setThreads(threads);
if (got !== threads) throw new Error(`asked ${threads} threads, got ${got}`);
const w = await impl.setup(spec, new Inputs());
if ('unavailable' in w) throw new Error(w.unavailable);
for (let i = 0; i < 3; i++) await w.step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) await w.step();
const per = (performance.now() - t0) / steps;
w.dispose();
console.log(`${spec.name}, ${threads} thread(s): ${per.toFixed(2)} ms per step over ${steps} steps; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await setThreads(1);
process.exit(0);
