/**
 * The bench page. scripts/bench.mjs opens it in headless Chromium and calls
 * `window.runBench(options)`, which runs every entry for Flowgrad and each TF.js peer of the
 * entry's section in this one page (cpu: Flowgrad cpu vs TF.js cpu and wasm; webgpu: Flowgrad
 * webgpu vs TF.js webgpu, both on navigator.gpu's adapter; threads: 2 vs 1 thread; compiled:
 * the product's training step with TrainConfig.compiled true vs false), one entry at a time, the
 * implementations' timed rounds alternating (so they see the same machine state), and
 * resolves with the table rows plus details. Progress goes to the console, which the script
 * echoes. WebGPU entries are named with the adapter ("matmul 256 webgpu (swiftshader)").
 *
 * tfjs-backend-wasm's binaries are bundled as assets by Vite (`?url` imports) and served by
 * the same origin, so nothing is fetched from a CDN.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ENTRIES, GROUPS, Inputs, rate, relError, roundsOf, summarize, timeRound, warmUp } from './harness.ts';
import type { Cell, EntryId, EntryResult, EntrySpec, Group, ImplName, Implementation, Timing, Workload } from './harness.ts';
import { flowgradImpl, flowgradWorkerImpl } from './flowgrad.ts';
import { tfjsCpu, tfjsWasm, tfjsWebgpu } from './tfjs.ts';
import { trainStepImpl } from './trainSteps.ts';

export interface BenchOptions {
  /** Run only these entry ids (default: all but the optional ones). */
  only?: EntryId[];
  /** Run only these sections (default: both). */
  groups?: Group[];
  /** Scale every minimum timed duration (e.g. 0.2 for a smoke run). */
  timeScale?: number;
  /** The threads section: time the workers' split jobs and note where a step's time goes on each thread (a little slower). */
  poolTimes?: boolean;
}

export interface BenchReport {
  env: { userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number; impls: Partial<Record<ImplName, string>>; adapter: string | null };
  entries: EntryResult[];
  cells: Record<string, Partial<Record<ImplName, Cell>>>;
}

const abs = (u: string): string => new URL(u, location.href).href;
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const errText = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String(e.message) : String(e)).split('\n')[0].slice(0, 200);
const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms))]);
const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

interface Live {
  impl: Implementation;
  w: Workload;
  rounds: Timing['rounds'];
  /** The threads section: the cores' GFLOP/s on perfectly parallel work around each round (bench/ceiling.ts). */
  ceilings: (number | null)[];
  failed?: string;
}

/**
 * One entry for every implementation: set each up and warm it up, then alternate timed rounds
 * (F, cpu, wasm, F, cpu, wasm, ...), then compare outputs and free everything.
 */
