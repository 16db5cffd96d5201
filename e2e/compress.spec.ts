/**
 * The Compress view (issue #15): LeNet-5 trained one epoch on 300 digits; Compress is disabled
 * until then. A bad option is refused at its field; a long run is cancelled. Pruning (50%, one fine-tuning epoch with live curves) plus int8 gives a report
 * with the baseline, pruned and pruned+int8 rows and a drawn size-vs-accuracy plot. The int8
 * variant downloads as its int8 weight file (I8 safetensors that decode back), as QDQ ONNX
 * (which onnxruntime runs) and as a project; kept as the project's model, it predicts a digit
 * drawn on the pad.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { docShot, openApp, trainToEnd } from './helpers.ts';
import { decodeInt8 } from '../engine/compress/quantFile.ts';
import { readProjectZip } from '../engine/project/projectFile.ts';
import { unzipSync } from 'fflate';
import { makeDigits } from '../engine/data/digits.ts';
import { modelWithWeights } from '../engine/train/session.ts';
import { simulateQuantized } from '../engine/compress/quantize.ts';
import { tensor } from '../engine/ops/creation.ts';
import { noGrad } from '../engine/autograd/mode.ts';

const ORIGIN = 'https://bundle.test';

async function download(page: Page, name: string): Promise<{ file: string; bytes: Uint8Array }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  return { file: d.suggestedFilename(), bytes: new Uint8Array(await readFile((await d.path())!)) };
}

test('compress LeNet-5: prune + int8, the report and plot, downloads, keep it and draw a digit', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  await page.getByRole('button', { name: 'File' }).click();
  await expect(page.getByRole('menuitem', { name: /^Compress…/ })).toBeDisabled();
  await page.keyboard.press('Escape');

  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await dataCard.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Digits 28×28 (synthetic)' });
  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'New from template…' }).click();
  await page.getByRole('dialog', { name: 'New from template' }).getByRole('button', { name: 'Use template LeNet-5' }).click();
  await expect(page.getByRole('group', { name: 'Conv2d node' }).first()).toBeVisible();
  const samples = dataCard.getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('300');
  await samples.press('Enter');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await trainToEnd(page);

  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Compress…', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Compress' });
  // A bad value is refused at its field, and Compress waits for a good one.
  const amount = dialog.getByLabel('Amount to remove (0–1)');
  await amount.fill('1.5');
  await expect(dialog.getByText(/a fraction between 0 and 1.*“1\.5”/)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Compress', exact: true })).toBeDisabled();
  await amount.fill('0.5');
  // An unticked method says in a line what it does; ticked, its options (the student's choice readable in full).
  const distillHint = dialog.getByText('Trains a smaller student on this model’s soft outputs.');
  await expect(distillHint).toBeVisible();
  // Distillation's field for the student's rows: a bad count is refused there too; unticking the section drops it.
  await dialog.getByRole('checkbox', { name: 'Distillation' }).check();
  await expect(distillHint).toBeHidden();
  const student = dialog.getByLabel('Student', { exact: true });
  // The chosen option's text fits the box beside the select's arrow (a half-column select cut it to "Suggested smal").
  const fits = (el: HTMLSelectElement) => {
    const cs = getComputedStyle(el), ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    return ctx.measureText(el.selectedOptions[0]!.text).width + 28 <= el.clientWidth;
  };
  expect(await student.evaluate(fits)).toBe(true);
  await docShot(page, 'docs/screenshots/compress-options.png');
  const studentRows = dialog.getByLabel('Student\'s training rows (empty: all)');
  await studentRows.fill('2.5');
  await expect(dialog.getByText(/a whole number of rows, 1 or more.*“2\.5”/)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Compress', exact: true })).toBeDisabled();
  await dialog.getByRole('checkbox', { name: 'Distillation' }).uncheck();
  await expect(studentRows).toBeHidden();
  // A long fine-tuning, cancelled once its curve has started: nothing changes.
  const epochs = dialog.getByLabel('Fine-tuning epochs');
  await epochs.fill('50');
  await dialog.getByRole('button', { name: 'Compress', exact: true }).click();
  await expect(dialog.getByTestId('compress-curves')).toBeVisible({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog.getByText('Cancelled: nothing was changed.')).toBeVisible({ timeout: 30_000 });
  await epochs.fill('1');
  await expect(dialog.getByLabel('Weights', { exact: true })).toHaveValue('int8');
  // Quantization-aware fine-tuning: a bad epoch count is refused at its field; one epoch runs.
  const qat = dialog.getByLabel('Quantization-aware training epochs (0: none)');
  await qat.fill('1.5');
  await expect(dialog.getByText(/a whole number from 0 to 100.*“1\.5”/)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Compress', exact: true })).toBeDisabled();
  await qat.fill('1');
  await dialog.getByRole('button', { name: 'Compress', exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Cancel', exact: true })).toBeVisible();

  const table = dialog.getByRole('table', { name: 'Compressed variants' });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(3, { timeout: 150_000 });
  await expect(dialog.getByRole('button', { name: 'Keep pruned+int8 as the project\'s model' })).toBeVisible({ timeout: 30_000 });
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-variant')))).toEqual(['baseline', 'pruned', 'pruned+int8']);
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? '')));
  console.log(`Compress report (e2e):\n${cells.map((c) => c.slice(0, 10).join(' | ')).join('\n')}`);
  for (const c of cells) expect(c[6]).toMatch(/^\d+\.\d\d%$/);
  expect(cells[2]![3]).toBe('int8');
  await expect(dialog.getByRole('list', { name: 'Variants: how each was made, downloads' })).toContainText('int8 quantization-aware fine-tuning (1 epoch');
  // The curve of the fine-tuning and the size-vs-accuracy plot are drawn.
  await expect(dialog.getByTestId('compress-curves')).toBeVisible();
  const plot = dialog.getByTestId('compress-plot');
  await expect(plot).toHaveAttribute('data-points', '3');
  const inked = await plot.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(200);
  // Every variant was timed on WebGPU too (SwiftShader here).
  for (const c of cells) expect(c[9]).toMatch(/^\d+\.\d{3} ms$/);
  await page.setViewportSize({ width: 1280, height: 1100 });
  await dialog.getByRole('heading', { name: 'Compress' }).scrollIntoViewIfNeeded();
  await docShot(page, 'docs/screenshots/compress.png');
  await page.setViewportSize({ width: 1280, height: 720 });

  // The int8 variant: its compressed weight file, QDQ ONNX and the project file.
  const weights = await download(page, 'Download the int8 weights of pruned+int8');
  expect(weights.file).toMatch(/\.int8\.safetensors$/);
  const qm = decodeInt8(weights.bytes);
  expect(qm.weights.length).toBeGreaterThan(0);
  expect(qm.activations.length).toBeGreaterThan(0);
  const onnx = await download(page, 'Download pruned+int8 as ONNX');
  expect(onnx.file).toMatch(/\.int8\.onnx$/);
  const session = await ort.InferenceSession.create(onnx.bytes);
  const y = (await session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.1), [2, 1, 28, 28]) })).output!;
  expect(y.dims).toEqual([2, 10]);
  await session.release();
  const zip = await download(page, 'Download pruned+int8 as .flowgrad.zip');
  const project = readProjectZip(zip.bytes);
  expect(project.weights).not.toBeNull();
  expect(project.project.metrics?.accuracy).toBeGreaterThan(0);

  // The compressed bundle (int8 weights), served on an origin of its own with no IDE: its module
  // predicts a digit as the engine's int8 simulation does.
  const bundle = await download(page, 'Download pruned+int8 as a standalone bundle');
  expect(bundle.file).toMatch(/-bundle\.zip$/);
  const files = new Map(Object.entries(unzipSync(bundle.bytes)).filter(([n]) => !n.endsWith('/')).map(([n, b]) => [n.split('/').slice(1).join('/'), b]));
  expect([...files.keys()]).toContain('weights.int8.safetensors');
  expect(JSON.parse(new TextDecoder().decode(files.get('model.json')!)).weights.type).toBe('int8');
  const plain = await page.context().newPage();
  await plain.route(`${ORIGIN}/**`, (route) => {
    const body = files.get(new URL(route.request().url()).pathname.slice(1));
    return body ? route.fulfill({ status: 200, body: Buffer.from(body), contentType: route.request().url().endsWith('.js') ? 'text/javascript' : route.request().url().endsWith('.html') ? 'text/html' : 'application/octet-stream' }) : route.fulfill({ status: 404 });
  });
  await plain.goto(`${ORIGIN}/index.html`);
  const seven = Array.from(makeDigits(10, 0.1, 99).x.subarray(7 * 784, 8 * 784));
  const got = await plain.evaluate(async (x) => {
    const { load } = (await import(`${location.origin}/flowgrad-model.js`)) as { load(o?: object): Promise<{ run(x: number[], rows: number): Promise<Float32Array>; dispose(): void }> };
    const m = await load();
    const y = Array.from(await m.run(x, 1));
    m.dispose();
    return y;
  }, seven);
  await plain.close();
  const sim = modelWithWeights(project.project.graph, project.weights!);
  simulateQuantized(sim, decodeInt8(weights.bytes));
  sim.eval();
  const input = tensor(Float32Array.from(seven), { shape: [1, 1, 28, 28] });
  const want = Array.from(noGrad(() => sim.forward(input)).dataSync());
  input.dispose();
  sim.dispose();
  expect(got).toHaveLength(10);
  expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-4);

  // Keep it as the project's model (confirmed first), then draw a digit.
  await dialog.getByRole('button', { name: 'Keep pruned+int8 as the project\'s model' }).click();
  await dialog.getByRole('button', { name: 'Keep pruned+int8', exact: true }).click();
  await expect(dialog.getByText(/The project's model is now/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Dashboard' }).click();
  const playground = page.getByRole('region', { name: 'Result', exact: true }).getByRole('group', { name: 'Try the model' });
  const pad = playground.getByRole('img', { name: /^Drawing pad/ });
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const p = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...p(0.25, 0.22));
  await page.mouse.down();
  await page.mouse.move(...p(0.75, 0.22), { steps: 8 });
  await page.mouse.move(...p(0.42, 0.82), { steps: 10 });
  await page.mouse.up();
  const bars = playground.getByRole('status', { name: 'Prediction' }).getByRole('meter');
  await expect(bars).toHaveCount(10);
  const values = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
  expect(Math.abs(values.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(1);
});
