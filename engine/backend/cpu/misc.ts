/**
 * CPU kernels that are not (yet) hot enough to deserve their own fast version. The reference
 * loops for these are already closure-free and index-linear, so the CPU backend reuses them;
 * replace an entry here with a specialised kernel when a profile says it matters.
 */
import { REFERENCE_KERNELS as R } from '../reference/kernels.ts';
import { im2col, col2im, maxPool2d } from './conv.ts';
import { INDEX_KERNELS } from './indexing.ts';
import { OPTIM_KERNELS } from './optim.ts';

export const MISC_KERNELS = {
  indexSelect: R.indexSelect,
  indexAdd: R.indexAdd,
  ...INDEX_KERNELS,
  ...OPTIM_KERNELS,
  im2col,
  col2im,
  maxPool2d,
};
