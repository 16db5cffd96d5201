#!/usr/bin/env node
// Folds a V8 .cpuprofile (from `node --cpu-prof ... bench/profile.ts`) into self time per
// function, heaviest first, with paths shown relative to the repository: for engine code that
// is one line per kernel or op. Several files are summed (with `--import tsx`, Node also writes
// a small profile for tsx's loader thread).
// (idle) and (program) are left out of the percentages. --steps=N adds a ms-per-step column
// (bench/profile.ts prints how many steps its profile covers).
// Usage: node bench/profile-summary.mjs <file.cpuprofile>... [--top=25] [--steps=N]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
const steps = Number(args.find((a) => a.startsWith('--steps='))?.slice(8) ?? 0);
const IGNORED = new Set(['(idle)', '(program)']);
if (files.length === 0) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile>... [--top=25]');
  process.exit(2);
}
const selfUs = new Map();
let total = 0;
for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (IGNORED.has(functionName)) return;
    total += dt;
    // tsx-transformed modules report line 0 for everything: show the line only when it means something.
    const path = url.replace(/^file:\/\//, '').replace(/^.*?\/(engine|bench|node_modules)\//, '$1/');
    const where = url ? (lineNumber > 0 ? `${path}:${lineNumber + 1}` : path) : '';
    // Module loading on tsx's loader thread is not the workload: one line for all of Node's internals.
    const key = url.startsWith('node:internal/') ? '(node internals: module loading, I/O)' : `${functionName || '(anonymous)'}  ${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  });
}
const rows = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${(total / 1000).toFixed(0)} ms busy${steps ? ` over ${steps} steps` : ''}; self time by function:`);
for (const [k, us] of rows) {
  const perStep = steps ? `${(us / 1000 / steps).toFixed(2).padStart(8)} ms/step` : '';
  console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}% ${perStep}  ${k}`);
}
