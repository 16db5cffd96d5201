/**
 * The trained model is a durable artifact: after a reload the project still has its trained
 * model (the playground predicts the same, Evaluate shows the same test metrics), and Train
 * can continue from it — the epochs and the loss curve go on from where they stopped.
 */
import { test, expect, type Page } from '@playwright/test';
import { openApp, metrics, docShot } from './helpers.ts';
import { closeDataDialog, dataDialog, dropFiles, openDataApp, threeClassCsv } from './data-helpers.ts';

const finished = (page: Page, n: number) => page.getByText(new RegExp(`^Finished ${n} epochs?\\b`));

async function setEpochs(page: Page, n: number): Promise<void> {
  const epochs = page.getByLabel('Epochs', { exact: true });
  await epochs.fill(String(n));
  await epochs.press('Enter');
}

/** Opens Evaluate from the Result card; returns its metrics (loss, accuracy...) as text. */
async function evaluateWithNames(page: Page, names: string[]): Promise<string> {
  await page.getByRole('button', { name: 'Evaluate on test data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Evaluate' });
  await expect(dialog).toContainText(/samples of the test split/);
  const m = dialog.getByLabel('Test metrics');
  await expect(m).toContainText(/Accuracy\s*[0-9.]+%/);
  for (const n of names) {
    await expect(dialog.getByRole('table', { name: /Per-class precision/ }).getByRole('rowheader', { name: n })).toBeVisible();
    await expect(dialog.getByRole('table', { name: /Test confusion matrix/ }).getByRole('columnheader', { name: n })).toBeVisible();
  }
  const text = (await m.textContent()) ?? '';
  await docShot(page, 'docs/screenshots/evaluate.png');
  await dialog.getByRole('button', { name: 'Close' }).click();
  return text;
}

/** Types a row into the tabular playground by column name and predicts. */
async function predictRow(page: Page, row: { a: string; b: string; colour: string }): Promise<string> {
  const form = page.getByRole('form', { name: 'Try the model' });
  await form.getByRole('textbox', { name: 'a', exact: true }).fill(row.a);
  await form.getByRole('textbox', { name: 'b', exact: true }).fill(row.b);
  await form.getByRole('combobox', { name: 'colour', exact: true }).selectOption(row.colour);
  await form.getByRole('button', { name: 'Predict' }).click();
  const p = form.getByRole('status', { name: 'Prediction' });
  await expect(p).toContainText(/alpha/);
  return (await p.textContent()) ?? '';
}

async function evaluateText(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Evaluate on test data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Evaluate' });
  const m = dialog.getByLabel('Test metrics');
  await expect(m).toContainText(/Accuracy\s*[0-9.]+%/);
  await expect(dialog.getByRole('table', { name: /Test confusion matrix/ })).toBeVisible();
  await expect(dialog.getByRole('table', { name: /Per-class precision/ })).toContainText('Macro average');
  const text = (await m.textContent()) ?? '';
  await dialog.getByRole('button', { name: 'Close' }).click();
  return text;
}

async function probeText(page: Page): Promise<string> {
  const plot = page.getByTestId('boundary-canvas');
  await expect(plot).toHaveAttribute('data-has-boundary', 'true');
  await plot.click({ position: { x: 60, y: 70 } });
  const p = page.getByRole('status', { name: 'Prediction' });
  await expect(p).toContainText(/class 0/);
  return (await p.textContent()) ?? '';
}

test('a reload keeps the trained model, and Continue trains on from where it stopped', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await setEpochs(page, 2);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page, 2)).toBeVisible({ timeout: 90_000 });
  const before = await probeText(page);
  const metricsBefore = await metrics(page).textContent();
  const evalBefore = await evaluateText(page);
  const chart = page.getByTestId('chart-loss');
  const firstStep = await chart.getAttribute('data-first-step');
  const lastStep = Number(await chart.getAttribute('data-last-step'));
  expect(lastStep).toBeGreaterThan(0);

  await page.waitForTimeout(800); // the model is written once the run ends; autosave is debounced
  await page.reload();
  await expect(page.getByText(/Restored the trained model \(2 epochs\)/)).toBeVisible();
  expect(await metrics(page).textContent()).toContain((metricsBefore ?? '').match(/Loss: [0-9.]+/)![0]);
  expect(await probeText(page)).toBe(before);
  expect(await evaluateText(page)).toBe(evalBefore);
  // The curve comes back (one point per epoch from the checkpoint's history), ending where it ended.
  await expect(chart).toHaveAttribute('data-last-step', String(lastStep));

  // Continue: two more epochs, numbered 3 and 4; the curve keeps its first epochs.
  await page.getByRole('radio', { name: /Continue from the current weights/ }).check();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page, 4)).toBeVisible({ timeout: 90_000 });
  await expect(metrics(page)).toContainText('Epoch 4');
  await expect(chart).toHaveAttribute('data-last-step', String(2 * lastStep));
  expect(Number(await chart.getAttribute('data-first-step'))).toBeLessThanOrEqual(lastStep);
  void firstStep;

  // Start over: fresh weights, epochs from 1 again.
  await page.getByRole('radio', { name: /Start over/ }).check();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page, 2)).toBeVisible({ timeout: 90_000 });
});

