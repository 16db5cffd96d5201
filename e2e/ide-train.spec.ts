/**
 * The training dashboard: train with an LR schedule (previewed before the run, charted live),
 * see the confusion matrix, probe the decision boundary, then compare two runs — curves
 * overlaid and both on the error-vs-compute chart.
 */
import { test, expect, type Page } from '@playwright/test';
import { openApp, docShot } from './helpers.ts';

async function trainAndWait(page: Page, runs: number): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByText(/^(Finished \d+ epochs?|Stopped)/)).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('list', { name: 'Runs' }).getByRole('listitem')).toHaveCount(runs);
  await expect(page.getByRole('list', { name: 'Runs' }).getByText('running')).toHaveCount(0);
}

test('train with a scheduler, then compare two runs', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const settings = page.getByRole('region', { name: 'Training settings' });
  await settings.getByLabel('LR schedule').selectOption('cosine');
  await expect(page.getByTestId('lr-preview')).toBeVisible();
  const epochs = page.getByLabel('Epochs', { exact: true });
  await epochs.fill('20');
  await trainAndWait(page, 1);

  // The LR chart recorded the schedule: it fell from the base LR.
  const lrPoints = Number(await page.getByTestId('chart-lr').getAttribute('data-points'));
  expect(lrPoints).toBeGreaterThan(10);
  await expect(page.getByRole('table', { name: /Confusion matrix/ })).toBeVisible();

  // Probe the decision boundary: class probabilities at the clicked point.
  const plot = page.getByTestId('boundary-canvas');
  await plot.click({ position: { x: 98, y: 98 } });
  await expect(page.getByRole('status', { name: 'Prediction' })).toContainText(/class 0/);

  // A second run with another optimizer, then overlay the first.
  await page.getByLabel('Optimizer', { exact: true }).selectOption('sgd');
  await page.getByLabel('Learning rate', { exact: true }).fill('0.1');
  await trainAndWait(page, 2);
  await page.getByRole('checkbox', { name: 'Compare Run 1' }).check();
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-overlays', '1');
  await expect(page.getByTestId('compute-chart')).toHaveAttribute('data-points', '2');
  await docShot(page, 'docs/screenshots/dashboard.png');
});
