// `npm test`: every check a change must pass, in the order that fails fastest —
// lint (one-way dependencies), type-check, unit + engine tests (vitest, Node), the float16
// WebGPU tests on a driver with shader-f16 (Mesa lavapipe; skipped with the install command
// when there is none, a failure when FLOWGRAD_REQUIRE_F16=1 as in CI), then end-to-end
// journeys in real Chromium (Playwright). Installs dependencies first when
// node_modules is missing, so one command works on a fresh clone. Ends with one line,
// "Summary: N passed, N failed, N skipped", counting vitest and Playwright tests together.
// First it sets up .venv-py, the Python runtimes the export checks run (scripts/python-env.mjs).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const out = mkdtempSync(join(tmpdir(), 'flowgrad-test-'));
const vitestJson = join(out, 'vitest.json');
const f16Json = join(out, 'vitest-f16.json');
const playwrightJson = join(out, 'playwright.json');

const F16_TESTS = 'engine/backend/webgpu/webgpu.half.test.ts';

/** The float16 step's command: on the driver f16-driver.mjs finds, or a note (a failure when required). */
function f16Step() {
  const probe = spawnSync(process.execPath, ['scripts/f16-driver.mjs'], { encoding: 'utf8' });
  if (probe.status === 0) {
    const icd = probe.stdout.trim();
    return [`npx vitest run ${F16_TESTS} --reporter=default --reporter=json --outputFile.json=${f16Json}`, { VK_ICD_FILENAMES: icd, FLOWGRAD_REQUIRE_F16: '1' }];
  }
  process.stderr.write(probe.stderr);
  return process.env.FLOWGRAD_REQUIRE_F16 ? ['false', {}] : ['echo "float16 tests skipped: no shader-f16 driver (see above)"', {}];
}

const run = (label, cmd, env = {}) => {
  const t0 = Date.now();
  console.log(`\n▶ ${label}: ${cmd}`);
  const r = spawnSync(cmd, { stdio: 'inherit', shell: true, env: { ...process.env, ...env } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`${r.status === 0 ? '✔' : '✘'} ${label} (${secs} s)`);
  return r.status === 0;
};

if (!existsSync('node_modules') && !run('install', 'npm ci')) process.exit(1);
// The export checks' Python runtimes (skipped with the install command where Python is missing).
if (!run('python runtimes', 'node scripts/python-env.mjs') && process.env.FLOWGRAD_REQUIRE_PYTHON) process.exit(1);

const steps = [
  ['lint', 'npx eslint .'],
  ['typecheck', 'npm run -s typecheck'],
  // On SwiftShader (no shader-f16): the float16 requirement belongs to the next step only.
  ['unit and engine tests', `npx vitest run --reporter=default --reporter=json --outputFile.json=${vitestJson}`, { FLOWGRAD_REQUIRE_F16: '' }],
  ['float16 on WebGPU (lavapipe)', f16Step],
  ['chromium', 'node scripts/ensure-chromium.mjs'],
  ['end-to-end (Playwright, Chromium)', 'npx playwright test --reporter=list,json', { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }],
];
const only = process.argv[2];
let ok = true;
for (const [label, step, stepEnv] of steps) {
  if (only && !label.startsWith(only)) continue;
  const [cmd, env] = typeof step === 'function' ? step() : [step, stepEnv];
  if (!run(label, cmd, env)) {
    ok = false;
    break;
  }
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const read = (f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
for (const v of [read(vitestJson), read(f16Json)]) {
  if (!v) continue;
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
