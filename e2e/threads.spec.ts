/**
 * Threads in the IDE, in headless Chromium (the app is cross-origin isolated, so the engine
 * worker starts CPU pool workers on a shared WebAssembly.Memory): LeNet-5 trains one epoch
 * on the CPU backend at Threads = 1 and, in a fresh browser context, at Threads = 2; the
 * setting says 2 threads are in use, and both runs end with bit-identical weights.
 */
import { test, expect } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { dismissWelcome, nodes, trainToEnd } from './helpers.ts';

async function trainLenet(browser: Browser, baseURL: string, threads: number): Promise<{ weights: number[]; info: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  try {
    await page.goto('/?e2e');
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
    await dismissWelcome(page);
    await expect(nodes(page).first()).toBeVisible();
    const dataCard = page.getByRole('region', { name: 'Data', exact: true });
    await page.getByRole('button', { name: 'File' }).click();
    await page.getByRole('menuitem', { name: 'New from template…' }).click();
    await page.getByRole('dialog', { name: 'New from template' }).getByRole('button', { name: 'Use template LeNet-5' }).click();
    await expect(page.getByRole('group', { name: 'Conv2d node' }).first()).toBeVisible();
    const samples = dataCard.getByRole('spinbutton', { name: 'Samples' });
    await samples.fill('200');
    await samples.press('Enter');
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Dashboard' }).click();
    const settings = page.getByRole('region', { name: 'Training settings' });
    await settings.getByLabel('Backend', { exact: true }).selectOption('cpu');
    await settings.getByLabel('Threads', { exact: true }).selectOption(String(threads));
    await trainToEnd(page, 110_000);
    const info = settings.getByTestId('threads-info');
    await expect(info).toContainText(`In use: ${threads} thread`);
    const weights = await page.evaluate(() => Array.from(window.__flowgrad!.getLastWeights() ?? []));
    return { weights, info: (await info.textContent()) ?? '' };
  } finally {
    await context.close();
  }
}

test('Threads = 2 trains LeNet-5 on the CPU with the same weights as Threads = 1', async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  const baseURL = testInfo.project.use.baseURL!;
  const one = await trainLenet(browser, baseURL, 1);
  const two = await trainLenet(browser, baseURL, 2);
  expect(two.info).toMatch(/In use: 2 threads/);
  expect(one.weights.length).toBeGreaterThan(61_706);
  expect(two.weights).toEqual(one.weights);
});
