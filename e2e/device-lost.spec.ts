/**
 * Issue #4's device-lost recovery, end to end: train on WebGPU (headless Chromium's real
 * adapter — SwiftShader here — inside the engine worker), lose the GPU device mid-run, then
 * continue on the CPU from the last finished epoch's weights.
 *
 * The device is lost for real: `window.__flowgrad.loseGpuDevice()` (installed only with `?e2e`
 * in the URL, see app/main.tsx) asks the worker to call `GPUDevice.destroy()` on its device —
 * what a driver reset does — so the backend learns of it through `device.lost` as it would in
 * the field. Nothing else is mocked.
 */
import { test, expect } from '@playwright/test';
import { dismissWelcome, metrics, nodes, readMetric } from './helpers.ts';

declare global {
  interface Window {
    __firstLoss?: Record<string, number>;
  }
}

test('losing the GPU mid-run stops cleanly, says so, and training continues on the CPU from the last epoch', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/?e2e');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  await dismissWelcome(page);
  await expect(nodes(page).first()).toBeVisible();
  const graphBefore = await page.evaluate(() => window.__flowgrad!.getGraph());
  const nodeCount = await nodes(page).count();

  // The first reported loss of every run (the loss of the first steps), by run id.
  await page.evaluate(() => {
    const first: Record<string, number> = (window.__firstLoss = {});
    window.__flowgrad!.store.subscribe((s) => {
      if (s.runId && s.metrics && Number.isFinite(s.metrics.loss) && !(s.runId in first)) first[s.runId] = s.metrics.loss;
    });
  });

  // Force the WebGPU backend in the training settings (Auto would pick the CPU on a software adapter).
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const settings = page.getByRole('region', { name: 'Training settings' });
  await expect(settings.getByTestId('adapter-info')).toContainText('WebGPU:');
  await settings.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  await page.getByLabel('Epochs', { exact: true }).fill('100');
  await page.getByLabel('Epochs', { exact: true }).press('Enter');
  const arch = await page.evaluate(async () => (await navigator.gpu.requestAdapter())?.info.architecture ?? '');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // The first epoch event: validation metrics appear only at an epoch's end, after the worker
  // kept a host copy of that epoch's weights.
  await expect(metrics(page)).toContainText('Validation:', { timeout: 30_000 });
  await expect(metrics(page)).toContainText(/Epoch \d+ \/ 100/);
  expect(await page.evaluate(() => window.__flowgrad!.loseGpuDevice())).toBe(true);

  // Stopped cleanly, with a message naming the lost GPU and what was kept.
  const message = page.locator('.run-message.error');
  await expect(message).toContainText(/The GPU device \(WebGPU: .+\) was lost during training/);
  if (arch) await expect(message).toContainText(arch);
  await expect(message).toContainText(/The weights after epoch \d+ were kept/);
  const lost = (await message.textContent()) ?? '';
  const lostAt = Number(/after epoch (\d+)/.exec(lost)![1]);
  expect(lostAt).toBeGreaterThanOrEqual(1);
  expect(lostAt).toBeLessThan(100);
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeDisabled();
  const gpuRun = await page.evaluate(() => window.__flowgrad!.store.getState().runId);

  // Continue on the CPU: a full run from the kept weights, to completion.
  const cont = page.getByRole('button', { name: 'Continue on CPU' });
  await expect(cont).toBeVisible();
  await cont.click();
  await expect(page.getByText(/^Finished 100 epochs/)).toBeVisible({ timeout: 40_000 });
  await expect(cont).toHaveCount(0);
  const text = (await metrics(page).textContent()) ?? '';
  expect(readMetric(text, 'Accuracy')).toBeGreaterThan(0.85);

  // It went on from the GPU run's weights: its very first loss is below the fresh start's.
  const cpuRun = await page.evaluate(() => window.__flowgrad!.store.getState().runId);
  const first = await page.evaluate(() => window.__firstLoss!);
  expect(cpuRun).not.toBe(gpuRun);
  console.log(`${lost}\nfirst loss on the GPU ${first[gpuRun!]?.toFixed(4)}, on the CPU ${first[cpuRun!]?.toFixed(4)}; ${text}`);
  expect(first[cpuRun!]).toBeLessThan(first[gpuRun!] - 0.05);

  // Nothing lost: the same graph, and the CPU run's weights are the model's now.
  expect(await page.evaluate(() => window.__flowgrad!.getGraph())).toEqual(graphBefore);
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Model', exact: true }).click();
  await expect(nodes(page)).toHaveCount(nodeCount);
  expect(await page.evaluate(() => window.__flowgrad!.getLastWeights()?.length ?? 0)).toBeGreaterThan(0);
});
