/**
 * Plain-text datasets from a ZIP: one folder per class holding one .txt file per sample
 * (the layout of IMDB-style review sets), or one .txt file per class with one sample per
 * line (the file name is the class). Either becomes a two-column table, `text` and `label`,
 * whose text column preparation tokenizes (textSource.ts).
 */
import { FlowgradError } from '../core/errors.ts';
import type { TableData } from '../project/dataTypes.ts';
import { decodeText } from './json.ts';

const TEXT_FILE = /\.txt$/i;

/** Whether a ZIP's file list holds text samples (only .txt files, besides hidden ones). */
export function isTextFolder(paths: readonly string[]): boolean {
  const files = paths.filter((p) => !p.endsWith('/') && !p.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'));
  return files.length > 0 && files.every((p) => TEXT_FILE.test(p));
}

export function textFolderTable(files: Record<string, Uint8Array>, name: string): { table: TableData; notes: string[] } {
  const texts: string[] = [];
  const labels: string[] = [];
  let perFile = 0, perLine = 0;
  const entries = Object.entries(files).filter(([path]) => !path.endsWith('/') && TEXT_FILE.test(path) && !path.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'));
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parent = (p: string) => p.split('/').slice(0, -1).join('/');
  // All files side by side (at the top, or in one wrapping folder): a file per class, a line per sample.
  const byLine = new Set(entries.map(([p]) => parent(p))).size === 1;
  for (const [path, bytes] of entries) {
    const parts = path.split('/');
    const body = decodeText(bytes);
    if (byLine) {
      const cls = parts[parts.length - 1]!.replace(TEXT_FILE, '');
      for (const line of body.split(/\r?\n/)) {
        const text = line.trim();
        if (!text) continue;
        texts.push(text);
        labels.push(cls);
        perLine++;
      }
    } else {
      const text = body.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      texts.push(text);
      labels.push(parts[parts.length - 2]!);
      perFile++;
    }
  }
  if (texts.length === 0) throw new FlowgradError('bad-file', `${name}: no text found (expected one folder per class of .txt files, or one .txt file per class with a sample per line)`);
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new FlowgradError('bad-file', `${name}: every sample is in class '${classes[0]}': put the texts in one folder (or file) per class, at least two`);
  const textCats = [...new Set(texts)];
  const textIndex = new Map(textCats.map((t, i) => [t, i]));
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const table: TableData = {
    kind: 'table', rows: texts.length,
    columns: [
      { name: 'text', type: 'categorical', categories: textCats, codes: Int32Array.from(texts, (t) => textIndex.get(t)!) },
      { name: 'label', type: 'categorical', categories: classes, codes: Int32Array.from(labels, (l) => classIndex.get(l)!) },
    ],
  };
  const how = [perFile ? `${perFile} file${perFile === 1 ? '' : 's'} (one sample each)` : '', perLine ? `${perLine} line${perLine === 1 ? '' : 's'} (one sample each)` : ''].filter(Boolean).join(' and ');
  return { table, notes: [`Read ${how} in ${classes.length} classes: ${classes.join(', ')}.`] };
}
