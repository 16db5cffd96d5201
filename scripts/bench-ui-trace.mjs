/**
 * `bench:ui --trace`: records a Chromium performance trace (CDP `Tracing`, with the V8
 * sampling profiler's category) around the training phase and attributes the main thread's
 * long tasks: per task, the trace events directly inside it (script calls with their
 * function and source line, layout, paint, GC…), and over all long tasks the functions the
 * profiler's samples fell in (self time, and time with callees). Without this the bench can
 * only count long tasks, not say whose they are. It traces the same minified build the bench
 * measures and names places through the build's source maps (@jridgewell/trace-mapping, a
 * dependency of the build tools; without it, places stay as bundle line:column).
 */
import fs from 'node:fs';
import path from 'node:path';

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'v8',
  'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
];

/** Starts tracing on the page's renderer; returns `stop()`, which resolves to the trace events. */
export async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: CATEGORIES } });
  return async () => {
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    const { stream } = await done;
    let text = '';
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
      if (chunk.eof) break;
    }
    await cdp.send('IO.close', { handle: stream });
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : parsed.traceEvents;
  };
}

let mapper = null;
/** Sets where the served build lives, so bundle positions map back to source files. */
export async function useSourceMaps(outDir) {
  try {
    const { TraceMap, originalPositionFor } = await import('@jridgewell/trace-mapping');
    const maps = new Map();
    mapper = (url, line0, col0) => {
      const file = path.join(outDir, new URL(url).pathname);
      if (!maps.has(file)) maps.set(file, fs.existsSync(`${file}.map`) ? new TraceMap(fs.readFileSync(`${file}.map`, 'utf8')) : null);
      const m = maps.get(file);
      const o = m && originalPositionFor(m, { line: line0 + 1, column: Math.max(0, col0) });
      return o?.source ? `${o.source.replace(/^(\.\.\/)+/, '')}:${o.line}${o.name ? ` (${o.name})` : ''}` : null;
    };
  } catch {
    mapper = null;
  }
}

/** A place in the bundle: `d.lineNumber`/`columnNumber` are 0-based in profiles, 1-based in trace events (`base`). */
const where = (d, base = 0) => {
  if (!d?.url) return '';
  const line = (d.lineNumber ?? 0) - base;
  const col = (d.columnNumber ?? 0) - base;
  return (mapper && d.url.startsWith('http') && mapper(d.url, line, col)) || `${d.url.split('/').pop()}:${line}:${col}`;
};
const round = (us) => Math.round(us / 100) / 10;

/** What one direct child of a long task was, in words (a script call names its function and line). */
function label(e) {
  const d = e.args?.data;
  if (e.name === 'FunctionCall') return `FunctionCall ${d?.functionName || '(anonymous)'} ${where(d, 1)}`;
  if (e.name === 'TimerFire') return `TimerFire #${d?.timerId}`;
  if (e.name === 'EventDispatch') return `EventDispatch ${d?.type}`;
  if (e.name === 'FireAnimationFrame') return 'FireAnimationFrame';
  return e.name;
}

/**
 * The main thread's tasks over `thresholdMs`, each with the events nested in it (two levels),
 * and the profiler's samples inside all of them summed per function.
 */
export function analyseTrace(events, thresholdMs = 50) {
  const threadName = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  // The page's main thread: the CrRendererMain that ran the most script.
  const busy = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (threadName.get(key) === 'CrRendererMain' && e.ph === 'X') busy.set(key, (busy.get(key) ?? 0) + (e.dur ?? 0));
  }
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && (e.ph === 'X' || e.ph === 'B' || e.ph === 'E')).filter((e) => e.ph === 'X');
  const tasks = onMain.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur > thresholdMs * 1000);
  const inside = (t, e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur;
  const report = tasks.map((t) => {
    const kids = onMain.filter((e) => inside(t, e) && e.name !== 'RunTask');
    // Direct children: not inside another child.
    const top = kids.filter((e) => !kids.some((o) => o !== e && o.dur > e.dur && inside(o, e)));
    const sub = (p) => kids.filter((e) => inside(p, e) && !kids.some((o) => o !== e && o !== p && inside(p, o) && inside(o, e)));
    return {
      ms: round(t.dur),
      at: t.ts,
      children: top.sort((a, b) => b.dur - a.dur).slice(0, 6).map((e) => ({ ms: round(e.dur), what: label(e), inner: sub(e).sort((a, b) => b.dur - a.dur).slice(0, 5).map((c) => `${round(c.dur)} ${label(c)}`) })),
    };
  });
  return { tasks: report, functions: profileInTasks(events, main, tasks), budget: budget(onMain) };
}

