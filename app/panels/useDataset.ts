/**
 * The chosen data as the panels need it: the project's generated 2-D dataset, the 2-D points
 * of whichever source is selected (when the app has them), whether that data is 2-D at all,
 * and its train/validation/test sizes. Memoized; the result card and the training card read
 * these instead of the 2-D dataset, so another source never shows the 2-D one's numbers.
 */
import { useMemo } from 'react';
import { makeBuiltin2D, type Dataset2D } from '../../engine/data/builtin2d.ts';
import { makeBuiltin } from '../../engine/data/builtin.ts';
import type { Builtin2DSpec } from '../../engine/project/config.ts';
import { useApp } from '../store/index.ts';
import { dataSplit, type DataSplit } from '../data/splitCounts.ts';

export function useDataset2D(spec: Builtin2DSpec): Dataset2D | null {
  const { name, samples, noise, seed } = spec;
  return useMemo(() => {
    try {
      return makeBuiltin2D(name, { samples, noise, seed });
    } catch {
      return null;
    }
  }, [name, samples, noise, seed]);
}

/** Whether the selected data's samples are 2-D points (a scatter and a decision boundary make sense). */
export function useIs2D(): boolean {
  return useApp((s) => s.dataSignature.sampleShape.length === 1 && s.dataSignature.sampleShape[0] === 2);
}

/**
 * The selected data's points for a scatter: the 2-D dataset, or a 2-D built-in such as blobs.
 * Null for other data, and for uploads (their rows live in the data worker, not the page).
 */
export function useSourcePoints(): Dataset2D | null {
  const source = useApp((s) => s.dataSource);
  const own = useDataset2D(useApp((s) => s.dataset));
  const builtin = source?.kind === 'builtin' ? source : null;
  const { name = '', samples = 0, noise = 0, seed = 0 } = builtin ?? {};
  const other = useMemo(() => {
    if (!name) return null;
    try {
      const g = makeBuiltin(name, { samples, noise, seed });
      return g.sampleShape.join(',') === '2' && g.classes && g.y instanceof Int32Array ? { x: g.x, y: g.y, classes: g.classes, extent: g.extent ?? [-6, 6, -6, 6] } : null;
    } catch {
      return null;
    }
  }, [name, samples, noise, seed]);
  return source ? (builtin ? other : null) : own;
}

/** Train/validation/test sizes of the selected data; null while unknown. */
export function useDataSplit(): DataSplit | null {
  const source = useApp((s) => s.dataSource);
  const dataset = useApp((s) => s.dataset);
  const uploads = useApp((s) => s.uploads);
  const validationSplit = useApp((s) => s.training.validationSplit);
  return useMemo(() => dataSplit(source, dataset, uploads, validationSplit), [source, dataset, uploads, validationSplit]);
}
