/**
 * The generated token-classification set in the data menu: its preview shows each word with
 * its tag, the signature says a class per token, and the starter model (one prediction per
 * sample) is flagged as not fitting it.
 */
import { test, expect } from '@playwright/test';
import { openDataApp } from './data-helpers.ts';

test('the word-tag dataset: word/tag preview, a class per token, the starter model flagged', async ({ page }) => {
  await openDataApp(page);
  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await dataCard.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Word tags: noun / verb / other (text, per token)' });
  const preview = dataCard.getByTestId('dataset-preview');
  await expect(preview.getByRole('listitem')).toHaveCount(6);
  await expect(preview.getByRole('listitem').first()).toHaveText(/^\w+\/(other|noun|verb)( \w+\/(other|noun|verb))+$/);
  await expect(dataCard).toContainText('3 classes for each of the 12 tokens');
  await expect(dataCard).toContainText('The model does not fit this data.');
});
