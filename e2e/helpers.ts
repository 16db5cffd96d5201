/**
 * Shared steps of the user journeys, written as a user acts: palette drags, handle-to-handle
 * connections, inspector edits, the Train button. Locators use roles and accessible names;
 * React Flow's own classes only where a user "aims" at a handle.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const canvas = (page: Page) => page.getByTestId('canvas');
export const nodes = (page: Page) => page.locator('.react-flow__node');
export const node = (page: Page, label: string) => page.getByRole('group', { name: `${label} node`, exact: true });
export const metrics = (page: Page) => page.getByRole('status', { name: 'Training metrics' });

export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await dismissWelcome(page);
  await expect(nodes(page).first()).toBeVisible();
}

/** A first visit opens the start screen (template gallery); start with the starter model. */
export async function dismissWelcome(page: Page): Promise<void> {
  // The app renders once boot has read the autosave (up to 1.5 s), the start screen in the same
  // render: asked before that, the page is blank and the screen would open after this returned.
  await expect(page.getByRole('textbox', { name: 'Project name' })).toBeVisible({ timeout: 15_000 });
  const start = page.getByRole('button', { name: 'Start with the starter model' });
  if (await start.isVisible().catch(() => false)) await start.click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

/** Deletes every node as a user would: click it, press Delete. */
export async function clearCanvas(page: Page): Promise<void> {
  while ((await nodes(page).count()) > 0) {
    await nodes(page).first().click();
    await page.keyboard.press('Delete');
  }
}

/** Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dragLayer(page: Page, label: string, x: number, y: number): Promise<Locator> {
  const before = await nodes(page).count();
  await page.getByRole('button', { name: `Add ${label}`, exact: true }).dragTo(canvas(page), { targetPosition: { x, y } });
  await expect(nodes(page)).toHaveCount(before + 1);
  return nodes(page).nth(before);
}

/** Drags from a node's output handle to another node's input handle (first port unless named). */
export async function connect(page: Page, from: Locator, to: Locator, targetIndex = 0): Promise<void> {
  const src = from.locator('.react-flow__handle.source').first();
  const dst = to.locator('.react-flow__handle.target').nth(targetIndex);
  const a = (await src.boundingBox())!;
  const b = (await dst.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Selects a node and sets one of its attributes in the inspector. */
export async function setAttr(page: Page, node: Locator, field: string, value: string): Promise<void> {
  await node.click();
  const input = page.getByRole('complementary', { name: 'Inspector' }).getByLabel(field, { exact: true });
  await input.fill(value);
  await input.press('Enter');
}

/** Input → Dense(16) → ReLU → Dense(16) → ReLU → Dense(2) → Softmax → Output/Loss, from the palette. */
export async function buildClassifier(page: Page): Promise<void> {
  await clearCanvas(page);
  const layout: [string, number, number][] = [
    ['Input', 70, 90], ['Dense', 250, 90], ['ReLU', 430, 90], ['Dense', 610, 90],
    ['ReLU', 70, 300], ['Dense', 250, 300], ['Softmax', 430, 300], ['Output / Loss', 610, 300],
  ];
  const made: Locator[] = [];
  for (const [label, x, y] of layout) made.push(await dragLayer(page, label, x, y));
  for (let i = 0; i + 1 < made.length; i++) await connect(page, made[i], made[i + 1]);
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  await setAttr(page, made[5], 'Units', '2');
}

/** Presses Train and waits for the run to finish; returns the final metrics text. */
export async function trainToEnd(page: Page, timeout = 90_000): Promise<string> {
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await expect(train).toBeEnabled();
  await train.click();
  await expect(page.getByText(/^(Finished \d+ epochs?|Stopped after|Training diverged)/)).toBeVisible({ timeout });
  return (await metrics(page).textContent()) ?? '';
}

export function readMetric(text: string, name: 'Loss' | 'Accuracy'): number {
  const m = new RegExp(`${name}: ([0-9.]+)(%?)`).exec(text);
  if (!m) throw new Error(`no ${name} in "${text}"`);
  return Number(m[1]) / (m[2] === '%' ? 100 : 1);
}

/** The decision-boundary canvas as a data URL: equal images mean equal predictions on the grid. */
export async function boundaryImage(page: Page): Promise<string> {
  const c = page.getByTestId('boundary-canvas');
  await expect(c).toHaveAttribute('data-has-boundary', 'true');
  await page.waitForTimeout(100); // drawn on the next animation frame
  return c.evaluate((el) => (el as HTMLCanvasElement).toDataURL());
}

/**
 * Saves a screenshot for the docs (README, user guide). Only when FLOWGRAD_SCREENSHOTS is set
 * (`npm run screenshots`), so ordinary test runs leave the committed pictures alone.
 */
export async function docShot(page: Page, path: string): Promise<void> {
  if (process.env.FLOWGRAD_SCREENSHOTS) await page.screenshot({ path });
}
