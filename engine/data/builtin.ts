/**
 * The generated datasets beyond the 2-D classics: Gaussian blobs (k classes), sine
 * regression and synthetic digits; plus the catalog of every built-in (labels, defaults and
 * DataSignature) that the data panel lists, and how a built-in's rows fall into classes (for
 * the split sizes the panels show). Seeded and offline: a spec's (name, samples, noise, seed)
 * regenerate the same data anywhere. Pure; the app uses it for previews.
 */
import { Rng } from '../core/rng.ts';
import { FlowgradError } from '../core/errors.ts';
import type { DataSignature } from '../graph/dataFit.ts';
import { BUILTIN_2D, makeBuiltin2D, type Builtin2DName } from './builtin2d.ts';
import { DIGIT_SIDE, makeDigits } from './digits.ts';
import { SENTIMENT_CLASSES, SENTIMENT_LENGTH, SENTIMENT_TOKENIZER, SENTIMENT_VOCAB, sentimentIds, sentimentTexts } from './sentiment.ts';
import { SEQUENCE_LENGTH, trendSequences } from './sequences.ts';
import { TAGGING_LENGTH, TAGGING_TOKENIZER, TAGGING_VOCAB, TAG_CLASSES, taggedSentences, taggedText, taggingIds } from './tagging.ts';
import type { TokenizerConfig } from '../project/tokenizer.ts';

export interface BuiltinInfo {
  name: string;
  label: string;
  /** 'builtin2d' specs keep their own kind (the scatter preview and boundary). */
  kind: 'builtin2d' | 'builtin';
  signature: DataSignature;
  samples: number;
  noise: number;
  maxSamples: number;
}

const TWO_D_LABEL: Record<Builtin2DName, string> = { circles: 'Circles', xor: 'XOR', moons: 'Moons', spirals: 'Spirals' };

export const BUILTINS: readonly BuiltinInfo[] = [
  ...BUILTIN_2D.map((n): BuiltinInfo => ({ name: n, label: TWO_D_LABEL[n], kind: 'builtin2d', signature: { sampleShape: [2], classes: 2 }, samples: 400, noise: 0.2, maxSamples: 5000 })),
  { name: 'blobs-3', label: 'Blobs (3 classes)', kind: 'builtin', signature: { sampleShape: [2], classes: 3 }, samples: 600, noise: 0.5, maxSamples: 5000 },
  { name: 'blobs-5', label: 'Blobs (5 classes)', kind: 'builtin', signature: { sampleShape: [2], classes: 5 }, samples: 1000, noise: 0.5, maxSamples: 5000 },
  { name: 'sine', label: 'Sine (regression)', kind: 'builtin', signature: { sampleShape: [1], classes: null }, samples: 400, noise: 0.1, maxSamples: 5000 },
  { name: 'digits', label: 'Digits 28×28 (synthetic)', kind: 'builtin', signature: { sampleShape: [1, DIGIT_SIDE, DIGIT_SIDE], classes: 10 }, samples: 2000, noise: 0.1, maxSamples: 20000 },
  { name: 'digits-recon', label: 'Digits → themselves (autoencoder)', kind: 'builtin', signature: { sampleShape: [1, DIGIT_SIDE, DIGIT_SIDE], classes: null }, samples: 1000, noise: 0.1, maxSamples: 20000 },
  { name: 'sentiment', label: 'Reviews: positive / negative (text)', kind: 'builtin', signature: { sampleShape: [SENTIMENT_LENGTH], classes: 2, vocabSize: SENTIMENT_VOCAB.length }, samples: 800, noise: 0, maxSamples: 20000 },
  { name: 'sequences', label: 'Rising / falling sequences 20×1', kind: 'builtin', signature: { sampleShape: [SEQUENCE_LENGTH, 1], classes: 2 }, samples: 600, noise: 0.3, maxSamples: 20000 },
  {
    name: 'tagging', label: 'Word tags: noun / verb / other (text, per token)', kind: 'builtin',
    signature: { sampleShape: [TAGGING_LENGTH], classes: TAG_CLASSES.length, vocabSize: TAGGING_VOCAB.length, labelsPerSample: TAGGING_LENGTH }, samples: 800, noise: 0.5, maxSamples: 20000,
  },
];

export function builtinInfo(name: string): BuiltinInfo | undefined {
  return BUILTINS.find((b) => b.name === name);
}

export interface GeneratedData {
  x: Float32Array;
  y: Int32Array | Float32Array;
  rows: number;
  sampleShape: number[];
  classes: number | null;
  classNames: string[] | null;
  extent: [number, number, number, number] | null;
  image: boolean;
  /**
   * Text data: the texts behind each row of token ids, the vocabulary and tokenizer that
   * encoded them, and for per-token labels each text with its tags ("word/tag ...").
   */
  text?: { texts: string[]; vocab: readonly string[]; tokenizer: TokenizerConfig; tagged?: string[] };
  /** Labels per sample when every token has its own (token classification); absent: one per sample. */
  labelsPerSample?: number;
}

function blobs(k: number, samples: number, noise: number, seed: number): GeneratedData {
  const n = Math.max(k, Math.floor(samples));
  const rng = new Rng(seed);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  const sd = 0.35 + noise;
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const a = (2 * Math.PI * c) / k + 0.3;
    x[2 * i] = 3.2 * Math.cos(a) + sd * rng.normal();
    x[2 * i + 1] = 3.2 * Math.sin(a) + sd * rng.normal();
    y[i] = c;
  }
  return { x, y, rows: n, sampleShape: [2], classes: k, classNames: Array.from({ length: k }, (_, i) => `blob ${i + 1}`), extent: [-6, 6, -6, 6], image: false };
}

