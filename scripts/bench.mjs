#!/usr/bin/env node
// `npm run bench`: Flowgrad against TF.js in one headless Chromium page, in sections: cpu
// (Flowgrad cpu vs TF.js cpu and wasm), threads (Flowgrad at 2 threads vs 1), compiled (the
// IDE's training step with TrainConfig.compiled true vs false) and webgpu (Flowgrad webgpu vs
// TF.js webgpu, same adapter).
//  1. builds the bench page (bench/index.html + bench/main.ts, config bench/vite.config.ts);
//  2. serves it with `vite preview` on 127.0.0.1 with COOP/COEP headers (cross-origin isolated);
//  3. launches Debian's Chromium through Playwright (no browser download; CHROMIUM_PATH overrides);
//  4. calls window.runBench() in the page, echoing its progress;
//  5. prints the table with ratios (Flowgrad / peer: higher is better, both are throughputs) and
//     writes bench/results/latest.json (the rows) and bench/results/latest.details.json (machine,
//     browser, iteration counts and timings).
// Options: --only=matmul-256,gpu-mlp-train (entry ids, see bench/harness.ts)  --group=cpu|threads|compiled|webgpu
// (one section)  --quick (timed runs shortened 5×, for a smoke test; numbers are noisier)
// --no-build (reuse bench/dist).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from '@playwright/test';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const configFile = fileURLToPath(new URL('../bench/vite.config.ts', import.meta.url));
const resultsDir = fileURLToPath(new URL('../bench/results/', import.meta.url));

const args = process.argv.slice(2);
const opt = (name) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const only = opt('only')?.split('=')[1]?.split(',').filter(Boolean);
const quick = Boolean(opt('quick'));
const groups = opt('group')?.split('=')[1]?.split(',').filter(Boolean);
// The threads section's workers time their split jobs (pool.ts setPoolTiming) and say where the 2-thread step goes.
const poolTimes = Boolean(opt('pool-times'));
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(0).padStart(3);
const log = (msg) => console.log(`[${secs()} s] ${msg}`);

process.chdir(rootDir);
// Other processes on a small machine move every number; the ratios (same page, back to back) less so.
const loadBefore = os.loadavg()[0];
if (loadBefore > os.cpus().length * 0.5) log(`warning: load average ${loadBefore.toFixed(2)} on ${os.cpus().length} cores — absolute numbers will be low and noisy`);
if (!opt('no-build')) {
  log('building bench page (vite build, bench/vite.config.ts)');
  await build({ configFile, logLevel: 'warn' });
}
const server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port: 4180, strictPort: false, open: false } });
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('vite preview did not report a local URL');

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--enable-unsafe-webgpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const browserVersion = browser.version();
let report;
try {
  log(`Chromium ${browserVersion} (${executablePath}), serving ${url}`);
  const page = await browser.newPage();
  page.on('console', (m) => {
    const text = m.text();
    if (text.startsWith('[bench]')) log(text.slice(8));
    else if (m.type() === 'error' || m.type() === 'warning') log(`page ${m.type()}: ${text}`);
  });
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  if (!isolated) log('warning: page is not cross-origin isolated (COOP/COEP headers missing?)');
  page.setDefaultTimeout(0);
  report = await page.evaluate((o) => window.runBench(o), { only, groups, timeScale: quick ? 0.2 : 1, poolTimes });
} finally {
  await browser.close();
  await server.close();
}

