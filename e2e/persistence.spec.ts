/**
 * The graph survives a reload (IndexedDB autosave), and after the first visit the app loads
 * and trains with the network off (service worker precache).
 */
import { test, expect } from '@playwright/test';
import { openApp, nodes, node, dragLayer, trainToEnd, readMetric } from './helpers.ts';

test('a reload keeps the graph', async ({ page }) => {
  await openApp(page);
  const count = await nodes(page).count();
  await dragLayer(page, 'Tanh', 300, 420);
  await expect(nodes(page)).toHaveCount(count + 1);
  await page.waitForTimeout(800); // autosave is debounced
  await page.reload();
  await expect(nodes(page)).toHaveCount(count + 1);
  await expect(node(page, 'Tanh')).toBeVisible();
});

test('after the first visit the app loads and trains offline', async ({ page, context }) => {
  await openApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload(); // the service worker now controls the page
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  const epochs = page.getByLabel('Epochs');
  await epochs.fill('15');
  await epochs.press('Enter');
  const text = await trainToEnd(page);
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.8);
  await context.setOffline(false);
});
