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

  // The code view names the same data. Monaco draws only the lines in view, and the data
  // section lies below the model: find it, as a reader would (Ctrl+F scrolls to the match).
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  const lines = panel.getByTestId('code-editor').locator('.view-lines');
  await expect(lines).toContainText('class Model(nn.Module)');
  await lines.locator('.view-line').first().click();
  await expect(panel.locator('.monaco-editor.focused')).toHaveCount(1);
  await page.keyboard.press('Control+F');
  await page.keyboard.type("The 'xor' 2-D dataset");
  await page.keyboard.press('Enter');
  await expect(lines).toContainText("The 'xor' 2-D dataset");
});
