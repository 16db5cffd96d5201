/**
 * UI responsiveness benchmark (not a test: it prints numbers). Builds the app, serves it with
 * `vite preview`, and in headless Chromium measures:
 *  1. a generated 1,000-node graph: time from an attribute edit to the edited node showing
 *     its new output shape (store update → analysis → React Flow render → paint), and
 *     how long loading / auto-layout take;
 *  2. 60 s of training with the dashboard's live charts on screen: main-thread long tasks
 *     (PerformanceObserver 'longtask') and how often the charts redraw; training runs on the
 *     CPU backend with every core (Threads = Auto; `--threads N` picks a count), since the
 *     main thread must stay responsive while the engine worker and its pool threads are busy.
 * `--trace` also records a Chromium trace of the training phase and prints whose work the
 * long tasks were, named through the build's source maps (bench-ui-trace.mjs).
 * Usage: npm run bench:ui [-- --seconds 60 --nodes 1000 --threads auto --no-build --trace]
 */
import { execSync, spawn } from 'node:child_process';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { analyseTrace, printTraceReport, startTrace, useSourceMaps } from './bench-ui-trace.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SECONDS = Number(arg('seconds', 60));
const NODES = Number(arg('nodes', 1000));
const THREADS = arg('threads', 'auto');
// Kernel threads by default: Auto trains the tiny starter model on one thread (plan.ts), and
// this measures the UI while every core trains.
const MODE = arg('mode', 'kernel');
const TRACE = process.argv.includes('--trace');
const PORT = 4179;
// A private build folder, so a benchmark never races the e2e server over dist/.
const OUT = 'node_modules/.cache/flowgrad-bench-ui';

if (!process.argv.includes('--no-build')) execSync(`npx vite build --logLevel warn --outDir ${OUT}`, { stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--outDir', OUT, '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
const stop = () => {
  try {
    process.kill(-server.pid);
  } catch {
    /* already gone */
  }
};
process.on('exit', stop);

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
};
const ms = (v) => `${v.toFixed(1)} ms`;

await waitForServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`http://127.0.0.1:${PORT}/?e2e`);
await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
const start = page.getByRole('button', { name: 'Start with the starter model' });
if (await start.isVisible().catch(() => false)) await start.click();

// 1. A 1,000-node graph: Input → (Dense, ReLU)* → Dense(2) → Softmax → Loss.
const load = await page.evaluate((n) => {
  const g = { format: 'flowgrad.graph', version: 1, nodes: [], edges: [] };
  const add = (id, type, attrs, i) => g.nodes.push({ id, type, attrs, position: { x: (i % 25) * 200, y: Math.floor(i / 25) * 110 } });
  add('input', 'Input', { shape: [2] }, 0);
  let prev = 'input';
  for (let i = 1; i < n - 3; i++) {
    const id = i % 2 ? `dense${i}` : `relu${i}`;
    add(id, i % 2 ? 'Dense' : 'ReLU', i % 2 ? { units: 16, bias: true } : {}, i);
    g.edges.push({ id: `e${i}`, source: prev, sourcePort: 'out', target: id, targetPort: 'in' });
    prev = id;
  }
  for (const [id, type, attrs] of [['head', 'Dense', { units: 2 }], ['softmax', 'Softmax', {}], ['loss', 'Loss', { loss: 'crossEntropy' }]]) {
    add(id, type, attrs, g.nodes.length);
    g.edges.push({ id: `e_${id}`, source: prev, sourcePort: 'out', target: id, targetPort: 'in' });
    prev = id;
  }
  const store = window.__flowgrad.store;
  const t0 = performance.now();
  store.getState().loadProject({ ...store.getState(), name: 'Big', graph: g });
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve({ nodes: g.nodes.length, ms: performance.now() - t0 }))));
}, NODES);
await page.waitForTimeout(1500);
// Bring the first Dense into view, then edit its units repeatedly.
await page.evaluate(() => window.__flowgrad.store.getState().focusNode('dense1'));
await page.waitForTimeout(800);
const edits = [];
for (let k = 0; k < 15; k++) {
  const units = 17 + k;
  edits.push(
    await page.evaluate(
      (u) =>
        new Promise((resolve) => {
          const el = document.querySelector('[data-id="dense1"] .layer-node-shape');
          const t0 = performance.now();
          window.__flowgrad.store.getState().setAttr('dense1', 'units', u);
          const check = () => {
            if (el && el.textContent.includes(`N×${u}`)) requestAnimationFrame(() => resolve(performance.now() - t0));
            else requestAnimationFrame(check);
          };
          check();
        }),
      units,
    ),
  );
  await page.waitForTimeout(120);
}
const analyzeMs = await page.evaluate(() => {
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) window.__flowgrad.getAnalysis();
  return (performance.now() - t0) / 5;
});
const e = stats(edits);
console.log(`\n1,000-node graph (${load.nodes} nodes): loaded and painted in ${ms(load.ms)}`);
console.log(`  edit → shapes updated on screen: median ${ms(e.median)}, p90 ${ms(e.p90)}, max ${ms(e.max)} (${edits.length} edits; goal < 50 ms)`);
console.log(`  (analysis of the cached graph: ${ms(analyzeMs)})`);

