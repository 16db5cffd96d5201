/**
 * The op suite on real browser WebGPU: headless Chromium's adapter (SwiftShader on machines
 * without a GPU), inside a dedicated module worker — where Flowgrad trains. The engine's
 * self-test (engine/test/webgpu/selftest.ts) is bundled here with esbuild and served,
 * with a bare page, from the app's origin through routes, so the test needs no build entry.
 * Every case must agree with the float64 reference (forward and gradient) and with the CPU
 * backend (forward).
 */
import { test, expect } from '@playwright/test';
import { build } from 'esbuild';

const PAGE = '/__webgpu_selftest.html';
const WORKER = '/__webgpu_selftest_worker.js';
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const workerSource = `
import { runWebGPUSelfTest } from './engine/test/webgpu/selftest.ts';
self.onmessage = async (e) => {
  try {
    const report = await runWebGPUSelfTest({ filter: e.data.filter ? new RegExp(e.data.filter) : undefined });
    self.postMessage({ report });
  } catch (err) {
    self.postMessage({ error: String((err && err.stack) || err) });
  }
};`;

let bundle = '';

test.use({ serviceWorkers: 'block' });

test.beforeAll(async () => {
  const out = await build({
    stdin: { contents: workerSource, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'webgpu-selftest-worker.ts' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  });
  bundle = out.outputFiles[0].text;
});

test('op suite on browser WebGPU in a dedicated worker agrees with the reference and the CPU backend', async ({ page }) => {
  test.setTimeout(90_000);
  await page.route(`**${PAGE}`, (r) => r.fulfill({ contentType: 'text/html', headers: isolation, body: '<!doctype html><title>webgpu self-test</title>' }));
  await page.route(`**${WORKER}`, (r) => r.fulfill({ contentType: 'text/javascript', headers: isolation, body: bundle }));
  await page.goto(PAGE);

  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? { architecture: a.info.architecture, vendor: a.info.vendor } : null;
  });
  expect(adapter, 'Chromium exposes a WebGPU adapter (--enable-unsafe-webgpu)').not.toBeNull();

  const result = await page.evaluate(async (url) => {
    const w = new Worker(url, { type: 'module' });
    const msg = await new Promise<{ report?: unknown; error?: string }>((resolve) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => resolve({ error: e.message });
      w.postMessage({});
    });
    w.terminate();
    return msg;
  }, WORKER);
  expect(result.error).toBeUndefined();
  const report = result.report as { adapter: { architecture: string; isFallbackAdapter: boolean }; failed: number; ms: number; cases: { name: string; forward: string | null; gradient: string | null; cpu: string | null }[] };
  console.log(`browser WebGPU (${report.adapter.architecture}): ${report.cases.length} cases in ${report.ms} ms, ${report.failed} failed`);
  expect(report.cases.length).toBeGreaterThan(150);
  expect(report.cases.filter((c) => c.forward || c.gradient || c.cpu)).toEqual([]);
});