async function runEntry(impls: Implementation[], ready: Map<ImplName, string | null>, spec: EntrySpec, inputs: Inputs, scale: number): Promise<{ cells: Partial<Record<ImplName, Cell>>; notes: string[] }> {
  const cells: Partial<Record<ImplName, Cell>> = {};
  const notes: string[] = [];
  const live: Live[] = [];
  const timed = { ...spec, minMs: spec.minMs * scale };
  for (const impl of impls) {
    await pause();
    const initError = ready.get(impl.name);
    if (initError !== null) {
      cells[impl.name] = { value: null, note: initError ?? 'not initialised' };
      continue;
    }
    try {
      const setup = await impl.setup(spec, inputs);
      if ('unavailable' in setup) cells[impl.name] = { value: null, note: setup.unavailable };
      else {
        live.push({ impl, w: setup, rounds: [], ceilings: [] });
        await warmUp(setup);
      }
    } catch (e) {
      if (live.at(-1)?.impl === impl) live.at(-1)!.failed = errText(e);
      else cells[impl.name] = { value: null, note: `error: ${errText(e)}` };
    }
  }
  for (let r = 0; r < roundsOf(spec); r++) {
    for (const l of live) {
      if (l.failed) continue;
      await pause();
      try {
        await l.w.activate?.();
        // The threads section: the cores' ceiling just before and just after the round (their mean).
        const probe = spec.group === 'threads' ? l.w.ceiling : undefined;
        const before = await probe?.();
        l.rounds.push(await timeRound(l.w, timed));
        const after = await probe?.();
        if (probe) l.ceilings.push(before && after ? (before + after) / 2 : null);
      } catch (e) {
        l.failed = errText(e);
      }
    }
  }
  const paired = pairedSpeedup(spec, live);
  if (paired) notes.push(paired);
  let reference: Float32Array | undefined;
  for (const l of live) {
    try {
      if (l.failed) {
        cells[l.impl.name] = { value: null, note: `error: ${l.failed}` };
        continue;
      }
      cells[l.impl.name] = summarize(spec, { rounds: l.rounds });
      const after = await l.w.afterNote?.();
      if (after) notes.push(`${l.impl.name}: ${after}`);
      const isFlowgrad = l.impl.name === GROUPS[spec.group].flowgrad;
      if (isFlowgrad && l.w.notes) notes.push(l.w.notes);
      await l.w.activate?.();
      const out = l.w.output ? await l.w.output() : undefined;
      if (out && isFlowgrad) reference = out;
      else if (out && reference) {
        const err = relError(out, reference);
        if (!(err < 1e-3)) notes.push(`${l.impl.name} output differs from Flowgrad's (max rel. error ${err.toExponential(1)})`);
      }
    } finally {
      l.w.dispose();
    }
  }
  for (const impl of impls) {
    const c = cells[impl.name];
    if (!c) continue;
    if (c.note) notes.push(`${impl.name}: ${c.note}`);
    console.log(`[bench] ${spec.name} | ${impl.name}: ${c.value === null ? `null (${c.note})` : `${fmt(c.value)} ${spec.unit} (median of ${roundsOf(spec)} rounds, ${fmt(c.min!)}–${fmt(c.max!)}; ${c.iters} steps in ${c.ms!.toFixed(0)} ms)`}`);
  }
  return { cells, notes };
}

/**
 * The threads section's 1→2 thread speedup round by round: each round times 1 thread and then
 * 2 threads back to back, so a round's ratio is less moved by the machine's speed drifting over
 * the run than the ratio of the two medians in the table. Their median and range, as a note;
 * then the same for the cores' ceiling (perfectly parallel work timed just before and after
 * each round, bench/ceiling.ts) and for each round's speedup as a share of its ceiling: what
 * the code reached of what the machine gave in that moment.
 */
function pairedSpeedup(spec: EntrySpec, live: Live[]): string | null {
  const two = live.find((l) => l.impl.name === 'flowgrad-2t'), one = live.find((l) => l.impl.name === 'flowgrad-1t');
  if (spec.group !== 'threads' || !two || !one || two.failed || one.failed) return null;
  const n = Math.min(two.rounds.length, one.rounds.length);
  if (n === 0) return null;
  const speedup = Array.from({ length: n }, (_, i) => rate(spec, two.rounds[i].iters, two.rounds[i].ms) / rate(spec, one.rounds[i].iters, one.rounds[i].ms));
  const spread = (xs: number[], f: (x: number) => string): string => {
    const r = [...xs].sort((a, b) => a - b);
    return `median ${f(r[Math.floor(r.length / 2)])} (${f(r[0])}–${f(r[r.length - 1])} over ${r.length} rounds)`;
  };
  const x = (v: number): string => `${v.toFixed(2)}×`;
  const note = `2t/1t round by round: ${spread(speedup, x)}`;
  const rounds = speedup.flatMap((s, i) => {
    const c2 = two.ceilings[i], c1 = one.ceilings[i];
    return c2 && c1 ? [{ s, ceiling: c2 / c1 }] : [];
  });
  if (rounds.length === 0) return note;
  const ceilings = spread(rounds.map((r) => r.ceiling), x);
  const shares = spread(rounds.map((r) => r.s / r.ceiling), (v) => `${(100 * v).toFixed(0)}%`);
  return `${note}; the cores' ceiling in the same rounds (independent products): ${ceilings}; speedup / ceiling ${shares}`;
}

