/**
 * The tokenizer's settings for a table's text column in the data dialog: word or character
 * tokens, tokens per sample (longer texts cut, shorter padded) and the vocabulary's size. The
 * token ids it makes are never normalised, so the normalisation choice is not offered.
 */
import { sanitizeTokenizer, TOKENIZER_LIMITS } from '../../engine/project/tokenizer.ts';
import type { DataPrep } from '../../engine/project/dataTypes.ts';
import { useApp } from '../store/index.ts';
import { NumberField } from '../panels/NumberField.tsx';
import { Select } from './Select.tsx';

export function TextSettings({ column, prep }: { column: string; prep: DataPrep }) {
  const patchPrep = useApp((s) => s.patchPrep);
  const cfg = sanitizeTokenizer(prep.tokenizer);
  const set = (p: Partial<typeof cfg>) => patchPrep({ tokenizer: { ...cfg, ...p } });
  return (
    <div className="data-section" aria-label="Text settings">
      <h3>Text: {column}</h3>
      <div className="data-fieldrow">
        <Select label="Tokens" value={cfg.level} options={[['word', 'Words'], ['char', 'Characters']]} onChange={(level) => set({ level })} />
        <NumberField label="Max length (tokens)" value={cfg.maxLength} min={1} max={TOKENIZER_LIMITS.maxLength} int onCommit={(maxLength) => set({ maxLength })} />
        <NumberField label="Max vocabulary" value={cfg.maxVocab} min={3} max={TOKENIZER_LIMITS.maxVocab} int onCommit={(maxVocab) => set({ maxVocab })} />
      </div>
      <p className="muted small">The vocabulary is built from the training rows (id 0 pads, id 1 is an unknown word); token ids are not normalised. An Embedding after the Input reads them.</p>
    </div>
  );
}
