/**
 * The bench page. scripts/bench.mjs opens it in headless Chromium and calls
 * `window.runBench(options)`, which runs every entry for Flowgrad and each TF.js peer in this
 * one page, one entry at a time, the implementations' timed rounds alternating (so they see
 * the same machine state), and resolves with the table rows plus details. Progress goes to
 * the console, which the script echoes.
 *
 * tfjs-backend-wasm's binaries are bundled as assets by Vite (`?url` imports) and served by
 * the same origin, so nothing is fetched from a CDN.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { ENTRIES, Inputs, PEERS, ROUNDS, relError, summarize, timeRound, warmUp } from './harness.ts';
import type { Cell, EntryId, EntryResult, EntrySpec, ImplName, Implementation, Timing, Workload } from './harness.ts';
import { flowgrad } from './flowgrad.ts';
import { tfjsCpu, tfjsWasm } from './tfjs.ts';

export interface BenchOptions {
  /** Run only these entry ids (default: all). */
  only?: EntryId[];
  /** Scale every minimum timed duration (e.g. 0.2 for a smoke run). */
  timeScale?: number;
}

export interface BenchReport {
  env: { userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number; impls: Partial<Record<ImplName, string>> };
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
        live.push({ impl, w: setup, rounds: [] });
        await warmUp(setup);
      }
    } catch (e) {
      if (live.at(-1)?.impl === impl) live.at(-1)!.failed = errText(e);
      else cells[impl.name] = { value: null, note: `error: ${errText(e)}` };
    }
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const l of live) {
      if (l.failed) continue;
      await pause();
      try {
        await l.w.activate?.();
        l.rounds.push(await timeRound(l.w, timed));
      } catch (e) {
        l.failed = errText(e);
      }
    }
  }
  let reference: Float32Array | undefined;
  for (const l of live) {
    try {
      if (l.failed) {
        cells[l.impl.name] = { value: null, note: `error: ${l.failed}` };
        continue;
      }
      cells[l.impl.name] = summarize(spec, { rounds: l.rounds });
      if (l.impl.name === 'flowgrad' && l.w.notes) notes.push(l.w.notes);
      await l.w.activate?.();
      const out = l.w.output ? await l.w.output() : undefined;
      if (out && l.impl.name === 'flowgrad') reference = out;
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
    console.log(`[bench] ${spec.name} | ${impl.name}: ${c.value === null ? `null (${c.note})` : `${fmt(c.value)} ${spec.unit} (median of ${ROUNDS} rounds, ${fmt(c.min!)}–${fmt(c.max!)}; ${c.iters} steps in ${c.ms!.toFixed(0)} ms)`}`);
  }
  return { cells, notes };
}

async function runBench(opts: BenchOptions = {}): Promise<BenchReport> {
  const impls: Implementation[] = [
    flowgrad,
    tfjsCpu(),
    tfjsWasm({ 'tfjs-backend-wasm.wasm': abs(wasmPlain), 'tfjs-backend-wasm-simd.wasm': abs(wasmSimd), 'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreadedSimd) }),
  ];
  const report: BenchReport = {
    env: { userAgent: navigator.userAgent, crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, impls: {} },
    entries: [],
    cells: {},
  };
  // null: ready; a string: why it is not.
  const ready = new Map<ImplName, string | null>();
  for (const impl of impls) {
    try {
      report.env.impls[impl.name] = (await withTimeout(impl.init(), 60_000, `${impl.name} init`)) || impl.name;
      ready.set(impl.name, null);
    } catch (e) {
      ready.set(impl.name, `init failed: ${errText(e)}`);
    }
    console.log(`[bench] ${impl.name}: ${report.env.impls[impl.name] ?? ready.get(impl.name)}`);
  }
  const inputs = new Inputs();
  for (const spec of ENTRIES.filter((e) => !opts.only || opts.only.includes(e.id))) {
    const { cells, notes } = await runEntry(impls, ready, spec, inputs, opts.timeScale ?? 1);
    report.cells[spec.name] = cells;
    const row: EntryResult = {
      name: spec.name,
      unit: spec.unit,
      flowgrad: cells.flowgrad?.value ?? null,
      peers: Object.fromEntries(PEERS.map((p) => [p, cells[p]?.value ?? null])) as EntryResult['peers'],
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
