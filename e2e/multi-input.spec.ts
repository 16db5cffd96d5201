/**
 * A model with two Inputs trains from the IDE: a CSV with two groups of feature columns is
 * dropped, a graph whose Inputs read columns 0–1 and 2–3 (their "Data offset") and whose two
 * Output / Loss nodes are weighted is opened, Train is enabled and the run learns a label
 * that needs both groups.
 */
import { test, expect } from '@playwright/test';
import { node, readMetric, trainToEnd } from './helpers.ts';
import { closeDataDialog, dropFiles, openDataApp } from './data-helpers.ts';

/** Label = whether a and c have the same sign: neither group alone predicts it. */
function twoGroupCsv(rows = 400): string {
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = ['a,b,c,d,label'];
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [rand(), rand(), rand(), rand()];
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(3)},${d.toFixed(3)},${(a > 0) === (c > 0) ? 'same' : 'differ'}`);
  }
  return lines.join('\n') + '\n';
}

const at = (x: number, y: number) => ({ x, y });
const GRAPH = {
  format: 'flowgrad.graph',
  version: 1,
  nodes: [
    { id: 'left', type: 'Input', attrs: { shape: [2], offset: 0 }, position: at(0, 0) },
    { id: 'right', type: 'Input', attrs: { shape: [2], offset: 2 }, position: at(0, 200) },
    { id: 'dl', type: 'Dense', attrs: { units: 16 }, position: at(200, 0) },
    { id: 'dr', type: 'Dense', attrs: { units: 16 }, position: at(200, 200) },
    { id: 'tl', type: 'Tanh', attrs: {}, position: at(400, 0) },
    { id: 'tr', type: 'Tanh', attrs: {}, position: at(400, 200) },
    { id: 'cat', type: 'Concat', attrs: {}, position: at(600, 100) },
    { id: 'h', type: 'Dense', attrs: { units: 16 }, position: at(800, 100) },
    { id: 'th', type: 'Tanh', attrs: {}, position: at(1000, 100) },
    { id: 'out', type: 'Dense', attrs: { units: 2 }, position: at(1200, 100) },
    { id: 'loss', type: 'Loss', attrs: {}, position: at(1400, 100) },
    { id: 'aux', type: 'Dense', attrs: { units: 2 }, position: at(600, 350) },
    { id: 'auxLoss', type: 'Loss', attrs: { weight: 0.2 }, position: at(800, 350) },
  ],
  edges: [
    ['left', 'dl'], ['right', 'dr'], ['dl', 'tl'], ['dr', 'tr'], ['tl', 'cat', 'a'], ['tr', 'cat', 'b'],
    ['cat', 'h'], ['h', 'th'], ['th', 'out'], ['out', 'loss'], ['tr', 'aux'], ['aux', 'auxLoss'],
  ].map(([source, target, port], i) => ({ id: `e${i}`, source, sourcePort: 'out', target, targetPort: port ?? 'in' })),
};

test('a two-input, two-loss model trains on two column groups of a CSV', async ({ page }) => {
  test.setTimeout(150_000);
  await openDataApp(page);
  await page.getByTestId('open-project-input').setInputFiles({ name: 'two-inputs.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(GRAPH)) });
  await expect(node(page, 'Concat')).toBeVisible();
  await dropFiles(page, [{ name: 'groups.csv', bytes: twoGroupCsv() }]);
  await closeDataDialog(page);
  const dataCard = page.getByRole('region', { name: 'Data', exact: true });
  await expect(dataCard.getByText('Input [4] → 2 classes')).toBeVisible();
  await expect(dataCard.getByText('The model does not fit this data.')).toHaveCount(0);
  // The second Input's binding: columns from offset 2.
  await page.getByRole('group', { name: 'Input node' }).nth(1).click();
  await expect(page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Data offset', { exact: true })).toHaveValue('2');
  await page.getByLabel('Epochs', { exact: true }).fill('30');
  const m = await trainToEnd(page, 100_000);
  expect(readMetric(m, 'Accuracy')).toBeGreaterThan(0.8);
});
