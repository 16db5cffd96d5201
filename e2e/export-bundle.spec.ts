/**
 * File → Export standalone bundle (.zip) (issue #14): disabled before training; after training
 * the starter model it downloads a zip whose files, served on an origin of their own (page
 * routes: no IDE, no repository), run: the example page loads the module, predicts the input
 * typed into it and shows the same outputs as the downloaded project's weights in Flowgrad's
 * engine (the IDE's predict); the module also runs on WebGPU in that page when asked.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { openApp, trainToEnd } from './helpers.ts';
import { readProjectZip } from '../engine/project/projectFile.ts';
import { predictRows } from '../engine/train/session.ts';

// https: WebGPU exists only in secure contexts; the routes answer without any network.
const ORIGIN = 'https://bundle.test';
const TYPES: Record<string, string> = { js: 'text/javascript', mjs: 'text/javascript', json: 'application/json', html: 'text/html', md: 'text/markdown' };

/** Serves the bundle's files (the folder inside the zip) at ORIGIN/; anything else is refused. */
async function serveBundle(page: Page, zip: Uint8Array): Promise<string[]> {
  const files = new Map(Object.entries(unzipSync(zip)).filter(([name]) => !name.endsWith('/')).map(([name, bytes]) => [name.split('/').slice(1).join('/'), bytes]));
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname.slice(1);
    const body = files.get(path);
    if (!body) return route.fulfill({ status: 404, body: 'not in the bundle' });
    return route.fulfill({ status: 200, body: Buffer.from(body), contentType: TYPES[path.split('.').pop()!] ?? 'application/octet-stream' });
  });
  return [...files.keys()];
}

test('export a trained model as a standalone bundle; its example page predicts what the IDE predicts', async ({ page, context }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'File' }).click();
  await expect(page.getByRole('menuitem', { name: 'Export standalone bundle (.zip)' })).toBeDisabled();
  await page.keyboard.press('Escape');

  await trainToEnd(page);
  await page.getByRole('button', { name: 'File' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export standalone bundle (.zip)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/-bundle\.zip$/);
  const zip = new Uint8Array(await readFile(await download.path()));
  await expect(page.getByText(/^Exported .*-bundle\.zip/)).toBeVisible();

  const [projectZip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
  const { project, weights } = readProjectZip(new Uint8Array(await readFile(await projectZip.path())));
  const inputShape = project.graph.nodes.find((n) => n.type === 'Input')!.attrs.shape as number[];
  const size = inputShape.reduce((a, b) => a * b, 1);

  // A plain page on another origin: nothing of the IDE is loaded, only the bundle's files.
  const plain = await context.newPage();
  const errors: string[] = [];
  plain.on('pageerror', (e) => errors.push(e.message));
  const requested: string[] = [];
  plain.on('request', (r) => requested.push(r.url()));
  const names = await serveBundle(plain, zip);
  expect(names.sort()).toEqual(['README.md', 'example.mjs', 'flowgrad-model.js', 'index.html', 'model.json', 'weights.safetensors']);
  await plain.goto(`${ORIGIN}/index.html`);
  await expect(plain.locator('#predict')).toBeEnabled({ timeout: 30_000 });
  await expect(plain.locator('#info')).toContainText(`input [${inputShape}]`);

  const sample = Array.from({ length: size }, (_, i) => Math.sin(i * 1.7 + 0.3) * 1.5);
  await plain.locator('#input').fill(JSON.stringify(sample));
  await plain.locator('#predict').click();
  await expect(plain.locator('#output')).toContainText('"output"');
  const shown = JSON.parse(await plain.locator('#output').textContent() ?? '{}') as { output: number[]; label?: string };
  const want = await predictRows(project.graph, weights!, Float32Array.from(sample), 1);
  expect(shown.output).toHaveLength(want.length);
  const diff = Math.max(...shown.output.map((v, i) => Math.abs(v - want[i]!)));
  expect(diff).toBeLessThanOrEqual(1e-5);
  expect(typeof shown.label).toBe('string');
  console.log(`bundle example page (${await plain.evaluate(() => (globalThis as unknown as { flowgradModel: { backend: string } }).flowgradModel.backend)}) vs the engine: max abs diff ${diff.toExponential(2)}; zip ${zip.byteLength} bytes`);

  // The same module on WebGPU in the page (Chromium's adapter), seven rows at once.
  const rows = 7;
  const x = Array.from({ length: rows * size }, (_, i) => Math.cos(i * 0.9) * 2);
  const gpu = await plain.evaluate(async ({ x, rows }) => {
    const { load } = (await import(`${location.origin}/flowgrad-model.js`)) as { load(o: object): Promise<{ backend: string; run(x: number[], rows: number): Promise<Float32Array>; dispose(): void }> };
    const m = await load({ backend: 'webgpu' });
    const y = Array.from(await m.run(x, rows));
    m.dispose();
    return { backend: m.backend, y };
  }, { x, rows });
  expect(gpu.backend).toBe('webgpu');
  const wantRows = await predictRows(project.graph, weights!, Float32Array.from(x), rows);
  const gpuDiff = Math.max(...gpu.y.map((v, i) => Math.abs(v - wantRows[i]!)));
  expect(gpuDiff).toBeLessThanOrEqual(1e-4);
  console.log(`bundle on WebGPU in the page vs the engine: max abs diff ${gpuDiff.toExponential(2)}`);

  expect(requested.every((u) => u.startsWith(`${ORIGIN}/`))).toBe(true);
  expect(errors).toEqual([]);
});
