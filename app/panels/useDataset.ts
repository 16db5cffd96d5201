/** The generated 2-D dataset described by the project's DatasetSpec (memoized). */
import { useMemo } from 'react';
import { makeBuiltin2D, type Dataset2D } from '../../engine/data/builtin2d.ts';
import type { Builtin2DSpec } from '../../engine/train/config.ts';

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
