/**
 * `npx tsx scripts/hostile-measure.ts [case-id ...]`: runs each hostile case
 * (engine/test/hostile/cases.ts) in a fresh Node process and prints how long `run` took,
 * how much the peak resident memory grew, and how it ended. Numbers for the record (the
 * issue's bound is 2 s and +256 MB); the tests check the errors, not the time.
 * Options: --timeout=60 (seconds per case; a case past it is reported as "killed").
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const child = args.includes('--child');

if (child) {
  const id = args.find((a) => !a.startsWith('--'))!;
  const { HOSTILE_CASES, analyzeRing } = await import('../engine/test/hostile/cases.ts');
  const c = HOSTILE_CASES.find((x) => x.id === id);
  const input = c ? c.make() : null;
  const rss0 = process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  let outcome = 'returned';
  try {
    if (c) await c.run(input as never);
    else analyzeRing(20_000);
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    outcome = `${err.name}${err.code ? `(${err.code})` : ''}: ${String(err.message).slice(0, 90)}`;
  }
  const ms = performance.now() - t0;
  const mb = (process.resourceUsage().maxRSS * 1024 - rss0) / 2 ** 20;
  console.log(JSON.stringify({ id, ms: Math.round(ms), mb: Math.round(mb), outcome }));
} else {
  const timeout = Number(args.find((a) => a.startsWith('--timeout='))?.split('=')[1] ?? 60);
  const { HOSTILE_CASES } = await import('../engine/test/hostile/cases.ts');
  const ids = args.filter((a) => !a.startsWith('--'));
  const all = [...HOSTILE_CASES.map((c) => c.id), 'analyze-20000-node-cycle'];
  const self = fileURLToPath(import.meta.url);
  console.log('case'.padEnd(30), 'time'.padStart(9), 'peak RSS'.padStart(10), ' outcome');
  for (const id of ids.length ? ids : all) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', id], { encoding: 'utf8', timeout: timeout * 1000, maxBuffer: 1 << 20 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let row: { ms: number; mb: number; outcome: string } | null = null;
    try {
      row = JSON.parse(line) as { ms: number; mb: number; outcome: string };
    } catch {
      /* killed or crashed */
    }
    if (row) console.log(id.padEnd(30), `${(row.ms / 1000).toFixed(2)} s`.padStart(9), `+${row.mb} MB`.padStart(10), '', row.outcome);
    else console.log(id.padEnd(30), r.error ? `>${timeout} s`.padStart(9) : '?'.padStart(9), ''.padStart(10), '', r.error ? 'killed (timeout)' : `crashed: ${(r.stderr ?? '').trim().split('\n').slice(-1)[0]?.slice(0, 100)}`);
  }
}
