/**
 * An int8 model kept as the project's model (issue #15 follow-up): the starter model trained on
 * moons is compressed to int8 and kept; it wears the int8 badge, its decision boundary is drawn,
 * Evaluate scores it as int8 —
 * the same accuracy and loss as the compression report's int8 row —, the downloaded
 * .flowgrad.zip carries its int8 file (project version 3), and reopened in a fresh browser
 * profile it is int8 again with the same Evaluate numbers.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { dismissWelcome, trainToEnd } from './helpers.ts';
import { readProjectZip } from '../engine/project/projectFile.ts';
import { QUANTIZED_VERSION } from '../engine/project/quantizedEntry.ts';

interface Scores { accuracy: number; loss: number }

/** Opens Evaluate, waits for its report (int8 badge shown) and returns the store's numbers. */
async function evaluateInt8(page: Page): Promise<Scores> {
  await page.getByRole('button', { name: 'Evaluate on test data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Evaluate' });
  await expect(dialog.getByLabel('Test metrics')).toContainText(/Accuracy\s*[0-9.]+%/, { timeout: 30_000 });
  await expect(dialog.getByTestId('eval-int8')).toBeVisible();
  await expect(dialog).toContainText('Scored as the int8 model computes');
  const r = await page.evaluate(() => {
    const e = (window as unknown as { __flowgrad: { store: { getState(): { evaluation: { status: string; result?: { report: { accuracy: number; loss: number } } } } } } }).__flowgrad.store.getState().evaluation;
    return e.result!.report;
  });
  await expect(dialog.getByLabel('Test metrics')).toContainText(`${(r.accuracy * 100).toFixed(1)}%`);
  await dialog.getByRole('button', { name: 'Close' }).click();
  return { accuracy: r.accuracy, loss: r.loss };
}

test('compress to int8, keep it, Evaluate gives the report’s int8 accuracy, and the project file reopens as int8', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.goto('/?e2e');
  await dismissWelcome(page);
  await page.getByLabel('Epochs', { exact: true }).fill('5');
  await trainToEnd(page);

  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Compress…', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Compress' });
  await dialog.getByRole('checkbox', { name: 'Pruning' }).uncheck();
  await expect(dialog.getByLabel('Weights', { exact: true })).toHaveValue('int8');
  await dialog.getByRole('button', { name: 'Compress', exact: true }).click();
  const rows = dialog.getByRole('table', { name: 'Compressed variants' }).locator('tbody tr');
  await expect(rows).toHaveCount(2, { timeout: 90_000 });
  const keep = dialog.getByRole('button', { name: 'Keep int8 as the project\'s model' });
  await expect(keep).toBeVisible({ timeout: 30_000 });
  const report = await page.evaluate(() => {
    const c = (window as unknown as { __flowgrad: { store: { getState(): { compression: { variants: { report: { name: string; accuracy: number; loss: number }; file: Uint8Array }[] } } } } }).__flowgrad.store.getState().compression;
    const v = c.variants.find((x) => x.report.name === 'int8')!;
    return { accuracy: v.report.accuracy, loss: v.report.loss, file: Array.from(v.file) };
  });
  await keep.click();
  await dialog.getByRole('button', { name: 'Keep int8', exact: true }).click();
  await expect(dialog.getByText(/The project's model is now/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The result card says the model is int8; the File menu says what each export writes.
  await expect(page.getByTestId('boundary-canvas')).toHaveAttribute('data-has-boundary', 'true', { timeout: 30_000 });
  const badge = page.getByTestId('int8-model');
  await expect(badge).toContainText(/int8 \d+ weights as int8 \([\d,]+ values\), \d+ quantized inputs/);
  await page.getByRole('button', { name: 'File' }).click();
  await expect(page.getByRole('menuitem', { name: 'Export ONNX (int8 QDQ)' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Export PyTorch project (dequantized float32)' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Evaluate computes the int8 model: the report's numbers exactly.
  const scored = await evaluateInt8(page);
  expect(scored).toEqual({ accuracy: report.accuracy, loss: report.loss });

  // Download: version 3 with the int8 file the report measured.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
  const path = (await download.path())!;
  const files = readProjectZip(new Uint8Array(await readFile(path)));
  expect(files.project.version).toBe(3);
  expect(files.project.quantized).toEqual({ format: 'int8', version: QUANTIZED_VERSION });
  expect(Array.from(files.int8!)).toEqual(report.file);

  // Reopened in a fresh profile: int8 again, the same Evaluate numbers.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto('/?e2e');
  await dismissWelcome(page2);
  await page2.getByTestId('open-project-input').setInputFiles(path);
  await expect(page2.getByText(/with its trained int8 model \(it computes as int8\)/)).toBeVisible();
  await expect(page2.getByTestId('int8-model')).toBeVisible();
  await expect(page2.getByTestId('boundary-canvas')).toHaveAttribute('data-has-boundary', 'true', { timeout: 30_000 });
  expect(await evaluateInt8(page2)).toEqual(scored);
  await other.close();
});
