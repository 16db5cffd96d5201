// The tokenizer: word and character tokens, a vocabulary by frequency with <pad>/<unk>,
// truncation and padding to maxLength, and untrusted configs clamped.
import { describe, expect, it } from 'vitest';
import { PAD_ID, UNK_ID, buildVocab, decodeIds, encodeText, sanitizeTokenizer, tokenize, type TokenizerConfig } from './tokenizer.ts';

const word: TokenizerConfig = { level: 'word', maxLength: 6, maxVocab: 100, lowercase: true };

describe('tokenizer', () => {
  it('splits words (punctuation apart, apostrophes kept) and characters', () => {
    expect(tokenize("It's GREAT, really!", word)).toEqual(["it's", 'great', ',', 'really', '!']);
    expect(tokenize('Ab c', { level: 'char', lowercase: false })).toEqual(['A', 'b', ' ', 'c']);
    expect(tokenize('   ', word)).toEqual([]);
  });

  it('builds the vocabulary by falling count, ties in code-point order, capped with <pad> and <unk> first', () => {
    const v = buildVocab(['b a a', 'c b a', 'd'], { ...word, maxVocab: 5 });
    expect(v).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
    expect(() => buildVocab(['a'], { ...word, maxVocab: 2 })).toThrow(/maxVocab ≥ 3/);
  });

  it('encodes with <unk> for unseen tokens, truncates long texts and pads short ones with 0', () => {
    const v = buildVocab(['the film was great', 'the film was bad'], word);
    const ids = encodeText('The film was superb', v, word);
    expect(Array.from(ids)).toEqual([v.indexOf('the'), v.indexOf('film'), v.indexOf('was'), UNK_ID, PAD_ID, PAD_ID]);
    const long = encodeText('the the the the the the the the', v, word);
    expect(long.length).toBe(6);
    expect(Array.from(long).every((i) => i === v.indexOf('the'))).toBe(true);
    expect(decodeIds(ids, v, 'word')).toBe('the film was <unk>');
  });

  it('character level uses single characters as tokens', () => {
    const cfg: TokenizerConfig = { level: 'char', maxLength: 4, maxVocab: 10, lowercase: true };
    const v = buildVocab(['abba'], cfg);
    expect(v).toEqual(['<pad>', '<unk>', 'a', 'b']);
    expect(Array.from(encodeText('Abz', v, cfg))).toEqual([2, 3, UNK_ID, PAD_ID]);
  });

  it('clamps configs from untrusted JSON', () => {
    expect(sanitizeTokenizer({ level: 'char', maxLength: 1e9, maxVocab: -4, lowercase: false })).toEqual({ level: 'char', maxLength: 512, maxVocab: 3, lowercase: false });
    expect(sanitizeTokenizer('nonsense')).toEqual({ level: 'word', maxLength: 32, maxVocab: 2000, lowercase: true });
  });
});
