/**
 * Issue #6's groups journey: select the two middle layers of the starter model, group them
 * (Ctrl+G), repeat the block ×3 from the inspector (shapes flow through every copy and Train
 * stays enabled), collapse it into one node and expand it again, rename it, and undo it all.
 */
import { test, expect, type Page } from '@playwright/test';
import { openApp, docShot } from './helpers.ts';

const layers = (page: Page) => page.locator('.react-flow__node-layer');
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const train = (page: Page) => page.getByRole('button', { name: 'Train', exact: true });

test('group two layers, repeat the block ×3, collapse and expand it, undo', async ({ page }) => {
  await openApp(page);
  await expect(layers(page)).toHaveCount(8);
  const params = async () => (await page.getByRole('status', { name: 'Model summary' }).textContent()) ?? '';
  const before = await params();

  // The starter model's middle pair: the second Dense(16) and the ReLU after it.
  await layers(page).filter({ hasText: 'Dense' }).nth(1).click();
  await layers(page).filter({ hasText: 'ReLU' }).nth(1).click({ modifiers: ['Shift'] });
  await expect(inspector(page)).toContainText('2 selected');
  await page.keyboard.press('Control+g');
  await expect(inspector(page).getByRole('heading', { name: 'Block 1' })).toBeVisible();
  await expect(page.locator('.group-frame')).toHaveCount(1);
  await expect(inspector(page).getByRole('definition').filter({ hasText: '272' })).toBeVisible();

  // Repeat ×3: two more Dense → ReLU copies, chained; shapes flow through all of them.
  await inspector(page).getByLabel('Repeat count').fill('3');
  await inspector(page).getByRole('button', { name: 'Repeat ×3' }).click();
  await expect(layers(page)).toHaveCount(12);
  await expect(page.locator('.group-frame')).toHaveCount(3);
  await expect(page.getByRole('group', { name: /^Connection from ReLU to Dense, N×16$/ })).toHaveCount(4);
  await expect(train(page)).toBeEnabled();
  expect(await params()).not.toEqual(before);
  await page.keyboard.press('f');
  await page.waitForTimeout(400);
  await docShot(page, 'docs/screenshots/groups-repeat.png');

  // Collapse: the block is one node with its name, shapes and parameter count.
  await inspector(page).getByRole('button', { name: 'Collapse group' }).click();
  const block = page.getByRole('group', { name: 'Block 1 block', exact: true });
  await expect(block).toBeVisible();
  await expect(block).toContainText('2 layers');
  await expect(block).toContainText('→ N×16');
  await expect(block).toContainText('272 params');
  await expect(layers(page)).toHaveCount(10);
  await expect(train(page)).toBeEnabled();
  await expect(inspector(page).getByRole('button', { name: 'Expand group' })).toBeVisible();
  await docShot(page, 'docs/screenshots/groups-collapsed.png');

  // Expand from the inspector: the members come back.
  await inspector(page).getByRole('button', { name: 'Expand group' }).click();
  await expect(block).toHaveCount(0);
  await expect(layers(page)).toHaveCount(12);

  // Undo: expand, collapse, repeat, group — back to the starter model.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(block).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(block).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(layers(page)).toHaveCount(8);
  await expect(page.locator('.group-frame')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(page.locator('.group-frame')).toHaveCount(0);
  await expect(train(page)).toBeEnabled();
  // And redo brings the repeated blocks back.
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  await expect(layers(page)).toHaveCount(12);

  // Edit → Ungroup on a selected block leaves its layers in place.
  await layers(page).filter({ hasText: 'Dense' }).nth(1).click();
  await inspector(page).getByRole('button', { name: 'Select group' }).click();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await page.getByRole('menuitem', { name: /^Ungroup/ }).click();
  await expect(page.locator('.group-frame')).toHaveCount(2);
  await expect(layers(page)).toHaveCount(12);
});
