/**
 * A generated sentiment set from real English words, for text models that need no download:
 * short reviews ("overall the film was really great and the music was fun") built from
 * positive or negative phrase templates with a seeded RNG, tokenized at word level over the
 * generator's fixed lexicon (so the vocabulary is the same in every split and every run).
 * `noise` flips that share of labels (capped at 50%), so accuracy has a known ceiling.
 */
import { Rng } from '../core/rng.ts';
import { buildVocab, encodeInto, vocabIndex, type TokenizerConfig } from '../project/tokenizer.ts';

const SUBJECTS = ['movie', 'film', 'story', 'acting', 'music', 'ending', 'plot', 'cast', 'food', 'service', 'book', 'show'];
const VERBS = ['was', 'is', 'felt', 'seemed', 'looked'];
const INTENSIFIERS = ['really', 'very', 'quite', 'so', 'truly'];
const POSITIVE = ['great', 'good', 'wonderful', 'excellent', 'fun', 'lovely', 'brilliant', 'enjoyable', 'charming', 'superb'];
const NEGATIVE = ['bad', 'awful', 'boring', 'terrible', 'dull', 'poor', 'weak', 'horrible', 'messy', 'disappointing'];
const OPENERS = ['overall', 'i think', 'honestly', 'this time'];

/** Tokens per review: the longest template has 14 words. */
export const SENTIMENT_LENGTH = 16;
export const SENTIMENT_TOKENIZER: TokenizerConfig = { level: 'word', maxLength: SENTIMENT_LENGTH, maxVocab: 64, lowercase: true };
/** `<pad>`, `<unk>` and every word the generator uses, in vocabulary order. */
export const SENTIMENT_VOCAB: readonly string[] = buildVocab([...SUBJECTS, ...VERBS, ...INTENSIFIERS, ...POSITIVE, ...NEGATIVE, ...OPENERS, 'the and'], SENTIMENT_TOKENIZER);
export const SENTIMENT_CLASSES = ['negative', 'positive'];

export interface TextSet {
  texts: string[];
  labels: Int32Array;
}

function clause(rng: Rng, words: readonly string[]): string {
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const intensifier = rng.next() < 0.5 ? `${pick(INTENSIFIERS)} ` : '';
  return `the ${pick(SUBJECTS)} ${pick(VERBS)} ${intensifier}${pick(words)}`;
}

/** `rows` reviews, alternating positive (1) and negative (0) before label noise. */
export function sentimentTexts(rows: number, noise: number, seed: number): TextSet {
  const rng = new Rng(seed);
  const flip = Math.max(0, Math.min(0.5, noise));
  const texts: string[] = [];
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const positive = r % 2 === 1;
    const words = positive ? POSITIVE : NEGATIVE;
    const opener = rng.next() < 0.4 ? `${OPENERS[rng.int(OPENERS.length)]} ` : '';
    const second = rng.next() < 0.5 ? ` and ${clause(rng, words)}` : '';
    texts.push(`${opener}${clause(rng, words)}${second}`);
    labels[r] = rng.next() < flip ? (positive ? 0 : 1) : positive ? 1 : 0;
  }
  return { texts, labels };
}

/** The reviews as token-id rows [rows × SENTIMENT_LENGTH] over SENTIMENT_VOCAB. */
export function sentimentIds(set: TextSet): Float32Array {
  const index = vocabIndex(SENTIMENT_VOCAB);
  const x = new Float32Array(set.texts.length * SENTIMENT_LENGTH);
  set.texts.forEach((t, r) => encodeInto(t, index, SENTIMENT_TOKENIZER, x, r * SENTIMENT_LENGTH));
  return x;
}
