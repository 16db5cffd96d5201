/**
 * File → Export ONNX (issue #14): before training the entry is disabled; after training the
 * starter model, it downloads `<name>.onnx`, which onnxruntime-node loads and runs at two batch
 * sizes, and which predicts what the downloaded project's weights predict in Flowgrad's own
 * engine (max abs diff ≤ 1e-4). Dropping that file on the page imports it as layers with its
 * weights, and exporting again predicts the same.
 */
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { nodes, openApp, trainToEnd } from './helpers.ts';
import { dropFiles } from './data-helpers.ts';
import { readProjectZip } from '../engine/project/projectFile.ts';
import { predictRows } from '../engine/train/session.ts';

test('export a trained model as ONNX from the File menu; it runs in onnxruntime and matches the engine', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'File' }).click();
  await expect(page.getByRole('menuitem', { name: 'Export ONNX' })).toBeDisabled();
  await page.keyboard.press('Escape');

  await trainToEnd(page);
  await page.getByRole('button', { name: 'File' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export ONNX' }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.onnx$/);
  const onnx = new Uint8Array(await readFile(await download.path()));
  await expect(page.getByText(/^Exported .*\.onnx/)).toBeVisible();

  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
  const { project, weights } = readProjectZip(new Uint8Array(await readFile(await zip.path())));
  expect(weights).not.toBeNull();

  const session = await ort.InferenceSession.create(onnx);
  const inputShape = project.graph.nodes.find((n) => n.type === 'Input')!.attrs.shape as number[];
  const size = inputShape.reduce((a, b) => a * b, 1);
  for (const n of [1, 5]) {
    const x = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 1.3) * 2);
    const y = (await session.run({ input: new ort.Tensor('float32', x, [n, ...inputShape]) })).output!;
    expect(y.dims[0]).toBe(n);
    const want = await predictRows(project.graph, weights!, x, n);
    const got = y.data as Float32Array;
    expect(got.length).toBe(want.length);
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-4);
  }
  await session.release();

  // Drop the .onnx file back on the page: it opens as layers with its weights, and exports again to the same predictions.
  await dropFiles(page, [{ name: 'dropped.onnx', bytes: onnx }]);
  await expect(page.getByText(/^Imported “dropped\.onnx”: \d+ nodes/)).toBeVisible();
  await expect(nodes(page)).toHaveCount(project.graph.nodes.length);
  await page.getByRole('button', { name: 'File' }).click();
  const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export ONNX' }).click()]);
  expect(again.suggestedFilename()).toBe('dropped.onnx');
  const reexported = await ort.InferenceSession.create(new Uint8Array(await readFile(await again.path())));
  const x = Float32Array.from({ length: 4 * size }, (_, i) => Math.cos(i));
  const first = await ort.InferenceSession.create(onnx);
  const a = (await first.run({ input: new ort.Tensor('float32', x, [4, ...inputShape]) })).output!.data as Float32Array;
  const b = (await reexported.run({ input: new ort.Tensor('float32', x, [4, ...inputShape]) })).output!.data as Float32Array;
  expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-4);
  await Promise.all([first.release(), reexported.release()]);
});