/**
 * Where the main thread's time went over the whole trace, long tasks or not: the share of the
 * span inside tasks, and the tasks' direct children summed by kind (script by function), so a
 * thread that is busy all the time shows up even when few of its tasks pass 50 ms.
 */
function budget(onMain) {
  const tasks = onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
  // Outermost tasks only (a nested RunTask is already inside its parent's time).
  const outer = [];
  for (const t of tasks) if (!outer.length || t.ts >= outer[outer.length - 1].ts + outer[outer.length - 1].dur) outer.push(t);
  if (!outer.length) return null;
  const span = outer[outer.length - 1].ts + outer[outer.length - 1].dur - outer[0].ts;
  const busy = outer.reduce((a, t) => a + t.dur, 0);
  const byKind = new Map();
  const rest = onMain.filter((e) => e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let i = 0;
  for (const t of outer) {
    let end = t.ts; // children of t in start order; skip those nested in an earlier child
    for (; i < rest.length && rest[i].ts < t.ts; i++);
    for (let j = i; j < rest.length && rest[j].ts < t.ts + t.dur; j++) {
      const e = rest[j];
      if (e.ts < end) continue;
      end = e.ts + (e.dur ?? 0);
      const k = label(e);
      byKind.set(k, (byKind.get(k) ?? 0) + (e.dur ?? 0));
    }
  }
  return { spanMs: span / 1000, busyMs: busy / 1000, tasks: outer.length, kinds: [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, us]) => [k, us / 1000]) };
}

/** Sums the CPU profiler's samples taken inside the long tasks per function (self and total). */
function profileInTasks(events, main, tasks) {
  const [pid, tid] = main.split(':').map(Number);
  const profiles = new Map(); // id → { start, nodes: Map, samples: [], deltas: [] }
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile' && e.tid === tid) profiles.set(e.id, { start: e.args.data.startTime, nodes: new Map(), samples: [], deltas: [] });
    if (e.name === 'ProfileChunk') {
      const p = profiles.get(e.id);
      if (!p) continue;
      const d = e.args.data;
      for (const n of d.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n);
      p.samples.push(...(d.cpuProfile?.samples ?? []));
      p.deltas.push(...(d.timeDeltas ?? []));
    }
  }
  const self = new Map();
  const total = new Map();
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`;
  for (const p of profiles.values()) {
    const parent = new Map();
    for (const n of p.nodes.values()) if (n.parent !== undefined) parent.set(n.id, n.parent);
    let t = p.start;
    for (let i = 0; i < p.samples.length; i++) {
      const dt = p.deltas[i] ?? 0;
      t += dt;
      if (!tasks.some((k) => t >= k.ts && t <= k.ts + k.dur)) continue;
      const w = p.deltas[i + 1] ?? dt; // the sample stands for the time until the next one
      let n = p.nodes.get(p.samples[i]);
      if (!n) continue;
      self.set(key(n), (self.get(key(n)) ?? 0) + w);
      const seen = new Set();
      for (let id = n.id; id !== undefined; id = parent.get(id)) {
        const k = key(p.nodes.get(id));
        if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + w);
        seen.add(k);
      }
    }
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, us]) => `${round(us).toFixed(1).padStart(7)} ms  ${k}`);
  return { self: top(self), total: top(total) };
}

export function printTraceReport({ tasks, functions, budget: b }) {
  if (b) {
    console.log(`\nMain thread over the trace: busy ${(100 * b.busyMs / b.spanMs).toFixed(1)}% of ${(b.spanMs / 1000).toFixed(1)} s in ${b.tasks} tasks; by kind (ms/s):`);
    for (const [k, ms] of b.kinds) console.log(`  ${(ms / (b.spanMs / 1000)).toFixed(1).padStart(7)}  ${k}`);
  }
  console.log(`\nTrace: ${tasks.length} main-thread tasks over 50 ms`);
  for (const t of tasks) {
    console.log(`  task ${t.ms} ms`);
    for (const c of t.children) {
      console.log(`    ${c.ms} ${c.what}`);
      for (const i of c.inner) console.log(`      ${i}`);
    }
  }
  console.log('  profiler samples inside those tasks, self time:');
  for (const l of functions.self) console.log(`    ${l}`);
  console.log('  … with callees:');
  for (const l of functions.total) console.log(`    ${l}`);
}
