/**
 * The op table: every OpDef, declared once in its family file, listed here by name, plus the
 * functional spellings. It is the op contract the tests check (ops.contract.test.ts): each
 * entry must run forward, and through its gradient rule, in the op suite (engine/test/ops/),
 * which runs on every backend. A new OpDef goes into this list; docs/ARCHITECTURE.md,
 * "How to add an op", has the rest.
 */
import type { OpDef } from './op.ts';
import { BINARY_OPS, CAST_OP, UNARY_OPS, WHERE_OP } from './elementwise.ts';
import { REDUCE_OP, SOFTMAX_OP } from './reduce.ts';
import { CONCAT_OP, EXPAND_OP, PERMUTE_OP, PUT_OP, RESHAPE_OP, SLICE_OP } from './shape.ts';
import { GATHER_OP, INDEX_ADD_OP, INDEX_SELECT_OP, INDEX_ZEROS_OP, SCATTER_ADD_OP, SCATTER_ZEROS_OP } from './indexing.ts';
import { LINEAR_OP, MATMUL_OP } from './matmul.ts';
import { AVGPOOL_GRAD_OP, AVGPOOL_OP, COL2IM_OP, IM2COL_OP, MAXPOOL_INDEX_OP } from './conv.ts';
import { CONV2D_DIRECT_OP, CONV2D_WEIGHT_GRAD_OP } from './conv-direct.ts';
import { CROSS_ENTROPY_GRAD_OP, CROSS_ENTROPY_OP } from './crossentropy.ts';

export const OPS: Readonly<Record<string, OpDef<never>>> = Object.fromEntries(
  [
    ...Object.values(UNARY_OPS), ...Object.values(BINARY_OPS), WHERE_OP, CAST_OP,
    REDUCE_OP, SOFTMAX_OP, RESHAPE_OP, PERMUTE_OP, EXPAND_OP, SLICE_OP, PUT_OP, CONCAT_OP,
    GATHER_OP, SCATTER_ADD_OP, SCATTER_ZEROS_OP, INDEX_SELECT_OP, INDEX_ADD_OP, INDEX_ZEROS_OP, MATMUL_OP, LINEAR_OP, IM2COL_OP, COL2IM_OP, MAXPOOL_INDEX_OP, AVGPOOL_OP, AVGPOOL_GRAD_OP,
    CONV2D_DIRECT_OP, CONV2D_WEIGHT_GRAD_OP, CROSS_ENTROPY_OP, CROSS_ENTROPY_GRAD_OP,
  ].map((op) => [op.name, op as OpDef<never>]),
);

export type { OpDef, GradNode } from './op.ts';
export { apply } from './op.ts';
export { where, cast, sumTo } from './elementwise.ts';
export { sum, variance, std, logsumexp, softmax } from './reduce.ts';
export type { Dims } from './reduce.ts';
export { reshape, squeeze, unsqueeze, flatten, permute, transpose, expand, slice, narrow, pad, concat, stack } from './shape.ts';
export { gather, scatterAdd, indexSelect, indexAdd } from './indexing.ts';
export { matmul, matmulT } from './matmul.ts';
export * from './creation.ts';
export { conv1d, conv2d, convTranspose2d, maxPool2d, avgPool2d, adaptiveAvgPool2d } from './conv.ts';
export type { ConvOptions, ConvTransposeOptions, PoolOptions, Pair } from './conv.ts';
export { crossEntropyFused } from './crossentropy.ts';
export { atan2 } from './activations.ts';
export { log1p, expm1, log2, log10, exp2, tan, sinh, cosh, trunc, fmod, remainder, lerp, hypot, logaddexp, addcmul } from './activations.ts';
export { cumsum, flip, roll, repeat, tile, repeatInterleave, tril, triu, maskedFill, split, chunk, outer, norm } from './manip.ts';
