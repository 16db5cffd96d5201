// Text data end to end: a CSV text column becomes token ids with a vocabulary from the
// training rows only (never normalised, described in the preprocessing so typed text encodes
// the same); integer arrays keep their values; the generated reviews and sequences.
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { prepareStored } from './prepare.ts';
import { summarize } from './summary.ts';
import { parseUpload, tensorFrom } from './detect.ts';
import { strToU8, zipSync } from 'fflate';
import { makeBuiltin, builtinClassCounts } from './builtin.ts';
import { SENTIMENT_VOCAB } from './sentiment.ts';
import { resolveDataset } from './resolve.ts';
import { signatureOf } from '../project/dataPlan.ts';
import { describePreprocessing, encodeTextInput } from '../project/preprocessing.ts';
import type { StoredDataset } from '../project/dataTypes.ts';

const noIO = { readUpload: () => Promise.reject(new Error('none')) };

function reviewsCsv(rows = 60): string {
  const lines = ['review,stars,label'];
  for (let i = 0; i < rows; i++) {
    const good = i % 2 === 0;
    lines.push(`"the ${['film', 'book', 'show'][i % 3]} was ${good ? 'great' : 'awful'}${i === 7 ? ' zebra' : ''}",${i % 5},${good ? 'pos' : 'neg'}`);
  }
  return lines.join('\n');
}

