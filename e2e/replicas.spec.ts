/**
 * Replicas in the IDE, in headless Chromium (the app is cross-origin isolated, so the engine
 * worker starts replica workers sharing the gradient arena): the MLP template trains two
 * epochs on the CPU backend at Threads = 1 and, in a fresh browser context, at Threads = 2 as
 * replicas; the setting says "2 replicas × 1 thread" ran, and the weights match the one-worker
 * run to 1e-6 (the shards' gradients are summed in another order than one batch's).
 */
import { test, expect } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { dismissWelcome, nodes, trainToEnd } from './helpers.ts';
import { decodeSafetensors } from '../engine/project/safetensors.ts';

async function trainMlp(browser: Browser, baseURL: string, threads: number, mode: string): Promise<{ weights: number[]; info: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  try {
    await page.goto('/?e2e');
    await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
    await dismissWelcome(page);
    await expect(nodes(page).first()).toBeVisible();
    await page.getByRole('button', { name: 'File' }).click();
    await page.getByRole('menuitem', { name: 'New from template…' }).click();
    await page.getByRole('dialog', { name: 'New from template' }).getByRole('button', { name: 'Use template MLP' }).click();
    await expect(page.getByRole('group', { name: 'Dense node' }).first()).toBeVisible();
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Dashboard' }).click();
    const settings = page.getByRole('region', { name: 'Training settings' });
    await settings.getByLabel('Backend', { exact: true }).selectOption('cpu');
    await settings.getByLabel('Threads', { exact: true }).selectOption(String(threads));
    await settings.getByLabel('Threads as', { exact: true }).selectOption(mode);
    await trainToEnd(page, 110_000);
    const info = settings.getByTestId('threads-info');
    await expect(info).toContainText('In use:');
    const bytes = await page.evaluate(() => Array.from(window.__flowgrad!.getLastWeights() ?? []));
    const { tensors } = decodeSafetensors(Uint8Array.from(bytes));
    const weights = Object.keys(tensors).sort().flatMap((k) => Array.from(tensors[k]!.data as Float32Array));
    return { weights, info: (await info.textContent()) ?? '' };
  } finally {
    await context.close();
  }
}

test('Threads = 2 as replicas trains the MLP on the CPU to the one-worker weights', async ({ browser }, testInfo) => {
  test.setTimeout(300_000);
  const baseURL = testInfo.project.use.baseURL!;
  const one = await trainMlp(browser, baseURL, 1, 'replicas');
  const two = await trainMlp(browser, baseURL, 2, 'replicas');
  expect(one.info).toMatch(/In use: 1 thread/);
  expect(two.info).toMatch(/In use: 2 replicas × 1 thread/);
  expect(two.info).toMatch(/results match one worker's to float rounding/);
  expect(one.info).toMatch(/the same results at any count/);
  expect(one.weights.length).toBe(1218);
  expect(two.weights.length).toBe(one.weights.length);
  const diff = Math.max(...one.weights.map((v, i) => Math.abs(v - two.weights[i]!)));
  expect(diff).toBeLessThanOrEqual(1e-6);
});
