/**
 * The rough edges a newcomer hit (issue 17), each checked where it showed: on a laptop-sized
 * window (1280×720, and the ~1280×600 a browser window on a 720-pixel screen leaves), the
 * welcome dialog's main button, the training card's list of problems, the canvas' room, the
 * dataset select, auto-layout of a long chain, unique project names, the model summary, the
 * user guide, "1 epoch", and the loss curve coming back with an imported project.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { canvas, docShot, node, nodes, openApp, trainToEnd } from './helpers.ts';

/** The part of `inner` outside `outer`'s box, in pixels (0: fully inside). */
async function overflow(inner: Locator, outer: Locator): Promise<number> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  return Math.max(0, b.x - a.x, b.y - a.y, a.x + a.width - (b.x + b.width), a.y + a.height - (b.y + b.height));
}

async function fromTemplate(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'New from template…' }).click();
  await page.getByRole('dialog', { name: 'New from template' }).getByRole('button', { name: `Use template ${title}` }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

test('1280×720: the welcome button is in sight; problems are listed whole; the canvas has room', async ({ page }) => {
  await page.goto('/');
  const start = page.getByRole('button', { name: 'Start with the starter model' });
  await expect(start).toBeVisible();
  expect((await start.boundingBox())!.y + 30).toBeLessThanOrEqual(720);
  await docShot(page, 'docs/screenshots/start-screen.png');
  await start.click();

  for (const [width, height] of [[1280, 720], [1440, 900], [1280, 600]] as const) {
    await page.setViewportSize({ width, height });
    await node(page, 'Input').click();
    await page.keyboard.press('Delete');
    const card = page.getByRole('region', { name: 'Training', exact: true });
    const problems = card.getByRole('list', { name: 'Problems' });
    await expect(problems.getByRole('listitem')).not.toHaveCount(0);
    for (const li of await problems.getByRole('listitem').all()) expect(await overflow(li, card), `${width}×${height}`).toBe(0);
    if (height === 600) expect((await canvas(page).boundingBox())!.height).toBeGreaterThanOrEqual(330);
    await page.keyboard.press('Control+z');
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  expect((await canvas(page).boundingBox())!.height).toBeGreaterThanOrEqual(400);
});

test('the dataset select shows "Digits 28×28" whole; Ctrl+L lays LeNet out in readable rows', async ({ page }) => {
  await openApp(page);
  const select = page.getByRole('region', { name: 'Data', exact: true }).getByLabel('Dataset', { exact: true });
  await select.selectOption({ label: 'Digits 28×28 (synthetic)' });
  const fits = await select.evaluate((el: HTMLSelectElement) => {
    const c = document.createElement('canvas').getContext('2d')!;
    const cs = getComputedStyle(el);
    c.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const text = c.measureText(el.selectedOptions[0]!.text).width;
    return text + parseFloat(cs.paddingLeft) + 20 <= el.clientWidth; // ~20 px for the arrow
  });
  expect(fits).toBe(true);

  await fromTemplate(page, 'LeNet-5');
  await page.locator('.notice').getByRole('button', { name: 'Dismiss' }).click(); // it covers the top row
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+l');
  await page.waitForTimeout(1500); // ELK in its worker, then fitting the view
  const boxes = await Promise.all((await nodes(page).all()).map((n) => n.boundingBox()));
  const rows = new Set(boxes.map((b) => Math.round(b!.y / 20)));
  expect(rows.size).toBeGreaterThanOrEqual(3);
  for (const b of boxes) expect(b!.width).toBeGreaterThanOrEqual(80); // readable (one row of 14 made them ~45 px)
  await docShot(page, 'docs/screenshots/auto-layout.png');
});

test('new projects get their own names; the summary table and the user guide open', async ({ page }) => {
  await openApp(page);
  const name = page.getByRole('textbox', { name: 'Project name' });
  await expect(name).toHaveValue('Untitled model');
  // Work on each project a little (autosave lists it under its name), then start another.
  for (const next of ['Untitled model 2', 'Untitled model 3']) {
    await page.getByLabel('Epochs').fill('12');
    await page.getByLabel('Epochs').press('Enter');
    await page.waitForTimeout(1200);
    await page.getByRole('button', { name: 'New project' }).click();
    await expect(name).toHaveValue(next);
  }
  await page.getByRole('button', { name: 'Open project' }).click();
  const list = page.getByRole('dialog', { name: /Projects/ });
  await expect(list.getByText('Untitled model 2', { exact: true })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Summary table…' }).click();
  const summary = page.getByRole('dialog', { name: 'Model summary' });
  const table = summary.getByRole('table', { name: 'Layers' });
  await expect(table.getByRole('row')).toHaveCount(1 + 8 + 1);
  await expect(table.getByRole('row', { name: /^dense1 / })).toContainText('N×16');
  await expect(table.getByRole('row', { name: /^dense1 / })).toContainText('48');
  await expect(summary.getByLabel('Total params')).toHaveText('354');
  for (const cell of await table.getByRole('cell').all()) expect(await overflow(cell, summary)).toBe(0);
  await docShot(page, 'docs/screenshots/model-summary.png');
  await page.keyboard.press('Escape');

  await page.keyboard.press('?');
  await docShot(page, 'docs/screenshots/shortcuts.png');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).getByRole('button', { name: 'user guide' }).click();
  const guide = page.getByRole('dialog', { name: 'User guide' });
  await expect(guide.getByRole('heading', { name: 'Flowgrad user guide' })).toBeVisible();
  await expect(guide.getByRole('img', { name: 'The start screen' })).toHaveJSProperty('complete', true);
  expect(await guide.getByRole('img', { name: 'The start screen' }).evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
});

test('"Finished 1 epoch"; an imported project brings its loss curve back', async ({ page }) => {
  await openApp(page);
  const epochs = page.getByLabel('Epochs');
  await epochs.fill('1');
  await epochs.press('Enter');
  await trainToEnd(page);
  await expect(page.getByText(/^Finished 1 epoch: loss/)).toBeVisible();
  const chart = page.getByTestId('loss-chart');
  const points = Number(await chart.getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);

  // Built-in data: no dialog asks whether to include it, the download starts at once.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download project' }).click()]);
  const path = await download.path();
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(chart).toHaveAttribute('data-points', '0');
  await page.getByTestId('open-project-input').setInputFiles(path);
  await expect(page.getByText(/with its trained weights/)).toBeVisible();
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
});
