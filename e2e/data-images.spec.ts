/**
 * Issue #7's image journey: drop a ZIP of generated PNGs (one folder per class) → a grid per
 * class with counts and a live augmentation preview → build a small CNN from the palette →
 * fit it to the data → train → accuracy far above chance (1/3).
 */
import { test, expect } from '@playwright/test';
import { classZip } from '../engine/data/fixtures.ts';
import { canvas, dragLayer, connect, nodes, trainToEnd, readMetric } from './helpers.ts';
import { closeDataDialog, dataDialog, dropFiles, openDataApp } from './data-helpers.ts';

test('drop a ZIP of images and train a small CNN well above chance', async ({ page }) => {
  test.setTimeout(240_000);
  await openDataApp(page);
  await dropFiles(page, [{ name: 'shapes.zip', bytes: classZip(30, 3, 16, 11), type: 'application/zip' }]);
  const dialog = dataDialog(page);
  await expect(dialog).toBeVisible();
  for (const k of [0, 1, 2]) await expect(dialog.getByText(`class_${k}`, { exact: true })).toBeVisible();
  await expect(dialog).toContainText('30 images');
  await expect(dialog.getByText('Input [3,16,16] → 3 classes')).toBeVisible();
  await dialog.getByLabel('Random flip').check();
  await expect(dialog.getByTestId('augment-preview')).toBeVisible();
  await closeDataDialog(page);

  // Start from an empty canvas: select everything, delete.
  await canvas(page).locator('.react-flow__pane').click({ position: { x: 400, y: 20 } });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await expect(nodes(page)).toHaveCount(0);
  const layout: [string, number, number][] = [
    ['Input', 30, 40], ['Conv2d', 210, 40], ['ReLU', 390, 40], ['MaxPool2d', 570, 40],
    ['Flatten', 30, 180], ['Dense', 210, 180], ['Softmax', 390, 180], ['Output / Loss', 570, 180],
  ];
  const made = [];
  for (const [label, x, y] of layout) made.push(await dragLayer(page, label, x, y));
  for (let i = 0; i + 1 < made.length; i++) await connect(page, made[i], made[i + 1]);
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  await page.getByRole('region', { name: 'Data' }).getByRole('button', { name: 'Fit model to data' }).click();
  await expect(page.getByText('The model does not fit this data.')).toHaveCount(0);

  const epochs = page.getByRole('region', { name: 'Training' }).getByLabel('Epochs');
  await epochs.fill('12');
  const text = await trainToEnd(page, 200_000);
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.7);
});
