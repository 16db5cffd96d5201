/**
 * Projects: edits, the project name, run history, theme and view survive a reload; Save as
 * keeps both projects in the list; a share link opens the graph in a fresh browser.
 */
import { test, expect } from '@playwright/test';
import { openApp, dismissWelcome, dragLayer, nodes, node, trainToEnd, docShot } from './helpers.ts';

test('reload and find everything: graph, name, runs, theme', async ({ page }) => {
  await openApp(page);
  await page.getByRole('textbox', { name: 'Project name' }).fill('Ring finder');
  await page.getByLabel('Epochs', { exact: true }).fill('10');
  await trainToEnd(page);
  await dragLayer(page, 'Tanh', 300, 380);
  await page.getByRole('button', { name: 'Light theme' }).click();
  await page.waitForTimeout(1200); // autosave within a second
  await page.reload();
  await expect(node(page, 'Tanh')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Project name' })).toHaveValue('Ring finder');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await expect(page.getByRole('list', { name: 'Runs' }).getByRole('listitem')).toHaveCount(1);
  await docShot(page, 'docs/screenshots/light-dashboard.png');
  await page.getByRole('button', { name: 'Dark theme' }).click();
});

test('save as, open from the project list, and share by link', async ({ page, browser }) => {
  await openApp(page);
  await page.getByRole('textbox', { name: 'Project name' }).fill('First');
  await page.getByRole('button', { name: 'Open project' }).click();
  const dialog = page.getByRole('dialog', { name: 'Projects' });
  await dialog.getByLabel('Save as').fill('Second');
  await dialog.getByRole('button', { name: 'Save as' }).click();
  await expect(page.getByRole('textbox', { name: 'Project name' })).toHaveValue('Second');
  await dragLayer(page, 'GELU', 300, 380);
  await page.waitForTimeout(800);
  await page.getByRole('button', { name: 'Open project' }).click();
  await expect(dialog.getByRole('list', { name: 'Saved projects' }).getByRole('listitem')).toHaveCount(2);
  await dialog.getByRole('button', { name: 'Open First' }).click();
  await expect(page.getByRole('textbox', { name: 'Project name' })).toHaveValue('First');
  await expect(nodes(page)).toHaveCount(8);

  // Share: the link opens the same graph elsewhere.
  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'Share link…' }).click();
  const url = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(url).toMatch(/#graph=[A-Za-z0-9_-]+$/);
  const other = await browser.newPage();
  await other.goto(url);
  await dismissWelcome(other);
  await expect(other.getByText('Opened a shared model as a new project.')).toBeVisible();
  await expect(other.locator('.react-flow__node')).toHaveCount(8);
  await other.close();
});