test('an uploaded table: the playground names its columns and classes, a reload keeps it all, and the download with its data opens complete elsewhere', async ({ page, browser }) => {
  await openDataApp(page);
  await dropFiles(page, [{ name: 'three-kinds.csv', bytes: threeClassCsv(), type: 'text/csv' }]);
  const dialog = dataDialog(page);
  await dialog.getByLabel('Label column').selectOption('kind');
  await dialog.getByLabel('Role of score').selectOption('ignore');
  await dialog.getByRole('button', { name: 'Fit model to data' }).click();
  await closeDataDialog(page);
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await setEpochs(page, 3);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page, 3)).toBeVisible({ timeout: 90_000 });

  // Raw values by column name; the answer by class name ('beta' sits at a = 3, b = 0).
  const answer = await predictRow(page, { a: '3', b: '0', colour: 'green' });
  expect(answer).toMatch(/Predicted → beta/);
  const evalBefore = await evaluateWithNames(page, ['alpha', 'beta', 'gamma']);

  await page.waitForTimeout(800);
  await page.reload();
  await expect(page.getByText(/Restored the trained model \(3 epochs\)/)).toBeVisible();
  expect(await predictRow(page, { a: '3', b: '0', colour: 'green' })).toBe(answer);
  expect(await evaluateWithNames(page, ['alpha', 'beta', 'gamma'])).toBe(evalBefore);

  // Download with the dataset included, open it in a fresh browser profile (another machine).
  await page.getByRole('button', { name: 'Download project' }).click();
  const dl = page.getByRole('dialog', { name: 'Download project' });
  await dl.getByRole('checkbox', { name: /Include the dataset \(three-kinds\.csv, \d+ KB\)/ }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), dl.getByRole('button', { name: 'Download', exact: true }).click()]);
  const path = await download.path();
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await openDataApp(page2);
  await page2.getByTestId('open-project-input').setInputFiles(path);
  await expect(page2.getByText(/with its trained weights \(3 epochs; Train can continue from them\)/)).toBeVisible();
  await page2.getByRole('button', { name: 'Dashboard' }).click();
  expect(await predictRow(page2, { a: '3', b: '0', colour: 'green' })).toBe(answer);
  expect(await evaluateWithNames(page2, ['alpha', 'beta', 'gamma'])).toBe(evalBefore);
  // It trains there too: Continue goes on to epoch 4.
  await page2.getByRole('radio', { name: /Continue from the current weights/ }).check();
  await setEpochs(page2, 1);
  await page2.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page2, 4)).toBeVisible({ timeout: 90_000 });
  await other.close();
});

test('image data: Evaluate draws the worst-classified samples and a ten-class confusion matrix', async ({ page }) => {
  await openDataApp(page);
  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await dataCard.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Digits 28×28 (synthetic)' });
  const samples = dataCard.getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('200');
  await samples.press('Enter');
  await dataCard.getByRole('button', { name: 'Fit model to data' }).click();
  await setEpochs(page, 1);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(finished(page, 1)).toBeVisible({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Evaluate on test data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Evaluate' });
  await expect(dialog).toContainText(/samples of the validation split/);
  const matrix = dialog.getByRole('table', { name: /Test confusion matrix/ });
  await expect(matrix.getByRole('columnheader')).toHaveCount(11);
  await expect(matrix).toHaveClass(/compact/);
  // One epoch on 160 digits leaves mistakes: each is drawn.
  const worst = dialog.getByRole('region', { name: 'Worst-classified samples' }).getByRole('listitem');
  await expect(worst.first()).toBeVisible();
  await expect(worst.first().getByRole('img', { name: 'Sample image' })).toBeVisible();
  const size = await worst.first().getByRole('img').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  expect(size).toEqual([28, 28]);
});
