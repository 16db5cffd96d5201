/**
 * A generated token-classification set (no download): short English sentences ("the busy
 * farmers watch the old play today") where every word is tagged noun, verb or other. Some
 * words are nouns in one place and verbs in another (watch, play, walk, cook, ...), so a
 * model has to read the context, not just look words up. Word-level token ids over the
 * generator's fixed lexicon (the same vocabulary in every split and run); the labels are one
 * class per token position ([rows × TAGGING_LENGTH]), padding tagged 'other'. `noise` is the
 * share of sentences whose ambiguous words come in an unusual place (a harder set), not
 * label noise: the tags stay correct.
 */
import { Rng } from '../core/rng.ts';
import { buildVocab, encodeInto, tokenize, vocabIndex, type TokenizerConfig } from '../project/tokenizer.ts';

const DETERMINERS = ['the', 'some', 'my', 'these', 'our'];
const ADJECTIVES = ['small', 'old', 'happy', 'quiet', 'busy', 'clever', 'young', 'tired'];
const NOUNS = ['dogs', 'cats', 'teachers', 'children', 'farmers', 'birds', 'friends', 'students', 'garden', 'river', 'city', 'song'];
const VERBS = ['see', 'find', 'like', 'follow', 'help', 'visit', 'paint', 'chase', 'love', 'carry'];
/** Nouns or verbs by position: the tag comes from the context. */
const AMBIGUOUS = ['watch', 'play', 'walk', 'cook', 'fish', 'light', 'park', 'plant', 'book', 'water'];
const ADVERBS = ['today', 'often', 'again', 'slowly', 'together'];
const PREPOSITIONS = ['near', 'in', 'with', 'behind'];
const SUBJECTS_PRONOUN = ['they', 'we', 'you'];

export const TAG_CLASSES = ['other', 'noun', 'verb'] as const;
const OTHER = 0, NOUN = 1, VERB = 2;

/** Tokens per sentence: the longest sentence has 12 words (subject phrase, often, verb, object, preposition, phrase). */
export const TAGGING_LENGTH = 12;
export const TAGGING_TOKENIZER: TokenizerConfig = { level: 'word', maxLength: TAGGING_LENGTH, maxVocab: 128, lowercase: true };
/** `<pad>`, `<unk>` and every word the generator uses, in vocabulary order. */
export const TAGGING_VOCAB: readonly string[] = buildVocab(
  [...DETERMINERS, ...ADJECTIVES, ...NOUNS, ...VERBS, ...AMBIGUOUS, ...ADVERBS, ...PREPOSITIONS, ...SUBJECTS_PRONOUN],
  TAGGING_TOKENIZER,
);

export interface TaggedSet {
  texts: string[];
  /** One tag per token position, padding included ([rows × TAGGING_LENGTH]). */
  tags: Int32Array;
}

type Word = [string, number];

/** `rows` tagged sentences. */
export function taggedSentences(rows: number, noise: number, seed: number): TaggedSet {
  const rng = new Rng(seed);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const hard = Math.max(0, Math.min(1, noise));
  // A noun or verb slot takes an ambiguous word 40% of the time.
  const noun = (): Word => [rng.next() < 0.4 ? pick(AMBIGUOUS) : pick(NOUNS), NOUN];
  const verb = (): Word => [rng.next() < 0.4 ? pick(AMBIGUOUS) : pick(VERBS), VERB];
  const phrase = (): Word[] => [[pick(DETERMINERS), OTHER], ...(rng.next() < 0.5 ? [[pick(ADJECTIVES), OTHER] as Word] : []), noun()];
  const texts: string[] = [];
  const tags = new Int32Array(rows * TAGGING_LENGTH);
  for (let r = 0; r < rows; r++) {
    const subject: Word[] = rng.next() < 0.3 ? [[pick(SUBJECTS_PRONOUN), OTHER]] : phrase();
    const words: Word[] = [...subject];
    if (rng.next() < 0.25) words.push(['often', OTHER]);
    words.push(verb(), ...phrase());
    // A harder sentence puts an ambiguous noun right after a preposition, with no determiner.
    if (rng.next() < 0.4) words.push([pick(PREPOSITIONS), OTHER], ...(rng.next() < hard ? [[pick(AMBIGUOUS), NOUN] as Word] : phrase()));
    else if (rng.next() < 0.5) words.push([pick(ADVERBS), OTHER]);
    const kept = words.slice(0, TAGGING_LENGTH);
    texts.push(kept.map(([w]) => w).join(' '));
    kept.forEach(([, t], i) => (tags[r * TAGGING_LENGTH + i] = t));
  }
  return { texts, tags };
}

/** The sentences as token-id rows [rows × TAGGING_LENGTH] over TAGGING_VOCAB. */
export function taggingIds(set: TaggedSet): Float32Array {
  const index = vocabIndex(TAGGING_VOCAB);
  const x = new Float32Array(set.texts.length * TAGGING_LENGTH);
  set.texts.forEach((t, r) => encodeInto(t, index, TAGGING_TOKENIZER, x, r * TAGGING_LENGTH));
  return x;
}

/** "the/other dogs/noun watch/verb ...": a sentence with its tags, for previews. */
export function taggedText(set: TaggedSet, row: number): string {
  return tokenize(set.texts[row]!, TAGGING_TOKENIZER).map((w, i) => `${w}/${TAG_CLASSES[set.tags[row * TAGGING_LENGTH + i]!]}`).join(' ');
}
