/**
 * The Custom Code node's editor: Monaco with the engine's types (not part of the first page
 * load), completion of tensor methods after `x.`, and errors — a thrown error, a syntax error —
 * shown on the node, under the editor and as a marker, gone again once the code is fixed.
 */
import { test, expect, type Page } from '@playwright/test';
import { clearCanvas, connect, dragLayer, node, openApp } from './helpers.ts';

/** Replaces the whole body in the Monaco editor by typing it. */
async function typeBody(page: Page, text: string): Promise<void> {
  await page.getByTestId('custom-code-editor').locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

test('Custom Code: Monaco completes the engine API; errors show on the node and go when fixed', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
  await openApp(page);
  expect(scripts.filter((u) => /monaco|CustomCodeEditor/.test(u))).toEqual([]); // not in the first load

  await clearCanvas(page);
  const input = await dragLayer(page, 'Input', 80, 120);
  const custom = await dragLayer(page, 'Custom Code', 320, 120);
  await connect(page, input, custom);
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  await custom.click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByRole('button', { name: 'Edit code' }).click();
  const dialog = page.getByRole('dialog', { name: /^Custom Code · / });
  await expect(dialog).toBeVisible();
  const editor = dialog.getByTestId('custom-code-editor');
  await expect(editor.locator('.monaco-editor')).toBeVisible(); // Monaco arrived
  expect(scripts.some((u) => /CustomCodeEditor/.test(u))).toBe(true);
  await expect(dialog.getByRole('status')).toHaveText('Runs on a dummy batch without errors.');

  // Completion from the engine's declarations: tensor methods after `x.`.
  await typeBody(page, 'return x.');
  const suggestions = editor.locator('.suggest-widget');
  // The first completion waits for Monaco's TypeScript worker to start and read the engine's
  // declarations: seconds on a quiet machine, far more on a loaded 2-core one.
  await expect(suggestions).toBeVisible({ timeout: 60_000 });
  await page.keyboard.type('rel');
  await expect(suggestions.getByRole('option', { name: /^relu\b/ }).first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible(); // Escape closed the suggestions, not the dialog

  // A thrown error: on the node (behind the dialog), under the editor, and as a marker on its line.
  await typeBody(page, 'const y = x.relu();\nthrow new Error("boom");');
  const onNode = node(page, 'Custom Code').getByRole('note');
  await expect(onNode).toHaveText('the code failed at line 2: boom');
  await expect(dialog.getByRole('alert')).toHaveText('Custom Code: the code failed at line 2: boom');
  await expect(editor.locator('.squiggly-error')).toHaveCount(1);

  // A syntax error (Monaco marks it itself).
  await typeBody(page, 'return x +;');
  await expect(onNode).toContainText('the code does not parse');
  await expect(editor.locator('.squiggly-error').first()).toBeVisible();

  // Fixed: the errors go.
  await typeBody(page, 'return x.relu().mul(2);');
  await expect(dialog.getByRole('status')).toHaveText('Runs on a dummy batch without errors.');
  await expect(onNode).toHaveCount(0);
  await expect(editor.locator('.squiggly-error')).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('return x.relu().mul(2);');
});
