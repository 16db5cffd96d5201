/**
 * With data that is not 2-D, the training card counts that data's own split and the result
 * card shows no 2-D scatter or decision boundary (it says why, with the split), yet training
 * still reports accuracy. Once for an uploaded CSV (a real drop) and once for the built-in
 * digits; choosing the 2-D dataset again brings its count and scatter back.
 */
import { test, expect, type Page } from '@playwright/test';
import { metrics, readMetric, trainToEnd } from './helpers.ts';
import { closeDataDialog, dataDialog, dropFiles, openDataApp, threeClassCsv } from './data-helpers.ts';

const trainingCard = (page: Page) => page.getByRole('region', { name: 'Training', exact: true });
const resultCard = (page: Page) => page.getByRole('region', { name: 'Result', exact: true });
const dataCard = (page: Page) => page.getByRole('region', { name: 'Data', exact: true });

async function expectNoPlot(page: Page, what: string): Promise<void> {
  await expect(resultCard(page).getByRole('heading', { name: 'Result' })).toBeVisible();
  await expect(resultCard(page).getByRole('img')).toHaveCount(0);
  await expect(resultCard(page)).toContainText(`No decision boundary: it is drawn for 2-D points, and this data has ${what}.`);
}

test('an uploaded CSV: its split on the training card, no 2-D plot, accuracy after training', async ({ page }) => {
  await openDataApp(page);
  // The starter data (circles, 400 points, 20% validation) for contrast.
  await expect(trainingCard(page)).toContainText('320 training samples · 80 validation');
  await expect(resultCard(page).getByRole('img', { name: 'The data; train to see the decision boundary' })).toBeVisible();

  await dropFiles(page, [{ name: 'three-kinds.csv', bytes: threeClassCsv(), type: 'text/csv' }]);
  const dialog = dataDialog(page);
  await dialog.getByLabel('Label column').selectOption('kind');
  await dialog.getByLabel('Role of score').selectOption('ignore');
  // 240 rows, 80 per class; 15% validation and 15% test per class.
  await expect(dialog.getByTestId('split-summary')).toHaveText('train 168 · validation 36 · test 36');
  await dialog.getByRole('button', { name: 'Fit model to data' }).click();
  await closeDataDialog(page);

  await expect(trainingCard(page)).toContainText('168 training samples · 36 validation · 36 test');
  await expect(trainingCard(page)).not.toContainText('320 training samples');
  await expectNoPlot(page, '4 inputs per sample');
  await expect(resultCard(page)).toContainText('168 training samples · 36 validation · 36 test');

  await trainingCard(page).getByRole('spinbutton', { name: 'Epochs' }).fill('25');
  const text = await trainToEnd(page);
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.85);
  await expect(metrics(page).getByText(/^Accuracy: \d/)).toBeVisible();
  await expectNoPlot(page, '4 inputs per sample');
});

test('built-in digits: their split, no 2-D plot, accuracy above chance; the 2-D data comes back', async ({ page }) => {
  await openDataApp(page);
  await dataCard(page).getByLabel('Dataset', { exact: true }).selectOption({ label: 'Digits 28×28 (synthetic)' });
  const samples = dataCard(page).getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('300');
  await samples.press('Enter');
  await dataCard(page).getByRole('button', { name: 'Fit model to data' }).click();

  await expect(trainingCard(page)).toContainText('240 training samples · 60 validation');
  await expectNoPlot(page, '1×28×28 images');

  await trainingCard(page).getByRole('spinbutton', { name: 'Epochs' }).fill('10');
  const text = await trainToEnd(page);
  // Ten classes: chance is 10%.
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.4);
  await expect(metrics(page).getByText(/^Accuracy: \d/)).toBeVisible();
  await expect(metrics(page)).toContainText('Validation');
  await expectNoPlot(page, '1×28×28 images');

  // Back to the 2-D points: their count and their scatter.
  await dataCard(page).getByLabel('Dataset', { exact: true }).selectOption({ label: 'Circles' });
  await expect(trainingCard(page)).toContainText('320 training samples · 80 validation');
  await expect(resultCard(page).getByRole('heading', { name: 'Decision boundary' })).toBeVisible();
  await expect(resultCard(page).getByTestId('boundary-canvas')).toBeVisible();
});
