/** Text helpers for the data panel: byte sizes and DataSignatures in words. */
import type { DataSignature } from '../../engine/graph/dataFit.ts';

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function sigText(sig: DataSignature): string {
  const input = `Input [${sig.sampleShape.join(',')}]${sig.vocabSize !== undefined ? ` token ids (vocabulary ≤ ${sig.vocabSize})` : ''}`;
  const per = sig.labelsPerSample && sig.labelsPerSample > 1 ? ` for each of the ${sig.labelsPerSample} tokens` : '';
  return `${input} → ${sig.classes === null ? 'a number (regression)' : `${sig.classes} classes${per}`}`;
}
