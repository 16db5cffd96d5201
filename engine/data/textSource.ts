/**
 * A table's text column as token ids (one row of `maxLength` ids per sample): the label as
 * in any table, rows without a label dropped, a missing text read as empty (all padding).
 * The vocabulary is built from the training rows only (fitOnTrain, before any row is
 * filled), so validation and test text meet `<unk>` exactly as new text will. Ids are never
 * normalised. Other feature columns are left out, with a note.
 */
import { FlowgradError } from '../core/errors.ts';
import type { TablePlan } from '../project/dataPlan.ts';
import type { DataPrep, TableData } from '../project/dataTypes.ts';
import { buildVocab, encodeInto, sanitizeTokenizer, vocabIndex } from '../project/tokenizer.ts';
import type { RowSource } from './rowSource.ts';
import { tableLabels } from './tableLabels.ts';

export function textTableSource(t: TableData, plan: TablePlan, prep: DataPrep): RowSource {
  const col = t.columns[plan.text!]!;
  if (col.type !== 'categorical') throw new FlowgradError('bad-argument', `column '${col.name}' holds numbers: only a text column can be tokenized`);
  const cfg = sanitizeTokenizer(prep.tokenizer);
  const { yRaw, classNames } = tableLabels(t, plan);
  const keep: number[] = [];
  let noLabel = 0, noText = 0;
  for (let r = 0; r < t.rows; r++) {
    if (Number.isNaN(yRaw[r])) noLabel++;
    else {
      if (col.codes[r]! < 0) noText++;
      keep.push(r);
    }
  }
  if (keep.length === 0) throw new FlowgradError('bad-argument', 'no rows left: every row lacks the label');
  const notes = [`Column '${col.name}' read as text: ${cfg.level === 'word' ? 'words' : 'characters'}, ${cfg.maxLength} tokens per sample (longer texts cut, shorter padded).`];
  const others = t.columns.filter((c, i) => i !== plan.text && i !== plan.label && prep.roles?.[c.name] !== 'ignore');
  if (others.length > 0) notes.push(`Left out ${others.map((c) => `'${c.name}'`).join(', ')}: a text model reads only the text column.`);
  if (noLabel) notes.push(`Left out ${noLabel} row${noLabel === 1 ? '' : 's'} without a label.`);
  if (noText) notes.push(`${noText} row${noText === 1 ? '' : 's'} without text read as empty.`);
  const y = plan.task === 'classification' ? new Int32Array(keep.length) : new Float32Array(keep.length);
  keep.forEach((r, i) => (y[i] = yRaw[r]!));
  let vocab: string[] | null = null;
  // Each distinct text is encoded once (categories are the distinct texts).
  let encoded: Int32Array | null = null;
  const textOf = (r: number) => (col.codes[r]! < 0 ? '' : col.categories[col.codes[r]!]!);
  return {
    rows: keep.length,
    features: cfg.maxLength,
    sampleShape: [cfg.maxLength],
    y,
    classes: plan.classes,
    classNames,
    featureNames: Array.from({ length: cfg.maxLength }, (_, i) => `token${i}`),
    groupOf: new Int32Array(cfg.maxLength).fill(-1),
    groups: 0,
    image: false,
    notes,
    hasMissing: false,
    nonFinite: 0,
    defaultNormalize: 'none',
    fitOnTrain(train) {
      vocab = buildVocab(Array.from(train, (i) => textOf(keep[i]!)), cfg);
      const index = vocabIndex(vocab);
      encoded = new Int32Array(col.categories.length * cfg.maxLength);
      col.categories.forEach((c, k) => encodeInto(c, index, cfg, encoded!, k * cfg.maxLength));
      notes.push(`Vocabulary: ${vocab.length} tokens from the training rows (<pad> = 0, <unk> = 1).`);
    },
    fill(i, out, off) {
      if (!encoded) throw new FlowgradError('internal', 'text rows were read before the vocabulary was built');
      const code = col.codes[keep[i]!]!;
      if (code < 0) out.fill(0, off, off + cfg.maxLength);
      else for (let j = 0; j < cfg.maxLength; j++) out[off + j] = encoded[code * cfg.maxLength + j]!;
    },
    text() {
      if (!vocab) throw new FlowgradError('internal', 'the vocabulary is built with the training rows');
      return { encoding: { column: col.name, level: cfg.level, lowercase: cfg.lowercase, maxLength: cfg.maxLength, vocab }, label: t.columns[plan.label]!.name };
    },
  };
}