function sine(samples: number, noise: number, seed: number): GeneratedData {
  const n = Math.max(2, Math.floor(samples));
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform(-3, 3);
    y[i] = Math.sin(2 * x[i]) + noise * rng.normal();
  }
  return { x, y, rows: n, sampleShape: [1], classes: null, classNames: null, extent: null, image: false };
}

/** Generates any built-in dataset by name (2-D classics included). */
export function makeBuiltin(name: string, opts: { samples: number; noise: number; seed: number }): GeneratedData {
  if ((BUILTIN_2D as readonly string[]).includes(name)) {
    const d = makeBuiltin2D(name as Builtin2DName, opts);
    return { x: d.x, y: d.y, rows: d.y.length, sampleShape: [2], classes: d.classes, classNames: ['0', '1'], extent: d.extent, image: false };
  }
  const blob = /^blobs(?:-(\d+))?$/.exec(name);
  if (blob) {
    const k = Number(blob[1] ?? 3);
    if (k < 2 || k > 10) throw new FlowgradError('bad-argument', `blobs: between 2 and 10 classes, not ${k}`);
    return blobs(k, opts.samples, opts.noise, opts.seed);
  }
  if (name === 'sine') return sine(opts.samples, opts.noise, opts.seed);
  if (name === 'digits') {
    const d = makeDigits(opts.samples, opts.noise, opts.seed);
    return { x: d.x, y: d.y, rows: d.y.length, sampleShape: [1, DIGIT_SIDE, DIGIT_SIDE], classes: 10, classNames: Array.from({ length: 10 }, (_, i) => String(i)), extent: null, image: true };
  }
  if (name === 'digits-recon') {
    const d = makeDigits(opts.samples, opts.noise, opts.seed);
    return { x: d.x, y: Float32Array.from(d.x), rows: d.y.length, sampleShape: [1, DIGIT_SIDE, DIGIT_SIDE], classes: null, classNames: null, extent: null, image: true };
  }
  if (name === 'sentiment') {
    const set = sentimentTexts(Math.max(2, Math.floor(opts.samples)), opts.noise, opts.seed);
    return { x: sentimentIds(set), y: set.labels, rows: set.labels.length, sampleShape: [SENTIMENT_LENGTH], classes: 2, classNames: [...SENTIMENT_CLASSES], extent: null, image: false, text: { texts: set.texts, vocab: SENTIMENT_VOCAB, tokenizer: SENTIMENT_TOKENIZER } };
  }
  if (name === 'sequences') {
    const d = trendSequences(Math.max(2, Math.floor(opts.samples)), opts.seed, SEQUENCE_LENGTH, opts.noise);
    return { x: d.x, y: d.y, rows: d.rows, sampleShape: [SEQUENCE_LENGTH, 1], classes: 2, classNames: ['falling', 'rising'], extent: null, image: false };
  }
  if (name === 'tagging') {
    const set = taggedSentences(Math.max(2, Math.floor(opts.samples)), opts.noise, opts.seed);
    return {
      x: taggingIds(set), y: set.tags, rows: set.texts.length, sampleShape: [TAGGING_LENGTH], classes: TAG_CLASSES.length, classNames: [...TAG_CLASSES], extent: null, image: false,
      text: { texts: set.texts, vocab: TAGGING_VOCAB, tokenizer: TAGGING_TOKENIZER, tagged: set.texts.map((_, r) => taggedText(set, r)) }, labelsPerSample: TAGGING_LENGTH,
    };
  }
  throw new FlowgradError('bad-argument', `unknown built-in dataset '${name}' (known: ${BUILTINS.map((b) => b.name).join(', ')})`);
}

/** The DataSignature of a built-in by name (blobs-k for any k). */
export function builtinSignature(name: string): DataSignature | null {
  const info = builtinInfo(name);
  if (info) return info.signature;
  const blob = /^blobs(?:-(\d+))?$/.exec(name);
  return blob ? { sampleShape: [2], classes: Number(blob[1] ?? 3) } : null;
}

/**
 * Rows per class of a built-in (one entry, all rows, for regression), as its generator makes
 * them: blobs and digits label rows by a rule (row i is class i mod k), so digits need not be
 * drawn; the 2-D classics are generated, since their labels come from the random draw.
 */
export function builtinClassCounts(name: string, opts: { samples: number; noise: number; seed: number }): number[] {
  const byRule = (n: number, k: number) => Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
  if (name === 'digits') return byRule(Math.max(10, Math.floor(opts.samples)), 10);
  if (name === 'sine' || name === 'digits-recon') return [Math.max(name === 'sine' ? 2 : 10, Math.floor(opts.samples))];
  if (name === 'sequences') return byRule(Math.max(2, Math.floor(opts.samples)), 2);
  // Every token has its own label: rows do not fall into classes.
  if (name === 'tagging') return [Math.max(2, Math.floor(opts.samples))];
  const blob = /^blobs(?:-(\d+))?$/.exec(name);
  if (blob) {
    const k = Number(blob[1] ?? 3);
    return byRule(Math.max(k, Math.floor(opts.samples)), k);
  }
  const d = makeBuiltin(name, opts);
  const counts = new Array<number>(d.classes ?? 1).fill(0);
  for (const c of d.y) counts[c]++;
  return counts;
}
