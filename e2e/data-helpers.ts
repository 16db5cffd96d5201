/**
 * Steps of the data journeys: drop files on the page with a real DataTransfer built in the
 * page (dragenter → dragover → drop, as a browser fires them), and make test datasets.
 */
import { expect, type Page } from '@playwright/test';
import { openApp } from './helpers.ts';

/** Opens the app as a returning user (no start screen), ready for a drop. */
export async function openDataApp(page: Page): Promise<void> {
  await page.addInitScript(() => localStorage.setItem('flowgrad.welcomed', '1'));
  await openApp(page);
}

export interface DropFile {
  name: string;
  bytes: Uint8Array | string;
  type?: string;
}

/** Drops files on the page (on the canvas area, as a user would). */
export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type ?? '', b64: Buffer.from(typeof f.bytes === 'string' ? Buffer.from(f.bytes, 'utf8') : f.bytes).toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], it.name, { type: it.type }));
    }
    const target = document.querySelector('[data-testid="canvas"]') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, payload);
}

/** A 3-class table whose label ('kind') is not the last column; classes separate on a and b. */
export function threeClassCsv(rows = 240, seed = 5): string {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-9)) * Math.cos(2 * Math.PI * rand());
  const kinds = ['alpha', 'beta', 'gamma'];
  const lines = ['kind,a,b,colour,score'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const a = [0, 3, 0][k] + normal() * 0.6;
    const b = [0, 0, 3][k] + normal() * 0.6;
    lines.push(`${kinds[k]},${a.toFixed(3)},${b.toFixed(3)},${['red', 'green'][i % 2]},${(rand() * 10).toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

export const dataDialog = (page: Page) => page.getByRole('dialog', { name: 'Dataset' });

export async function closeDataDialog(page: Page): Promise<void> {
  await dataDialog(page).getByRole('button', { name: 'Close dataset dialog' }).click();
  await expect(dataDialog(page)).toBeHidden();
}
