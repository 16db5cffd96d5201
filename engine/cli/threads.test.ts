// CLI --threads: LeNet-5 on the 28×28 digits trains to the same weights on 1 and 2 CPU threads
// (worker_threads), the run says how many threads it used, and a bad count is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectZip } from '../project/projectFile.ts';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('flowgrad CLI --threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-threads-'));

  it('trains to identical weights at 1 and 2 threads', () => {
    const weights = ['1', '2'].map((t) => {
      const out = join(dir, `t${t}.flowgrad.zip`);
      const log = run('train', 'template:lenet5', '--epochs', '1', '--batch', '64', '--seed', '4', '--threads', t, '--out', out);
      expect(log).toContain(`CPU threads: ${t}`);
      return Array.from(readProjectZip(new Uint8Array(readFileSync(out))).weights!);
    });
    expect(weights[0].length).toBeGreaterThan(61_706);
    expect(weights[1]).toEqual(weights[0]);
  }, 240_000);

  it('refuses a thread count that is not a whole number ≥ 1', () => {
    let msg = '';
    try {
      run('train', 'template:lenet5', '--threads', 'many', '--out', join(dir, 'x.zip'));
    } catch (e) {
      msg = String((e as { stderr?: string }).stderr);
    }
    expect(msg).toMatch(/--threads takes a whole number ≥ 1 or 'auto' \(got 'many'\)/);
  });
});
