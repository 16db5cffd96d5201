/**
 * Weight and gradient histograms on the dashboard: train the starter model on a built-in
 * dataset, pick a Dense layer's weight in the histogram card, and read its statistics and
 * drawings — the histograms and the over-epochs heat strips are painted, in both themes.
 */
import { test, expect, type Locator } from '@playwright/test';
import { openApp, docShot } from './helpers.ts';

/** Painted pixels (alpha > 0) in the canvas' plot area (above its value labels), and their mean colour. */
async function painted(canvas: Locator): Promise<{ count: number; rgb: [number, number, number] }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const h = Math.floor(c.height * 0.7);
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, h).data;
    let count = 0, r = 0, g = 0, b = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! < 128) continue;
      count++;
      r += d[i]!;
      g += d[i + 1]!;
      b += d[i + 2]!;
    }
    return { count, rgb: [r, g, b].map((v) => Math.round(v / Math.max(1, count))) as [number, number, number] };
  });
}

test('pick a Dense layer\'s weight and see its weight and gradient histograms', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const card = page.getByRole('region', { name: 'Weight and gradient histograms' });
  await expect(card).toContainText('Train to see');
  await page.getByLabel('Epochs', { exact: true }).fill('6');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByText(/^Finished 6 epochs/)).toBeVisible({ timeout: 90_000 });

  // The card is the middle column's last row: scroll down to it as a user would.
  await card.getByRole('heading', { name: /Weights & gradients/i }).hover();
  await page.mouse.wheel(0, 600);
  await expect(card.getByRole('group', { name: 'Gradient statistics' })).toBeInViewport();
  const pick = card.getByLabel('Parameter');
  const labels = await pick.getByRole('option').allTextContents();
  const dense = labels.filter((l) => /\.weight \(Dense, /.test(l));
  expect(dense.length).toBeGreaterThan(1);
  // The second Dense layer's weight, not the one shown first.
  const label = dense[1]!;
  const name = label.split(' ')[0]!;
  await pick.selectOption({ label });

  const weights = card.getByRole('img', { name: new RegExp(`^Weight histogram of ${name.replace('.', '\\.')} at epoch 6: 30 bins from`) });
  const grads = card.getByRole('img', { name: new RegExp(`^Gradient histogram of ${name.replace('.', '\\.')} at epoch 6`) });
  await expect(weights).toBeVisible();
  await expect(grads).toBeVisible();
  await expect(card.getByRole('img', { name: `Weights of ${name} over epochs 1–6` })).toHaveAttribute('data-rows', '6');

  for (const kind of ['Weight', 'Gradient']) {
    const stats = card.getByRole('group', { name: `${kind} statistics` });
    await expect(stats).toContainText(/mean\s*[−\d]/);
    await expect(stats).toContainText(/std\s*\d/);
    await expect(stats).toContainText(/min\s*[−\d]/);
    await expect(stats).toContainText(/max\s*[−\d]/);
    await expect(stats).toContainText(/non-finite\s*0/);
  }

  await page.waitForTimeout(100); // drawn on the next animation frame
  const dark = await painted(weights);
  expect(dark.count).toBeGreaterThan(200);
  expect((await painted(grads)).count).toBeGreaterThan(100);
  for (const strip of ['Weights', 'Gradients']) expect((await painted(card.getByRole('img', { name: new RegExp(`^${strip} of .* over epochs`) }))).count).toBeGreaterThan(200);

  await docShot(page, 'docs/screenshots/histograms.png');

  // Light theme: redrawn in the light theme's accent colour.
  await page.getByRole('button', { name: 'Light theme' }).click();
  await page.waitForTimeout(150);
  const light = await painted(weights);
  expect(light.count).toBeGreaterThan(200);
  expect(light.rgb).not.toEqual(dark.rgb);
  expect(light.rgb[2]).toBeGreaterThan(light.rgb[0]); // the accent is a blue
});
