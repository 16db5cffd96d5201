// The CLI on text data: a CSV with a sentence column trains the Transformer template
// (tokenized, vocabulary stored in the project), predicts from a .txt file of sentences, and
// integer token-id arrays are not standardised (--normalize chooses otherwise).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProjectZip } from '../project/projectFile.ts';
import { parseNpy } from '../data/npy.ts';
import { makeBuiltin } from '../data/builtin.ts';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('flowgrad CLI on text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-text-'));

  it('trains the Transformer on a text CSV and predicts typed sentences', () => {
    const d = makeBuiltin('sentiment', { samples: 400, noise: 0, seed: 5 });
    const csv = join(dir, 'reviews.csv');
    writeFileSync(csv, ['review,sentiment', ...d.text!.texts.map((t, i) => `"${t}",${d.y[i] === 1 ? 'positive' : 'negative'}`)].join('\n'));
    const out = join(dir, 'text.flowgrad.zip');
    const log = run('train', 'template:transformer', '--data', csv, '--text', 'review', '--max-length', '16', '--max-vocab', '64', '--epochs', '8', '--json', '--out', out);
    const { project } = readProjectZip(new Uint8Array(readFileSync(out)));
    expect(project.preprocessing?.kind).toBe('text');
    expect(project.preprocessing?.text?.vocab.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(project.data).toMatchObject({ kind: 'upload', prep: { roles: { review: 'text' }, tokenizer: { maxLength: 16, maxVocab: 64 } } });
    const report = JSON.parse(log.trim().split('\n').pop()!) as { final: { valAccuracy?: number }; test: { metrics: { accuracy?: number } } | null };
    expect(report.final.valAccuracy).toBeGreaterThanOrEqual(0.9);
    // evaluate on new rows encodes them with the stored vocabulary (an unseen word is <unk>, not a new id).
    const fresh = join(dir, 'fresh.csv');
    writeFileSync(fresh, 'review,sentiment\n"the film was really great",positive\n"the zebra was awful",negative\n"the plot was boring",negative\n');
    const ev = JSON.parse(run('evaluate', out, '--data', fresh, '--json').trim().split('\n').pop()!) as { accuracy: number; rows: number };
    expect(ev.rows).toBe(3);
    expect(ev.accuracy).toBe(1);
    const texts = join(dir, 'typed.txt');
    writeFileSync(texts, 'the movie was really wonderful\nthe plot was awful and the acting was dull\n');
    run('predict', out, '--input', texts, '--out', join(dir, 'y.npy'));
    const y = parseNpy(new Uint8Array(readFileSync(join(dir, 'y.npy'))));
    expect(y.shape).toEqual([2, 2]);
    const [a0, a1, b0, b1] = Array.from(y.data);
    expect(a1!).toBeGreaterThan(a0!); // positive, by class order negative < positive
    expect(b0!).toBeGreaterThan(b1!);
  }, 240_000);

  it('--normalize is checked, and --text needs a text-like column', () => {
    const csv = join(dir, 'nums.csv');
    writeFileSync(csv, 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1');
    expect(() => run('train', 'template:mlp', '--data', csv, '--normalize', 'zscore', '--out', join(dir, 'x.zip'))).toThrow(/--normalize must be standardize, minmax, none/);
    expect(() => run('train', 'template:mlp', '--data', csv, '--text', 'a', '--out', join(dir, 'x.zip'))).toThrow(/holds numbers: only a text column can be tokenized/);
  }, 120_000);
});
