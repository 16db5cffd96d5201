/**
 * The inference playground for image models: built-in digits and the LeNet-5 template, one
 * epoch of training, then a stroke drawn on the pad with the mouse gives the model's
 * probabilities for the ten digits (summing to 100%) next to the 28×28 image it was given;
 * Clear empties the pad again.
 */
import { test, expect, type Locator } from '@playwright/test';
import { openApp, trainToEnd } from './helpers.ts';

/** How many pixels of a canvas hold ink: drawn (alpha) on the pad, bright on the model's gray image. */
const inked = (c: Locator, by: 'alpha' | 'gray') => c.evaluate((el, mode) => {
  const canvas = el as HTMLCanvasElement;
  const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (mode === 'alpha' ? d[i + 3] > 0 : d[i + 3] > 0 && d[i] > 0) n++;
  return n;
}, by);

test('draw a digit on the pad: LeNet-5 answers with ten class probabilities; Clear empties it', async ({ page }) => {
  await openApp(page);
  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await dataCard.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Digits 28×28 (synthetic)' });

  await page.getByRole('button', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: 'New from template…' }).click();
  await page.getByRole('dialog', { name: 'New from template' }).getByRole('button', { name: 'Use template LeNet-5' }).click();
  await expect(page.getByRole('group', { name: 'Conv2d node' }).first()).toBeVisible();
  await expect(dataCard.getByLabel('Dataset', { exact: true })).toHaveValue('digits');
  const samples = dataCard.getByRole('spinbutton', { name: 'Samples' });
  await samples.fill('300');
  await samples.press('Enter');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await trainToEnd(page);

  await page.getByRole('button', { name: 'Dashboard' }).click();
  const playground = page.getByRole('region', { name: 'Result', exact: true }).getByRole('group', { name: 'Try the model' });
  const pad = playground.getByRole('img', { name: /^Drawing pad/ });
  const seen = playground.getByRole('img', { name: 'What the model sees: the drawing at 28×28' });
  await pad.scrollIntoViewIfNeeded();
  await expect(pad).toHaveAttribute('data-empty', 'true');

  // A "7": across the top, then down to the lower left.
  const box = (await pad.boundingBox())!;
  const p = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...p(0.25, 0.22));
  await page.mouse.down();
  await page.mouse.move(...p(0.75, 0.22), { steps: 8 });
  await page.mouse.move(...p(0.42, 0.82), { steps: 10 });
  await page.mouse.up();

  const prediction = playground.getByRole('status', { name: 'Prediction' });
  const bars = prediction.getByRole('meter');
  await expect(bars).toHaveCount(10);
  await expect(bars.first()).toHaveAccessibleName('Class 0');
  const values = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
  expect(values.every((v) => v >= 0 && v <= 100)).toBe(true);
  expect(Math.abs(values.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(1);
  const top = values.indexOf(Math.max(...values));
  await expect(playground.getByText(`${values[top].toFixed(1)}%`, { exact: true })).toBeVisible(); // the answer in words
  expect(await inked(pad, 'alpha')).toBeGreaterThan(500);
  expect(await inked(seen, 'gray')).toBeGreaterThan(20); // the stroke, downsampled

  await playground.getByRole('button', { name: 'Clear' }).click();
  await expect(pad).toHaveAttribute('data-empty', 'true');
  expect(await inked(pad, 'alpha')).toBe(0);
  expect(await inked(seen, 'gray')).toBe(0);
  await expect(prediction).toHaveCount(0);
});
