/**
 * Mixed precision in the training settings, in headless Chromium whose WebGPU adapter
 * (SwiftShader) has no shader-f16: the box is disabled and says why; a project that asks for
 * it anyway (saved on a machine with a GPU that has float16 — set here through the test
 * hook's store, as opening such a project would) keeps the box enabled so it can be turned
 * off, Train on WebGPU stops at once with a message naming the setting, and after turning it
 * off the same run trains. The float16 path itself is tested in the engine on lavapipe.
 */
import { test, expect } from '@playwright/test';
import { dismissWelcome, metrics, nodes } from './helpers.ts';

test('mixed precision: disabled with the reason where the GPU has no float16; a run asking for it says which setting to change', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?e2e');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await dismissWelcome(page);
  await expect(nodes(page).first()).toBeVisible();
  const graphBefore = await page.evaluate(() => window.__flowgrad!.getGraph());

  await page.getByRole('button', { name: 'Dashboard' }).click();
  const settings = page.getByRole('region', { name: 'Training settings' });
  await expect(settings.getByTestId('adapter-info')).toContainText('WebGPU:');
  const box = settings.getByRole('checkbox', { name: 'Mixed precision (float16)' });
  await expect(box).toBeDisabled();
  await expect(box).toHaveAccessibleDescription(/float16 on the GPU \(shader-f16\).*has none/);

  await settings.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  await page.evaluate(() => window.__flowgrad!.store.getState().setTraining({ mixedPrecision: true, epochs: 3 }));
  await expect(box).toBeEnabled();
  await expect(box).toBeChecked();

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.locator('.run-message.error')).toContainText(/Mixed precision needs float16 support on the GPU.*turn Mixed precision off/);
  expect(await page.evaluate(() => window.__flowgrad!.getGraph())).toEqual(graphBefore);

  await box.uncheck();
  await expect(box).toBeDisabled();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(metrics(page)).toContainText(/Finished 3 epochs/, { timeout: 60_000 });
  await expect(page.locator('.run-message.error')).toHaveCount(0);
});
