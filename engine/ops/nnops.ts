/**
 * Layer ops that need their own kernels (convolution via im2col, pooling). Filled in after
 * the core ops; see conv.ts and pool.ts.
 */
import type { OpDef } from './op.ts';

export const NN_OPS: OpDef<never>[] = [];
