/**
 * The code view and the Custom Code editor share one Monaco: opening the code panel first, then
 * a Custom Code editor (the panel's open state is remembered, so users meet this order often)
 * raises no page error and completion still works. Offline after the first visit, the code
 * panel's Monaco chunks come from the service worker's precache: no failed loads, no errors.
 */
import { test, expect, type Page } from '@playwright/test';
import { canvas, connect, dragLayer, nodes, openApp } from './helpers.ts';

/** Page errors and console errors, collected from the start. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => errors.push(`failed: ${r.url()}`));
  return errors;
}

test('code panel, then a Custom Code editor: no page errors, completion works', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  await expect(panel.getByTestId('code-editor').locator('.monaco-editor')).toBeVisible();

  // Clear the canvas with the panel open (it may cover some nodes): select all, delete.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await expect(nodes(page)).toHaveCount(0);
  const input = await dragLayer(page, 'Input', 80, 120);
  const custom = await dragLayer(page, 'Custom Code', 320, 120);
  await connect(page, input, custom);
  await custom.click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByRole('button', { name: 'Edit code' }).click();
  const dialog = page.getByRole('dialog', { name: /^Custom Code · / });
  const editor = dialog.getByTestId('custom-code-editor');
  await expect(editor.locator('.monaco-editor')).toBeVisible();

  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('return x.');
  const suggestions = editor.locator('.suggest-widget');
  await expect(suggestions).toBeVisible({ timeout: 60_000 });
  await page.keyboard.type('rel');
  await expect(suggestions.getByRole('option', { name: /^relu\b/ }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect(errors).toEqual([]);
});

test('offline after the first visit, the code panel loads its editor from the precache', async ({ page, context }) => {
  await openApp(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  const errors = watchErrors(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  await expect(panel.getByTestId('code-editor').locator('.monaco-editor')).toBeVisible();
  await expect(panel).toContainText('class Model(nn.Module)');
  expect(errors).toEqual([]);
  await context.setOffline(false);
});
