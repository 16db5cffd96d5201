// CLI --replicas: the MLP template trains with 2 replicas (worker_threads) to the one-worker
// weights (to 1e-6), the run says what it used, a graph with BatchNorm trains on kernel threads
// with the reason, and a bad count is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectZip } from '../project/projectFile.ts';
import { decodeSafetensors } from '../project/safetensors.ts';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('flowgrad CLI --replicas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-replicas-'));

  it('trains the MLP with 2 replicas to the one-worker weights', () => {
    const [one, two] = [[], ['--replicas', '2']].map((extra, i) => {
      const out = join(dir, `r${i}.flowgrad.zip`);
      const log = run('train', 'template:mlp', '--epochs', '2', '--seed', '4', ...extra, '--out', out);
      if (extra.length) expect(log).toContain('replicas: 2 × 1 thread');
      const { tensors } = decodeSafetensors(readProjectZip(new Uint8Array(readFileSync(out))).weights!);
      return Object.keys(tensors).sort().flatMap((k) => Array.from(tensors[k]!.data as Float32Array));
    });
    expect(one!.length).toBe(1218);
    expect(two!.length).toBe(one!.length);
    let diff = 0;
    one!.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - two![i]!))));
    expect(diff).toBeLessThanOrEqual(1e-6);
  }, 120_000);

  it('trains a BatchNorm graph on kernel threads instead, saying why, and refuses a bad count', () => {
    // No epoch: the choice is made and told before training starts.
    const log = run('train', 'template:resnet', '--epochs', '0', '--replicas', '2', '--out', join(dir, 'bn.zip'));
    expect(log).toMatch(/replicas: kernel threads, not replicas: BatchNorm/);
    let msg = '';
    try {
      run('train', 'template:mlp', '--replicas', '0', '--out', join(dir, 'x.zip'));
    } catch (e) {
      msg = String((e as { stderr?: string }).stderr);
    }
    expect(msg).toMatch(/--replicas takes a whole number ≥ 1 \(got '0'\)/);
  }, 120_000);
});
