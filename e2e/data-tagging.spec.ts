/**
 * The generated token-classification set in the data menu: its preview shows each word with
 * its tag, the signature says a class per token, the starter model (one prediction per
 * sample) is flagged as not fitting it, and "Fit model to data" makes it a per-token model
 * (an Embedding after the Input) that trains from the IDE.
 */
import { test, expect } from '@playwright/test';
import { openDataApp } from './data-helpers.ts';
import { readMetric, trainToEnd } from './helpers.ts';

test('the word-tag dataset: word/tag preview, a class per token, the starter model fitted to it trains per token', async ({ page }) => {
  await openDataApp(page);
  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await dataCard.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Word tags: noun / verb / other (text, per token)' });
  const preview = dataCard.getByTestId('dataset-preview');
  await expect(preview.getByRole('listitem')).toHaveCount(6);
  await expect(preview.getByRole('listitem').first()).toHaveText(/^\w+\/(other|noun|verb)( \w+\/(other|noun|verb))+$/);
  await expect(dataCard).toContainText('3 classes for each of the 12 tokens');
  await expect(dataCard).toContainText('The model does not fit this data.');
  await dataCard.getByRole('button', { name: 'Fit model to data' }).click();
  await expect(dataCard).not.toContainText('The model does not fit this data.');
  const epochs = page.getByLabel('Epochs', { exact: true });
  await epochs.fill('4');
  await epochs.press('Enter');
  const text = await trainToEnd(page, 120_000);
  console.log(`tagging from the IDE (starter model fitted, 4 epochs): ${text}`);
  // Every token scored, padding included; without context the ambiguous words cap it below 100%.
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.9);
});
