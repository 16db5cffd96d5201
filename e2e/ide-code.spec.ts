/**
 * The code view: live, read-only PyTorch and TypeScript for the graph on the canvas, updated
 * as the model changes; Monaco loads on demand (not in the first page load).
 */
import { test, expect } from '@playwright/test';
import { openApp, nodes, setAttr, docShot } from './helpers.ts';

test('open the code view; the code follows the graph, in PyTorch and TypeScript', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
  await openApp(page);
  expect(scripts.some((u) => /CodeEditor/.test(u))).toBe(false); // Monaco is not in the first load

  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('code-editor')).toBeVisible(); // Monaco arrived
  await expect(panel).toContainText('nn.Linear(2, 16)');
  await expect(panel).toContainText('class Model(nn.Module)');

  // Edit the model: the code changes with it.
  await setAttr(page, nodes(page).filter({ hasText: 'Dense' }).first(), 'Units', '24');
  await expect(panel).toContainText('nn.Linear(2, 24)');

  await panel.getByRole('tab', { name: 'TypeScript' }).click();
  await expect(panel).toContainText('new nn.Linear(2, 24)');
  await expect(panel).toContainText('extends nn.Module');
  await docShot(page, 'docs/screenshots/code-view.png');

  await panel.getByRole('button', { name: 'Close code' }).click();
  await expect(panel).toHaveCount(0);
});
