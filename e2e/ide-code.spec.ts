/**
 * The code view: live PyTorch and TypeScript for the graph on the canvas, updated as the
 * model changes; the TypeScript view's edits (arguments, layers removed) apply back to the
 * graph; Monaco loads on demand (not in the first page load).
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

test('the TypeScript view edits the graph: a Dense width changed in code and applied changes the node', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  await panel.getByRole('tab', { name: 'TypeScript' }).click();
  await expect(panel.getByText('Editable: change a layer’s arguments')).toBeVisible();
  const line = panel.locator('.view-line', { hasText: 'dense2 = new nn.Linear(16, 16);' });
  await expect(line).toBeVisible();
  await page.waitForTimeout(1000); // Monaco settles its layout first, or a click can land on another line

  // Something that is not a setting: refused, at its line, and the graph stays.
  const focused = panel.locator('.monaco-editor.focused');
  await line.click();
  await expect(focused).toHaveCount(1); // keys go to the editor only once it has focus
  await page.keyboard.press('End');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('24);');
  await expect(panel.locator('.view-line', { hasText: 'dense2 = new nn.Linear(16, 24);' })).toBeVisible();
  await page.keyboard.press('Home');
  await page.keyboard.press('Home');
  for (let i = 0; i < '  dense2 = new nn.Linear('.length; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Delete');
  await page.keyboard.type('8');
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('alert')).toHaveText(/^Line \d+: dense2: 16 is not a setting of this Dense: it follows from the shape of its input/);
  await expect(nodes(page).filter({ hasText: '24 units' })).toHaveCount(0);

  // Back to 16 inputs: the width applies, the node changes and the code follows downstream.
  await panel.locator('.view-line', { hasText: 'dense2 = new nn.Linear(8, 24);' }).click();
  await expect(focused).toHaveCount(1);
  await page.keyboard.press('End');
  for (let i = 0; i < '8, 24);'.length; i++) await page.keyboard.press('Backspace');
  // One input event: typed key by key, the text was once split across two lines under load.
  await page.keyboard.insertText('16, 24);');
  await expect(panel.locator('.view-line', { hasText: 'dense2 = new nn.Linear(16, 24);' })).toBeVisible();
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(nodes(page).filter({ hasText: '24 units' })).toHaveCount(1);
  await expect(panel).toContainText('new nn.Linear(24, 2)');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Apply' })).toHaveCount(0);

  // Undo takes the applied edit back like any other.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(nodes(page).filter({ hasText: '24 units' })).toHaveCount(0);

  await panel.getByRole('tab', { name: 'PyTorch' }).click();
  await expect(panel.getByText(/^Read-only: PyTorch is generated for export/)).toBeVisible();
});

test('the TypeScript view changes the structure: a layer removed in code (its two lines, its reader pointed past it) leaves the canvas', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Code' });
  await panel.getByRole('tab', { name: 'TypeScript' }).click();
  await expect(panel.getByTestId('code-editor')).toBeVisible();
  const relus = nodes(page).filter({ hasText: 'ReLU' });
  await expect(relus).toHaveCount(2);
  await page.waitForTimeout(1000); // Monaco settles its layout first, or a click can land on another line
  const focused = panel.locator('.monaco-editor.focused');
  // Deletes a whole line: select it to column 1, clear it, join it to the line above.
  const deleteLine = async (text: string) => {
    await panel.locator('.view-line', { hasText: text }).click();
    await expect(focused).toHaveCount(1);
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expect(panel.locator('.view-line', { hasText: text })).toHaveCount(0);
  };
  await deleteLine('relu2 = new nn.ReLU();');
  await deleteLine('const relu2 = this.relu2.forward(dense2);');
  await panel.locator('.view-line', { hasText: 'const dense3 = this.dense3.forward(relu2);' }).click();
  await page.keyboard.press('End');
  for (let i = 0; i < 'relu2);'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.insertText('dense2);');
  await expect(panel.locator('.view-line', { hasText: 'const dense3 = this.dense3.forward(dense2);' })).toBeVisible();
  await panel.getByRole('button', { name: 'Apply' }).click();
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(relus).toHaveCount(1);
  await expect(panel.getByRole('button', { name: 'Apply' })).toHaveCount(0);
  await expect(panel).not.toContainText('relu2');
  // One undoable edit.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(relus).toHaveCount(2);
});
