// `npm test`: every check a change must pass, in the order that fails fastest —
// lint (one-way dependencies), type-check, unit + engine tests (vitest, Node), then
// end-to-end journeys in real Chromium (Playwright). Installs dependencies first when
// node_modules is missing, so one command works on a fresh clone. Ends with one line,
// "Summary: N passed, N failed, N skipped", counting vitest and Playwright tests together.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const out = mkdtempSync(join(tmpdir(), 'flowgrad-test-'));
const vitestJson = join(out, 'vitest.json');
const playwrightJson = join(out, 'playwright.json');

const run = (label, cmd, env = {}) => {
  const t0 = Date.now();
  console.log(`\n▶ ${label}: ${cmd}`);
  const r = spawnSync(cmd, { stdio: 'inherit', shell: true, env: { ...process.env, ...env } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`${r.status === 0 ? '✔' : '✘'} ${label} (${secs} s)`);
  return r.status === 0;
};

if (!existsSync('node_modules') && !run('install', 'npm ci')) process.exit(1);

const steps = [
  ['lint', 'npx eslint .'],
  ['typecheck', 'npm run -s typecheck'],
  ['unit and engine tests', `npx vitest run --reporter=default --reporter=json --outputFile.json=${vitestJson}`],
  ['chromium', 'node scripts/ensure-chromium.mjs'],
  ['end-to-end (Playwright, Chromium)', 'npx playwright test --reporter=list,json', { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }],
];
const only = process.argv[2];
let ok = true;
for (const [label, cmd, env] of steps) {
  if (only && !label.startsWith(only)) continue;
  if (!run(label, cmd, env)) {
    ok = false;
    break;
  }
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
const v = read(vitestJson);
if (v) {
  counts.passed += v.numPassedTests ?? 0;
  counts.failed += v.numFailedTests ?? 0;
  counts.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
const p = read(playwrightJson);
if (p?.stats) {
  counts.passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
  counts.failed += p.stats.unexpected ?? 0;
  counts.skipped += p.stats.skipped ?? 0;
}
if (!ok && counts.failed === 0) counts.failed = 1; // a failed lint/type-check step counts as a failure
console.log(`\nSummary: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(ok ? 0 : 1);
