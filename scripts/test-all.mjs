// `npm test`: every check a change must pass, in the order that fails fastest —
// lint (one-way dependencies), type-check, unit + engine tests (vitest, Node), then
// end-to-end journeys in real Chromium (Playwright). Installs dependencies first when
// node_modules is missing, so one command works on a fresh clone.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const run = (label, cmd) => {
  const t0 = Date.now();
  console.log(`\n▶ ${label}: ${cmd}`);
  const r = spawnSync(cmd, { stdio: 'inherit', shell: true });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`${r.status === 0 ? '✔' : '✘'} ${label} (${secs} s)`);
  return r.status === 0;
};

if (!existsSync('node_modules') && !run('install', 'npm ci')) process.exit(1);

const steps = [
  ['lint', 'npx eslint .'],
  ['typecheck', 'npm run -s typecheck'],
  ['unit and engine tests', 'npx vitest run'],
  ['chromium', 'node scripts/ensure-chromium.mjs'],
  ['end-to-end (Playwright, Chromium)', 'npx playwright test'],
];
const only = process.argv[2];
let failed = 0;
for (const [label, cmd] of steps) {
  if (only && !label.startsWith(only)) continue;
  if (!run(label, cmd)) {
    failed++;
    break;
  }
}
process.exit(failed ? 1 : 0);
