/**
 * Bad input: a broken graph says what is wrong on the node and Train says why it is disabled;
 * a corrupt or foreign file, or a share link that inflates past its cap, is refused with a
 * message and the current project is untouched.
 */
import { deflateSync } from 'fflate';
import { test, expect } from '@playwright/test';
import { dismissWelcome, openApp, nodes, node, setAttr, readMetric } from './helpers.ts';

test('a broken graph shows the error on the node and blocks Train with the reason', async ({ page }) => {
  await openApp(page);
  // Disconnect a layer: delete the edge into the first ReLU.
  await page.getByRole('group', { name: /^Connection from Dense to ReLU/ }).first().click();
  await page.keyboard.press('Delete');
  const relu = page.getByRole('group', { name: 'ReLU node', exact: true }).first();
  await expect(relu.getByRole('note')).toContainText(/not connected/);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeDisabled();
  const problems = page.getByRole('list', { name: 'Problems' });
  await expect(problems).toContainText(/not connected/);

  // Clicking the problem selects the node: the inspector shows it.
  await problems.getByRole('button').first().click();
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('ReLU');

  // A shape mismatch is reported on the node where it happens.
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(train).toBeEnabled();
  const lastDense = nodes(page).filter({ hasText: 'Dense' }).nth(2);
  await setAttr(page, lastDense, 'Units', '3');
  await expect(train).toBeDisabled();
  await expect(page.getByRole('list', { name: 'Problems' })).toContainText(/2 classes.*predicts 3/);
  await expect(node(page, 'Output / Loss').getByRole('note')).toContainText(/2 classes/);
});

test('opening a corrupt or foreign file shows a message and leaves the project untouched', async ({ page }) => {
  await openApp(page);
  const count = await nodes(page).count();
  const input = page.getByTestId('open-project-input');
  await input.setInputFiles({ name: 'model.flowgrad.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 this is not really a zip') });
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(nodes(page)).toHaveCount(count);
  await page.getByRole('button', { name: 'Dismiss' }).click();

  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  await input.setInputFiles({ name: 'photo.flowgrad.zip', mimeType: 'application/zip', buffer: png });
  await expect(page.getByRole('alert')).toContainText(/not a Flowgrad project/i);
  await expect(nodes(page)).toHaveCount(count);
});

test('a diverging run stops with a message instead of drawing garbage', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Optimizer').selectOption('sgd');
  const lr = page.getByLabel('Learning rate');
  await lr.fill('1000');
  await lr.press('Enter');
  // SGD at lr 1000 blows up for some starts only (cross-entropy stays finite for huge logits
  // and dead ReLUs can stop the growth): seed 2 is one that reaches inf within 10 steps.
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const seed = page.getByRole('region', { name: 'Training settings' }).getByLabel('Seed', { exact: true });
  await seed.fill('2');
  await seed.press('Enter');
  await page.getByRole('button', { name: 'Model', exact: true }).click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByText(/Training diverged/)).toBeVisible({ timeout: 60_000 });
  // The metrics show the last good weights' loss, a number, not NaN.
  const text = (await page.getByRole('status', { name: 'Training metrics' }).textContent()) ?? '';
  expect(Number.isFinite(readMetric(text, 'Loss'))).toBe(true);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});

test('a share link that inflates past the cap is refused with a message; the app stays usable', async ({ page }) => {
  // 64 MB of JSON-looking text deflates to about 64 KB: a decompression bomb in a link.
  const bomb = deflateSync(new Uint8Array(64 * 2 ** 20).fill(0x20), { level: 9 });
  const b64 = Buffer.from(bomb).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  await page.goto(`/#graph=${b64}`);
  await expect(page.getByRole('alert')).toContainText(/Could not open the shared link: .*the limit is/, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await dismissWelcome(page);
  await expect(nodes(page).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});
