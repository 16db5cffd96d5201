// Instructions per step from two callgrind runs of bench/instructions.ts (--separate-threads=yes:
// one file per thread, <prefix>-01 the main thread). The difference between a long and a short run
// removes start-up and JIT warm-up. Prints per step: the main (calling) thread, the busiest other
// thread (at 2 threads: the pool thread, with its own JIT and GC), and all threads together.
// Usage: node bench/instructions-summary.mjs <short prefix> <short steps> <long prefix> <long steps>
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [shortPrefix, shortSteps, longPrefix, longSteps] = process.argv.slice(2);
if (!longSteps) throw new Error('usage: instructions-summary.mjs <short prefix> <short steps> <long prefix> <long steps>');

/** Instructions per thread number of one run. */
function counts(prefix) {
  const dir = path.dirname(prefix), base = path.basename(prefix);
  const out = new Map();
  for (const f of readdirSync(dir)) {
    const m = f.startsWith(base) ? /-(\d+)$/.exec(f) : null;
    if (!m) continue;
    const line = readFileSync(path.join(dir, f), 'utf8').match(/^(?:summary|totals): (\d+)/m);
    if (line) out.set(Number(m[1]), Number(line[1]));
  }
  if (!out.has(1)) throw new Error(`no callgrind files for ${prefix}-NN`);
  return out;
}

const a = counts(shortPrefix), b = counts(longPrefix), steps = Number(longSteps) - Number(shortSteps);
const busiest = (c) => Math.max(0, ...[...c].filter(([t]) => t !== 1).map(([, v]) => v));
const total = (c) => [...c.values()].reduce((x, y) => x + y, 0);
const m = (v) => `${(v / steps / 1e6).toFixed(1)} M`;
console.log(`per step over ${steps} steps: main thread ${m(b.get(1) - a.get(1))}, busiest other thread ${m(busiest(b) - busiest(a))}, all threads ${m(total(b) - total(a))}`);
