// `flowgrad export --format pytorch`: the zip holds the runnable project, with the template's
// data as data.npz (shaped [rows, ...input]) and the trained weights when the project has them.
// (The PyTorch side itself is checked with real PyTorch in engine/io/codegen/pytorchExport.test.ts.)
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const npyHeader = (bytes: Uint8Array) => strFromU8(bytes.subarray(10, 10 + (bytes[8]! | (bytes[9]! << 8))));

describe('flowgrad export --format pytorch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-export-pt-'));

  it('writes model.py, train.py, data.py, data.npz, requirements and README for a template', () => {
    const out = join(dir, 'lstm.zip');
    expect(run('export', 'template:lstm', '--format', 'pytorch', '--out', out)).toMatch(/wrote .*lstm\.zip/);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'data.npz', 'data.py', 'model.py', 'requirements.txt', 'train.py']);
    const npz = unzipSync(files['data.npz']!);
    expect(Object.keys(npz).sort()).toEqual(['x_train.npy', 'x_val.npy', 'y_train.npy', 'y_val.npy']);
    // The template's own data: 'sequences', 600 series of 20 steps, 20% held out for validation.
    expect(npyHeader(npz['x_train.npy']!)).toMatch(/'descr': '<f4', 'fortran_order': False, 'shape': \(480, 20, 1\)/);
    expect(npyHeader(npz['y_val.npy']!)).toMatch(/'descr': '<i4'.*'shape': \(120,\)/);
    expect(strFromU8(files['train.py']!)).toContain('dist.init_process_group("nccl" if cuda else "gloo")');
  }, 60_000);

  it('includes the trained weights of a project, and names a format it does not write', () => {
    const trained = join(dir, 'mlp.flowgrad.zip');
    run('train', 'template:mlp', '--epochs', '1', '--out', trained);
    const out = join(dir, 'mlp.zip');
    run('export', trained, '--format', 'pytorch', '--out', out);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(files['weights.safetensors']!.byteLength).toBeGreaterThan(1000);
    expect(strFromU8(files['data.py']!)).toContain("generated 'spirals' dataset");
    expect(() => run('export', trained, '--format', 'tflite', '--out', out)).toThrow(/tflite/);
  }, 90_000);
});