/** "swiftshader", "nvidia ampere", ... — the adapter both WebGPU implementations get; null without WebGPU. */
async function adapterLabel(): Promise<string | null> {
  const a = await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!a) return null;
  const info = a.info;
  return (info.architecture || info.description || info.vendor || 'unknown adapter').toLowerCase();
}

async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const groups = opts.groups ?? ['cpu', 'threads', 'compiled', 'webgpu'];
  // With the threads section, TF.js wasm runs with a thread per core (in the cpu section too: one backend per page).
  const wasmThreads = groups.includes('threads') ? navigator.hardwareConcurrency : undefined;
  const impls: Implementation[] = [
    flowgradImpl('cpu'),
    // The threads section runs Flowgrad in a worker, as the IDE does (the page's main thread may not block at a join).
    flowgradWorkerImpl(1, opts.poolTimes),
    flowgradWorkerImpl(2, opts.poolTimes),
    // More threads only where the machine has the cores (a thread per core; more would only time-share).
    ...([4, 8] as const).filter((t) => navigator.hardwareConcurrency >= t).map((t) => flowgradWorkerImpl(t, opts.poolTimes)),
    trainStepImpl(true),
    trainStepImpl(false),
    tfjsCpu(),
    tfjsWasm({ 'tfjs-backend-wasm.wasm': abs(wasmPlain), 'tfjs-backend-wasm-simd.wasm': abs(wasmSimd), 'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreadedSimd) }, wasmThreads),
    flowgradImpl('webgpu'),
    tfjsWebgpu(),
  ];
  const specs = ENTRIES.filter((e) => groups.includes(e.group) && (opts.only ? opts.only.includes(e.id) : !e.optional));
  const used = new Set(specs.flatMap((e) => [GROUPS[e.group].flowgrad, ...GROUPS[e.group].peers]));
  const adapter = specs.some((e) => e.group === 'webgpu') ? await adapterLabel() : null;
  const report: BenchReport = {
    env: { userAgent: navigator.userAgent, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, impls: {}, adapter },
    entries: [],
    cells: {},
  };
  // null: ready; a string: why it is not.
  const ready = new Map<ImplName, string | null>();
  for (const impl of impls.filter((i) => used.has(i.name))) {
    try {
      report.env.impls[impl.name] = (await withTimeout(impl.init(), 60_000, `${impl.name} init`)) || impl.name;
      ready.set(impl.name, null);
    } catch (e) {
      ready.set(impl.name, `init failed: ${errText(e)}`);
    }
    console.log(`[bench] ${impl.name}: ${report.env.impls[impl.name] ?? ready.get(impl.name)}`);
  }
  const inputs = new Inputs();
  for (const spec0 of specs) {
    const group = GROUPS[spec0.group];
    const spec = spec0.group === 'webgpu' ? { ...spec0, name: `${spec0.name} webgpu (${adapter ?? 'no adapter'})` } : spec0;
    const members = impls.filter((i) => i.name === group.flowgrad || (group.peers as readonly string[]).includes(i.name));
    const { cells, notes } = await runEntry(members, ready, spec, inputs, opts.timeScale ?? 1);
    report.cells[spec.name] = cells;
    const row: EntryResult = {
      name: spec.name,
      unit: spec.unit,
      flowgrad: cells[group.flowgrad]?.value ?? null,
      peers: Object.fromEntries(group.peers.map((p) => [p, cells[p]?.value ?? null])),
    };
    if (notes.length > 0) row.notes = notes.join('; ');
    report.entries.push(row);
  }
  return report;
}

declare global {
  interface Window {
    runBench: typeof runBench;
  }
}
window.runBench = runBench;
document.body.dataset.ready = 'true';
