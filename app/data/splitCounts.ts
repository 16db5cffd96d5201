/**
 * How many samples the chosen data trains, validates and tests on, the way the engine will
 * split it: the project's 2-D dataset and other built-ins by the training config's validation
 * split, an upload by its preparation. The training card, the result card and the
 * learning-rate preview all read it here, so none of them falls back to the 2-D dataset's
 * size when another source is selected. Pure (the engine's plan and built-in modules).
 */
import { builtinClassCounts } from '../../engine/data/builtin.ts';
import { builtinSplitSizes, uploadSplitSizes, type SplitSizes } from '../../engine/project/dataPlan.ts';
import type { DataPrep, DatasetSummary } from '../../engine/project/dataTypes.ts';
import type { Builtin2DSpec } from '../../engine/project/config.ts';
import type { DataSource } from '../store/dataSlice.ts';

export interface DataSplit extends SplitSizes {
  /** False when the preview cannot tell exactly (rows dropped for missing values, say). */
  exact: boolean;
}

// The 2-D classics' labels come from generating them: keep the last spec's counts.
let cached: { key: string; counts: number[] } | null = null;

function countsOf(name: string, opts: { samples: number; noise: number; seed: number }): number[] {
  const key = `${name}|${opts.samples}|${opts.noise}|${opts.seed}`;
  if (cached?.key !== key) cached = { key, counts: builtinClassCounts(name, opts) };
  return cached.counts;
}

/** The split of the chosen data; null while it is unknown (an upload not loaded, a prep that cannot work). */
export function dataSplit(source: DataSource, dataset: Builtin2DSpec, uploads: readonly DatasetSummary[], validationSplit: number): DataSplit | null {
  try {
    if (!source || source.kind === 'builtin') {
      const spec = source ?? dataset;
      return { ...builtinSplitSizes(countsOf(spec.name, spec), validationSplit), exact: true };
    }
    const summary = uploads.find((u) => u.id === source.id);
    return summary ? uploadSplitSizes(summary, (source.prep ?? {}) as DataPrep, { valFraction: validationSplit }) : null;
  } catch {
    // The data card already says why this data cannot be used as prepared.
    return null;
  }
}

/** "1,700 training samples · 300 validation · 0 test" (≈ when inexact). */
export function splitText(s: DataSplit): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${s.exact ? '' : '≈ '}${n(s.train)} training sample${s.train === 1 ? '' : 's'} · ${n(s.val)} validation${s.test ? ` · ${n(s.test)} test` : ''}`;
}

/** Why there is no 2-D plot for data of this sample shape, in words. */
export function noPlotText(sampleShape: readonly number[]): string {
  const what = sampleShape.length === 3 ? `${sampleShape.join('×')} images` : `${sampleShape.reduce((a, b) => a * b, 1)} input${sampleShape.join() === '1' ? '' : 's'} per sample`;
  return `No decision boundary: it is drawn for 2-D points, and this data has ${what}.`;
}
