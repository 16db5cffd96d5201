/**
 * Issue #6's editing journeys: build a small CNN from the palette with the keyboard (search +
 * Enter) and the mouse, watch shapes flow; undo/redo every edit; break a connection and fix
 * it; copy/paste and duplicate; select all; auto-layout; the shortcut sheet.
 */
import { test, expect, type Page } from '@playwright/test';
import { openApp, clearCanvas, connect, nodes, node, setAttr, docShot } from './helpers.ts';

const edges = (page: Page) => page.locator('.react-flow__edge');
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });

/** Adds a layer with the palette's search box: type, Enter. */
async function addByKeyboard(page: Page, query: string): Promise<void> {
  const before = await nodes(page).count();
  const search = page.getByRole('searchbox', { name: 'Search layers' });
  await search.fill(query);
  await search.press('Enter');
  await expect(nodes(page)).toHaveCount(before + 1);
}

test('build a small CNN from the palette; shapes flow; undo and redo every step', async ({ page }) => {
  await openApp(page);
  await clearCanvas(page);
  for (const q of ['Input', 'Conv2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Dense', 'Softmax', 'Output / Loss']) await addByKeyboard(page, q);
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(nodes(page)).toHaveCount(8);
  // Wire the chain in the order added.
  const order = ['Input', 'Conv2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Dense', 'Softmax', 'Output / Loss'];
  const by = (label: string) => node(page, label);
  await setAttr(page, by('Input'), 'Shape', '1, 12, 12');
  for (let i = 0; i + 1 < order.length; i++) await connect(page, by(order[i]), by(order[i + 1]));
  await expect(edges(page)).toHaveCount(7);
  await page.getByRole('button', { name: 'Auto-layout' }).click(); // now wired: a left-to-right chain
  await page.waitForTimeout(800); // ELK answers from its worker, then the view fits
  await setAttr(page, by('Dense'), 'Units', '2');
  // Conv 3×3 (no padding) then 2×2 pooling: 1×12×12 → 16×10×10 → 16×5×5 → 400.
  await expect(page.getByTestId('edge-shape').filter({ hasText: 'N×16×10×10' }).first()).toBeVisible();
  await expect(page.getByTestId('edge-shape').filter({ hasText: 'N×400' })).toHaveCount(1);
  await expect(page.getByRole('status', { name: 'Model summary' })).toContainText(/params/);

  // Undo the Units edit, the auto-layout and the last connection, then redo them.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('edge-shape').filter({ hasText: 'N×2' })).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(edges(page)).toHaveCount(6);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Shift+z');
  await expect(edges(page)).toHaveCount(7);
  await expect(page.getByTestId('edge-shape').filter({ hasText: /^N×2$/ }).first()).toBeVisible();
  // The toolbar buttons do the same.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByTestId('edge-shape').filter({ hasText: /^N×2$/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(page.getByTestId('edge-shape').filter({ hasText: /^N×2$/ }).first()).toBeVisible();
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.waitForTimeout(300);
  await docShot(page, 'docs/screenshots/cnn-canvas.png');
});

test('break a connection and fix it; the problem shows on the node and in the Train list', async ({ page }) => {
  await openApp(page);
  await page.getByRole('group', { name: /^Connection from ReLU to Dense/ }).first().click();
  await page.keyboard.press('Delete');
  const dense = nodes(page).filter({ hasText: 'Dense' }).nth(1);
  await expect(dense.getByRole('note')).toContainText(/not connected/);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();
  // Fix it by dragging a new connection.
  await connect(page, nodes(page).filter({ hasText: 'ReLU' }).first(), dense);
  await expect(dense.getByRole('note')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
  // Break it again and undo instead.
  await page.getByRole('group', { name: /^Connection from ReLU to Dense/ }).first().click();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeDisabled();
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});

test('copy, paste, duplicate, select all and delete, with undo', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await expect(nodes(page)).toHaveCount(8);
  await node(page, 'Input').click();
  await page.keyboard.press('Control+d');
  await expect(nodes(page)).toHaveCount(9);
  await expect(inspector(page)).toContainText('input1');
  // Copy two layers (shift-click adds to the selection) and paste them.
  await nodes(page).filter({ hasText: 'Softmax' }).click();
  await node(page, 'Output / Loss').click({ modifiers: ['Shift'] });
  await expect(inspector(page)).toContainText('2 selected');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(nodes(page)).toHaveCount(11);
  // The pasted pair keeps its connection.
  await expect(page.getByRole('group', { name: /^Connection from Softmax to Output \/ Loss/ })).toHaveCount(2);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await expect(nodes(page)).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(nodes(page)).toHaveCount(11);
  // The shortcut sheet lists what the keys do.
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toContainText('Duplicate');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
});