// 2. Training for SECONDS with the dashboard on screen.
await page.getByRole('button', { name: 'New project' }).click();
await page.getByLabel('Epochs', { exact: true }).fill('10000');
await page.getByLabel('Samples').fill('2000').catch(() => {});
await page.getByRole('button', { name: 'Dashboard' }).click();
const settings = page.getByRole('region', { name: 'Training settings' });
await settings.getByLabel('Backend', { exact: true }).selectOption('cpu');
await settings.getByLabel('Threads', { exact: true }).selectOption(THREADS === 'auto' ? '0' : String(Number(THREADS)));
await settings.getByLabel('Threads as', { exact: true }).selectOption(MODE);
await page.evaluate(() => {
  window.__bench = { long: [], versions: 0, frames: 0 };
  new PerformanceObserver((list) => list.getEntries().forEach((en) => window.__bench.long.push(en.duration))).observe({ type: 'longtask', buffered: false });
  window.__flowgrad.store.subscribe((s, p) => {
    if (s.seriesVersion !== p.seriesVersion) window.__bench.versions++;
  });
  const host = document.querySelector('[data-testid="chart-loss"]');
  new MutationObserver(() => window.__bench.frames++).observe(host, { attributes: true, attributeFilter: ['data-points'] });
});
const trainButton = page.getByRole('button', { name: 'Train', exact: true });
await trainButton.waitFor();
if (!(await trainButton.isEnabled())) throw new Error('Train is disabled: the starter model should be trainable');
const stopTrace = TRACE ? await startTrace(page) : null;
await trainButton.click();
await page.waitForTimeout(SECONDS * 1000);
const trace = stopTrace ? await stopTrace() : null;
const train = await page.evaluate(() => ({ ...window.__bench, status: window.__flowgrad.store.getState().status, step: window.__flowgrad.store.getState().metrics?.step, sps: window.__flowgrad.store.getState().metrics?.samplesPerSec }));
const over50 = train.long.filter((d) => d > 50);
console.log(`\nTraining ${SECONDS} s with the dashboard's live charts (status ${train.status}, step ${train.step}, ${Math.round(train.sps ?? 0)} samples/s):`);
console.log(`  long tasks (> 50 ms, the longtask threshold): ${over50.length}${over50.length ? ` — max ${ms(Math.max(...over50))}` : ''}`);
console.log(`  event batches: ${(train.versions / SECONDS).toFixed(1)}/s; chart redraws: ${(train.frames / SECONDS).toFixed(1)}/s (goal ≥ 10/s)`);
await page.getByRole('button', { name: 'Stop', exact: true }).click({ timeout: 5000 }).catch(() => {});
// The settings ask the engine for the threads in use when a run starts and ends (the pool starts inside the run).
await page.waitForTimeout(1500);
const threadsInfo = await settings.getByTestId('threads-info').textContent().catch(() => '?');
console.log(`  CPU backend, Threads = ${THREADS} as ${MODE}: ${threadsInfo}; 1-min load average ${os.loadavg()[0].toFixed(2)}`);
if (trace) {
  await useSourceMaps(OUT);
  printTraceReport(analyseTrace(trace));
}
await browser.close();
stop();
process.exit(0);
