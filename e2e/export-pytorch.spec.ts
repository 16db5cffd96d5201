/**
 * File > Export PyTorch project on a trained project: the download is a zip holding model.py,
 * train.py, data.py, the trained weights and the project's data (issue #14). The code view's
 * data loader follows the dataset actually chosen.
 */
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { unzipSync, strFromU8 } from 'fflate';
import { openApp, trainToEnd } from './helpers.ts';

test('export a trained project as a PyTorch project zip', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Dataset').selectOption('xor');
  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Epochs').press('Enter');
  await trainToEnd(page);

  await page.getByRole('button', { name: 'File' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export PyTorch project' }).click()]);
  expect(download.suggestedFilename()).toMatch(/-pytorch\.zip$/);
  const files = unzipSync(new Uint8Array(await readFile(await download.path())));
  expect(Object.keys(files).sort()).toEqual(['README.md', 'data.npz', 'data.py', 'model.py', 'requirements.txt', 'train.py', 'weights.safetensors']);
  expect(strFromU8(files['model.py']!)).toContain('def load_flowgrad_weights(model, path="weights.safetensors")');
  expect(strFromU8(files['data.py']!)).toContain("generated 'xor' dataset");
  expect(strFromU8(files['train.py']!)).toContain('EPOCHS = 3');

  // The code view names the same data.
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  await expect(page.getByRole('complementary', { name: 'Code' })).toContainText("The 'xor' 2-D dataset");
});