// ---------------------------------------------------------------- table
const fmt = (v) => (v === null || v === undefined ? 'null' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => (a == null || b == null || !b ? '—' : `${(a / b).toFixed(2)}×`);
const isGpu = (e) => 'tfjs-webgpu' in e.peers;
const isThreads = (e) => 'flowgrad-1t' in e.peers;
const isCompiled = (e) => 'flowgrad-eager' in e.peers;
const sections = [
  { title: 'CPU', peers: ['tfjs-cpu', 'tfjs-wasm'], entries: report.entries.filter((e) => !isGpu(e) && !isThreads(e) && !isCompiled(e)) },
  {
    title: 'CPU threads (flowgrad = 2 threads; fg/flowgrad-1t is the 1→2 thread speedup; 4t/8t where the machine has the cores; tfjs-wasm with its own threads)',
    peers: ['flowgrad-1t', ...['flowgrad-4t', 'flowgrad-8t'].filter((p) => report.entries.some((e) => e.peers[p] != null)), 'tfjs-wasm'],
    entries: report.entries.filter(isThreads),
  },
  {
    title: `Compiled training (flowgrad = the IDE's training step with TrainConfig.compiled true; fg/flowgrad-eager is compiled ÷ eager, both cpu at 1 thread, rounds alternating)${loadBefore > os.cpus().length * 0.5 ? ` — load average ${loadBefore.toFixed(2)} on ${os.cpus().length} cores: the machine is loaded, trust the ratio more than the rates` : ''}`,
    peers: ['flowgrad-eager'], entries: report.entries.filter(isCompiled),
  },
  { title: `WebGPU (adapter: ${report.env.adapter ?? 'none'})`, peers: ['tfjs-webgpu'], entries: report.entries.filter(isGpu) },
];
console.log(`\nFlowgrad vs TF.js — headless Chromium ${browserVersion}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
for (const [k, v] of Object.entries(report.env.impls)) console.log(`  ${k}: ${v}`);
const loadAfter = os.loadavg()[0];
console.log(`  crossOriginIsolated: ${report.env.crossOriginIsolated}, hardwareConcurrency: ${report.env.hardwareConcurrency}, 1-min load average ${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after`);
for (const sec of sections) {
  if (sec.entries.length === 0) continue;
  const rows = sec.entries.map((e) => [
    e.name, e.unit, fmt(e.flowgrad), ...sec.peers.map((p) => fmt(e.peers[p])), ...sec.peers.map((p) => ratio(e.flowgrad, e.peers[p])),
  ]);
  const head = ['entry', 'unit', 'flowgrad', ...sec.peers, ...sec.peers.map((p) => `fg/${p}`)];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${sec.title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
const notes = report.entries.filter((e) => e.notes);
if (notes.length > 0) {
  console.log('\nnotes:');
  for (const e of notes) console.log(`  ${e.name}: ${e.notes}`);
}
console.log('\nRatios are Flowgrad / peer on throughput: above 1 means Flowgrad is faster.');

// ---------------------------------------------------------------- files
mkdirSync(resultsDir, { recursive: true });
const write = (name, value) => {
  const tmp = `${resultsDir}${name}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, `${resultsDir}${name}`);
};
// Which engine was measured (read-only git queries, no index refresh; '+changes' when engine/ differs from HEAD).
const git = (...a) => {
  try {
    return execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const headRev = git('rev-parse', '--short', 'HEAD');
const engineRev = headRev ? `${headRev}${git('--no-optional-locks', 'status', '--porcelain', '--', 'engine') ? '+changes' : ''}` : 'unknown';
console.log(`engine: ${engineRev}`);
const partial = Boolean(only) || Boolean(groups) || quick || poolTimes;
const base = partial ? 'partial' : 'latest';
write(`${base}.json`, report.entries);
write(`${base}.details.json`, {
  date: new Date().toISOString(),
  options: { only: only ?? null, groups: groups ?? null, quick, poolTimes },
  engine: engineRev,
  machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? null, platform: `${os.platform()} ${os.release()}`, node: process.version, loadAverage1m: { before: loadBefore, after: loadAfter } },
  browser: { name: 'Chromium (headless)', version: browserVersion, executablePath, ...report.env },
  cells: report.cells,
});
log(`wrote bench/results/${base}.json and ${base}.details.json${partial ? ' (--only/--group/--quick runs never overwrite latest.json)' : ''}`);
