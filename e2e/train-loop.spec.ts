/**
 * Issue #2's journey: build a classifier from the palette by real pointer drags, train it on
 * circles, watch the loss fall and accuracy pass 90%, download the project, open it again
 * and get the same predictions.
 */
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { openApp, buildClassifier, trainToEnd, readMetric, boundaryImage, nodes, docShot } from './helpers.ts';

test('build from the palette, train on circles, download and reopen with the same predictions', async ({ page }) => {
  await openApp(page);
  await buildClassifier(page);

  // Shapes flow along the edges as the graph is built.
  await expect(page.getByTestId('edge-shape').first()).toHaveText(/N×2|N×16/);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();

  await page.getByLabel('Dataset').selectOption('circles');
  const text = await trainToEnd(page);
  const chart = page.getByTestId('loss-chart');
  const first = Number(await chart.getAttribute('data-first-loss'));
  const last = readMetric(text, 'Loss');
  expect(first).toBeGreaterThan(0);
  expect(last).toBeLessThan(first / 2);
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.9);
  const trained = await boundaryImage(page);
  await docShot(page, 'docs/screenshot.png'); // the README's picture: a model just trained

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.flowgrad\.zip$/);
  const path = await download.path();
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');

  // Start over, then open the downloaded project: same graph, same predictions.
  await page.getByRole('button', { name: 'New project' }).click();
  await page.getByTestId('open-project-input').setInputFiles(path);
  await expect(nodes(page)).toHaveCount(8);
  await expect(page.getByTestId('boundary-canvas')).toHaveAttribute('data-has-boundary', 'true');
  expect(await boundaryImage(page)).toBe(trained);
});
