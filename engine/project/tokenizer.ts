/**
 * The tokenizer: text → a fixed-length row of token ids, at word or character level. The
 * vocabulary is built from the training split only (most frequent first), with id 0 for
 * padding and id 1 for any token it does not hold; longer texts are truncated, shorter ones
 * padded at the end. It lives in the project contract because the trained model carries its
 * vocabulary (preprocessing.ts `text`): data preparation, the playground, the CLI and exports
 * must all turn a sentence into the same ids. Pure, no tensors.
 */
import { FlowgradError } from '../core/errors.ts';

export type TokenLevel = 'word' | 'char';

export interface TokenizerConfig {
  level: TokenLevel;
  /** Tokens per sample: longer texts are cut, shorter ones padded with `<pad>`. */
  maxLength: number;
  /** Largest vocabulary, `<pad>` and `<unk>` included. */
  maxVocab: number;
  lowercase: boolean;
}

export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

export const DEFAULT_TOKENIZER: TokenizerConfig = { level: 'word', maxLength: 32, maxVocab: 2000, lowercase: true };

/** Limits a project file or the data panel may ask for (an Embedding's table grows with maxVocab). */
export const TOKENIZER_LIMITS = { maxLength: 512, maxVocab: 50000 } as const;

// Words are runs of letters, digits and apostrophes; every other visible character is a token of its own.
const WORD = /[\p{L}\p{N}']+|[^\s\p{L}\p{N}']/gu;

/** The tokens of one text, in order. */
export function tokenize(text: string, cfg: Pick<TokenizerConfig, 'level' | 'lowercase'>): string[] {
  const t = cfg.lowercase ? text.toLowerCase() : text;
  return cfg.level === 'char' ? Array.from(t) : t.match(WORD) ?? [];
}

/** A vocabulary from training texts: `<pad>`, `<unk>`, then tokens by falling count (ties in code-point order). */
export function buildVocab(texts: Iterable<string>, cfg: TokenizerConfig): string[] {
  if (cfg.maxVocab < 3) throw new FlowgradError('bad-argument', `a vocabulary needs room for at least one token besides ${PAD_TOKEN} and ${UNK_TOKEN} (maxVocab ≥ 3, got ${cfg.maxVocab})`);
  const counts = new Map<string, number>();
  for (const text of texts) for (const tok of tokenize(text, cfg)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
  counts.delete(PAD_TOKEN);
  counts.delete(UNK_TOKEN);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [PAD_TOKEN, UNK_TOKEN, ...sorted.slice(0, cfg.maxVocab - 2).map(([t]) => t)];
}

/** Token → id lookup for a vocabulary. */
export function vocabIndex(vocab: readonly string[]): Map<string, number> {
  return new Map(vocab.map((t, i) => [t, i]));
}

/**
 * Writes the `maxLength` ids of `text` at out[off...] (truncated, then padded with 0) and
 * returns how many tokens were unknown.
 */
export function encodeInto(text: string, index: ReadonlyMap<string, number>, cfg: Pick<TokenizerConfig, 'level' | 'lowercase' | 'maxLength'>, out: Float32Array | Int32Array, off = 0): number {
  const toks = tokenize(text, cfg);
  let unknown = 0;
  for (let i = 0; i < cfg.maxLength; i++) {
    if (i >= toks.length) {
      out[off + i] = PAD_ID;
      continue;
    }
    const id = index.get(toks[i]!);
    if (id === undefined) unknown++;
    out[off + i] = id ?? UNK_ID;
  }
  return unknown;
}

/** One text as a row of token ids (float32, as model inputs travel). */
export function encodeText(text: string, vocab: readonly string[], cfg: Pick<TokenizerConfig, 'level' | 'lowercase' | 'maxLength'>): Float32Array {
  const out = new Float32Array(cfg.maxLength);
  encodeInto(text, vocabIndex(vocab), cfg, out);
  return out;
}

/** Ids back to tokens (padding dropped): what the model saw, for previews. */
export function decodeIds(ids: ArrayLike<number>, vocab: readonly string[], level: TokenLevel): string {
  const toks: string[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] !== PAD_ID) toks.push(vocab[ids[i]!] ?? UNK_TOKEN);
  return toks.join(level === 'char' ? '' : ' ');
}

/** A tokenizer config from untrusted JSON (project file, data panel): unknown fields dropped, numbers clamped. */
export function sanitizeTokenizer(raw: unknown): TokenizerConfig {
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const int = (v: unknown, lo: number, hi: number, d: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, Math.round(v))) : d);
  return {
    level: o.level === 'char' ? 'char' : 'word',
    maxLength: int(o.maxLength, 1, TOKENIZER_LIMITS.maxLength, DEFAULT_TOKENIZER.maxLength),
    maxVocab: int(o.maxVocab, 3, TOKENIZER_LIMITS.maxVocab, DEFAULT_TOKENIZER.maxVocab),
    lowercase: o.lowercase !== false,
  };
}