describe('text tables', () => {
  it('reads a sentence column as text: token ids, vocabulary from the training rows, no normalisation', () => {
    const { table } = parseCsv(reviewsCsv());
    const summary = summarize({ id: 'u', name: 'r.csv', format: 'csv', bytes: 1, decodedBytes: 1, createdAt: '', data: table, notes: [] } as StoredDataset);
    const prep = { tokenizer: { maxLength: 8 }, valFraction: 0.2, testFraction: 0, seed: 3 };
    const sig = signatureOf(summary, prep);
    expect(sig.sampleShape).toEqual([8]);
    expect(sig.classes).toBe(2);
    const p = prepareStored(table, prep);
    expect(p.sampleShape).toEqual([8]);
    expect(p.stats?.mode).toBe('none');
    expect(p.text?.encoding.vocab.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(sig.vocabSize).toBeGreaterThanOrEqual(p.text!.encoding.vocab.length);
    expect(p.notes.some((n) => n.includes("Left out 'stars'"))).toBe(true);
    // Every value is a whole id inside the vocabulary, padding at the end.
    for (const v of p.train.x) expect(Number.isInteger(v) && v >= 0 && v < p.text!.encoding.vocab.length).toBe(true);
    const pre = describePreprocessing(p, table, prep);
    expect(pre.kind).toBe('text');
    expect(pre.normalize).toBeNull();
    const ids = encodeTextInput(pre, 'The film was great');
    expect(Array.from(ids.slice(4))).toEqual([0, 0, 0, 0]);
    expect(ids[3]).toBe(pre.text!.vocab.indexOf('great'));
  });

  it('builds the vocabulary from the training rows only', () => {
    const { table } = parseCsv(reviewsCsv());
    // Row 7 alone holds 'zebra': whichever part it lands in decides whether the vocabulary has it.
    const withVal = prepareStored(table, { valFraction: 0.5, testFraction: 0, seed: 1, tokenizer: { maxLength: 8 } });
    const rowsWithZebra = (d: { x: Float32Array; rows: number }, id: number) => Array.from({ length: d.rows }, (_, r) => d.x.subarray(r * 8, r * 8 + 8)).filter((row) => row.includes(id)).length;
    const zebra = withVal.text!.encoding.vocab.indexOf('zebra');
    if (zebra >= 0) expect(rowsWithZebra(withVal.train, zebra)).toBe(1);
    else expect(rowsWithZebra(withVal.val!, 1)).toBe(1); // seen only as <unk>
  });

  it('multi-word categories ("New York") stay one-hot features', () => {
    const cities = ['New York', 'Los Angeles', 'San Diego', 'Boston', 'Salt Lake City'];
    const { table } = parseCsv('city,temp,label\n' + Array.from({ length: 20 }, (_, i) => `${cities[i % 5]},${i},${i % 2}`).join('\n'));
    const p = prepareStored(table, { valFraction: 0, testFraction: 0 });
    expect(p.text).toBeUndefined();
    expect(p.featureNames).toContain('city=New York');
    expect(p.featureNames).toContain('temp');
  });

  it('the role "text" makes a short categorical column text; character level works', () => {
    const { table } = parseCsv('word,label\nab,1\nba,0\nab,1\nbb,0\naa,1\nbb,0');
    const p = prepareStored(table, { roles: { word: 'text' }, tokenizer: { level: 'char', maxLength: 3 }, valFraction: 0, testFraction: 0 });
    expect(p.text!.encoding.level).toBe('char');
    expect(p.text!.encoding.vocab).toEqual(['<pad>', '<unk>', 'b', 'a']);
    expect(p.sampleShape).toEqual([3]);
  });
});

describe('plain-text ZIPs', () => {
  it('a folder per class of .txt files, one sample per file', async () => {
    const zip = zipSync({ 'pos/a.txt': strToU8('A lovely,\nwarm film.'), 'pos/b.txt': strToU8('great fun'), 'neg/c.txt': strToU8('dull and slow'), 'neg/.hidden.txt': strToU8('x') });
    const r = await parseUpload([{ name: 'reviews.zip', bytes: zip }]);
    expect(r.data.kind).toBe('table');
    const t = r.data as Extract<typeof r.data, { kind: 'table' }>;
    expect(t.rows).toBe(3);
    const [text, label] = t.columns as [Extract<(typeof t.columns)[number], { type: 'categorical' }>, Extract<(typeof t.columns)[number], { type: 'categorical' }>];
    expect(label.categories).toEqual(['neg', 'pos']);
    expect(text.categories).toContain('A lovely, warm film.');
    // Read as text by its name (three short texts are too few to tell by their words).
    const p = prepareStored(t, { valFraction: 0, testFraction: 0, tokenizer: { maxLength: 4 } });
    expect(p.classes).toBe(2);
    expect(p.sampleShape).toEqual([4]);
  });

  it('one .txt file per class, one sample per line', async () => {
    const zip = zipSync({ 'data/spam.txt': strToU8('win money now\n\nfree prize\n'), 'data/ham.txt': strToU8('see you at lunch\r\nthe report is done') });
    const r = await parseUpload([{ name: 'mail.zip', bytes: zip }]);
    const t = r.data as Extract<typeof r.data, { kind: 'table' }>;
    expect(t.rows).toBe(4);
    expect(r.notes[0]).toMatch(/4 lines .* 2 classes: ham, spam/);
    await expect(parseUpload([{ name: 'one.zip', bytes: zipSync({ 'only.txt': strToU8('a\nb') }) }])).rejects.toThrow(/at least two/);
  });
});

describe('integer arrays', () => {
  it('keeps integer samples (token ids) as they are unless the prep asks for normalisation', () => {
    const x = { shape: [40, 5], kind: 'int' as const, data: Int32Array.from({ length: 200 }, (_, i) => (i * 7) % 30) };
    const y = { shape: [40], kind: 'int' as const, data: Int32Array.from({ length: 40 }, (_, i) => i % 2) };
    const data = tensorFrom(x, y, 'ids.npz');
    const p = prepareStored(data, { valFraction: 0, testFraction: 0 });
    expect(Array.from(p.train.x).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expect(p.notes.join(' ')).toMatch(/token ids/);
    const std = prepareStored(data, { normalize: 'standardize', valFraction: 0, testFraction: 0 });
    expect(Array.from(std.train.x).some((v) => v < 0)).toBe(true);
  });
});

describe('generated text and sequences', () => {
  it('reviews: real words, ids inside the fixed vocabulary, seeded, with the tokenizer as preprocessing', async () => {
    const a = makeBuiltin('sentiment', { samples: 50, noise: 0, seed: 3 });
    const b = makeBuiltin('sentiment', { samples: 50, noise: 0, seed: 3 });
    expect(a.x).toEqual(b.x);
    expect(a.text!.texts[0]).toMatch(/^[a-z ]+$/);
    expect(SENTIMENT_VOCAB.length).toBeLessThanOrEqual(64);
    for (const v of a.x) expect(v >= 0 && v < SENTIMENT_VOCAB.length && v !== 1).toBe(true);
    const d = await resolveDataset({ kind: 'builtin', name: 'sentiment', samples: 50, noise: 0, seed: 3 }, noIO, { validationSplit: 0.2 });
    expect(d.signature.vocabSize).toBe(SENTIMENT_VOCAB.length);
    expect(d.preprocessing?.kind).toBe('text');
    expect(encodeTextInput(d.preprocessing!, 'the movie was great')[3]).toBe(SENTIMENT_VOCAB.indexOf('great'));
    // Label noise flips that share of labels.
    const noisy = makeBuiltin('sentiment', { samples: 400, noise: 0.25, seed: 3 });
    const flipped = Array.from(noisy.y).filter((c, i) => c !== i % 2).length;
    expect(flipped).toBeGreaterThan(60);
    expect(flipped).toBeLessThan(140);
  });

  it('sequences are [20, 1] with two balanced classes; digits-recon targets are the inputs', () => {
    const s = makeBuiltin('sequences', { samples: 30, noise: 0.3, seed: 1 });
    expect(s.sampleShape).toEqual([20, 1]);
    expect(builtinClassCounts('sequences', { samples: 30, noise: 0.3, seed: 1 })).toEqual([15, 15]);
    const r = makeBuiltin('digits-recon', { samples: 12, noise: 0.1, seed: 1 });
    expect(r.classes).toBeNull();
    expect(r.y).toEqual(r.x);
    expect(r.y).not.toBe(r.x);
  });
});
