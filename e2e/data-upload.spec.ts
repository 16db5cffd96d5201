/**
 * Issue #7's journeys: drop a CSV on the page → preview → pick the label → fit the model →
 * train an MLP → accuracy shown; bad files give a precise message and change nothing; a
 * ragged CSV can be loaded by skipping its bad rows; the upload survives a reload.
 */
import { test, expect } from '@playwright/test';
import { trainToEnd, readMetric, nodes } from './helpers.ts';
import { closeDataDialog, dataDialog, dropFiles, openDataApp, threeClassCsv } from './data-helpers.ts';

test('drop a CSV, preview it, pick the label, fit the model and train an MLP', async ({ page }) => {
  await openDataApp(page);
  await dropFiles(page, [{ name: 'three-kinds.csv', bytes: threeClassCsv(), type: 'text/csv' }]);

  const dialog = dataDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('table', { name: 'Data preview' })).toContainText('alpha');
  await expect(dialog).toContainText('240 samples');
  // The label is guessed as the last column (a number: regression); pick the real one.
  await dialog.getByLabel('Label column').selectOption('kind');
  await dialog.getByLabel('Role of score').selectOption('ignore');
  await expect(dialog.getByText('Input [4] → 3 classes')).toBeVisible();
  await expect(dialog.getByRole('img', { name: 'Label histogram of kind' })).toBeVisible();
  await expect(dialog.getByTestId('split-summary')).toContainText('validation 36');

  // The starter graph (Input [2], 2 classes) no longer fits: the canvas says so, one click fixes it.
  await dialog.getByRole('button', { name: 'Fit model to data' }).click();
  await closeDataDialog(page);
  await expect(page.getByText('The model does not fit this data.')).toHaveCount(0);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(/^upload:/);

  const text = await trainToEnd(page);
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.85);

  // Reload: the dataset is still chosen and stored; no need to drop it again.
  await page.reload();
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(/^upload:/);
  await expect(page.getByRole('region', { name: 'Data' })).toContainText('240 samples');
});

test('a corrupt file gives a precise message and leaves the project untouched', async ({ page }) => {
  await openDataApp(page);
  const before = await nodes(page).allTextContents();
  const edges = await page.locator('.react-flow__edge').count();
  const dataset = await page.getByLabel('Dataset', { exact: true }).inputValue();

  await dropFiles(page, [{ name: 'images.zip', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]) }]);
  await expect(page.getByRole('alert').filter({ hasText: 'images.zip: corrupt ZIP archive' })).toBeVisible();
  await dropFiles(page, [{ name: 'notes.csv', bytes: '' }]);
  await expect(page.getByRole('alert').filter({ hasText: 'notes.csv is empty' })).toBeVisible();
  await dropFiles(page, [{ name: 'table.xlsx', bytes: 'PK not really' }]);
  await expect(page.getByRole('alert').filter({ hasText: "unsupported file type '.xlsx'" })).toBeVisible();

  expect(await nodes(page).allTextContents()).toEqual(before);
  await expect(page.locator('.react-flow__edge')).toHaveCount(edges);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue(dataset);
  await expect(dataDialog(page)).toBeHidden();
});

test('a ragged CSV row is reported with its line; skipping bad rows loads the rest', async ({ page }) => {
  await openDataApp(page);
  const csv = threeClassCsv(30).split('\n');
  csv[4] = 'beta,1.0';
  await dropFiles(page, [{ name: 'ragged.csv', bytes: csv.join('\n') }]);
  const alert = page.getByRole('alert').filter({ hasText: 'ragged.csv: line 5: 2 fields, but the header has 5 (ragged row)' });
  await expect(alert).toBeVisible();
  await alert.getByRole('button', { name: 'Skip bad rows' }).click();
  await expect(dataDialog(page)).toBeVisible();
  await expect(dataDialog(page)).toContainText('Skipped 1 malformed row (line 5)');
  await expect(dataDialog(page)).toContainText('29 samples');
});
