/**
 * What each layer kind means for compression, as one typed table: which of its parameters
 * magnitude pruning and int8 quantization act on (and along which axis their output channels
 * lie), how structured pruning treats the channels flowing through it, and whether its input
 * activations are quantized. `Record<ModelLayerType, …>`, so a kind added to the catalog
 * without its row does not compile (engine/graph/catalogRows.test.ts).
 */
import type { ModelLayerType } from '../graph/catalog.ts';

/**
 * How structured (channel) pruning sees a node:
 * - `producer`: owns output channels (attribute `attr`); removing channel c slices each of
 *   `out`'s parameters at c along the given axis, and a consumer's `in` parameters along theirs.
 *   `axis` is where the channels lie in its output: 1 (after the batch) or -1 (the last dim).
 * - `perChannel`: keeps the channel axis and acts per channel (pooling, an activation with
 *   f(0) = 0, BatchNorm): removed channels are sliced out of `params`; pruning zeroes `zeroed`
 *   so a removed channel stays exactly 0 through it. `axis` 1 or -1 for the axis it needs,
 *   0 for any.
 * - `flatten`: [N, C, ...] → [N, C·S]: channel c becomes the block of S features c·S … c·S+S−1.
 * - `barrier`: anything else (mixes channels, needs a fixed count, or f(0) ≠ 0): a producer
 *   whose channels reach it is not pruned structurally.
 */
export type ChannelRule =
  | { kind: 'producer'; attr: string; axis: 1 | -1; out: Readonly<Record<string, number>>; in: Readonly<Record<string, number>> }
  | { kind: 'perChannel'; axis: 0 | 1 | -1; params: Readonly<Record<string, number>>; zeroed: readonly string[] }
  | { kind: 'flatten' }
  | { kind: 'barrier' };

export interface CompressRow {
  /** Weights that magnitude pruning zeroes and int8 quantizes per channel: name → axis of the output channels. */
  weights: Readonly<Record<string, number>>;
  channels: ChannelRule;
  /** int8: the activations entering the node are quantized per tensor (the input of a weighted op). */
  quantizeInput: boolean;
  /**
   * int8: float parameters rounded to float16 values (the int8 file stores them as F16, and the
   * simulation computes with exactly those): a quantized layer's bias, which int8 runtimes add
   * at far coarser precision anyway (int32 in steps of input scale × weight scale).
   */
  half: readonly string[];
}

const none = { weights: {}, quantizeInput: false, half: [] } as const;
const barrier: CompressRow = { ...none, channels: { kind: 'barrier' } };
/** Elementwise with f(0) = 0: a zeroed channel stays zero, any axis. */
const zeroKeeping: CompressRow = { ...none, channels: { kind: 'perChannel', axis: 0, params: {}, zeroed: [] } };
/** Pooling over spatial dims: channels on axis 1, zeros stay zeros. */
const pooling: CompressRow = { ...none, channels: { kind: 'perChannel', axis: 1, params: {}, zeroed: [] } };
const batchNorm: CompressRow = {
  ...none,
  channels: { kind: 'perChannel', axis: 1, params: { weight: 0, bias: 0, runningMean: 0, runningVar: 0 }, zeroed: ['weight', 'bias'] },
};
const conv = (outAxis: number, inAxis: number): CompressRow => ({
  weights: { weight: outAxis },
  channels: { kind: 'producer', attr: 'filters', axis: 1, out: { weight: outAxis, bias: 0 }, in: { weight: inAxis } },
  quantizeInput: true,
  half: ['bias'],
});

export const COMPRESS_LAYERS: Readonly<Record<ModelLayerType, CompressRow>> = {
  Dense: { weights: { weight: 0 }, channels: { kind: 'producer', attr: 'units', axis: -1, out: { weight: 0, bias: 0 }, in: { weight: 1 } }, quantizeInput: true, half: ['bias'] },
  Conv1d: conv(0, 1),
  Conv2d: conv(0, 1),
  // [in, out, k, k]: output channels on axis 1.
  ConvTranspose2d: conv(1, 0),
  // Grouped per input channel: its channel count is tied to its input's, so it is a barrier.
  DepthwiseConv2d: { weights: { weight: 0 }, channels: { kind: 'barrier' }, quantizeInput: true, half: ['bias'] },
  Embedding: { weights: { weight: 0 }, channels: { kind: 'barrier' }, quantizeInput: false, half: [] },
  Add: barrier,
  Multiply: barrier,
  Concat: barrier,
  Flatten: { ...none, channels: { kind: 'flatten' } },
  Reshape: barrier,
  Permute: barrier,
  Upsample: pooling,
  ReLU: zeroKeeping,
  LeakyReLU: zeroKeeping,
  ELU: zeroKeeping,
  GELU: zeroKeeping,
  SiLU: zeroKeeping,
  Tanh: zeroKeeping,
  Dropout: zeroKeeping,
  // f(0) ≠ 0 or mixing across channels.
  Sigmoid: barrier,
  Softmax: barrier,
  LogSoftmax: barrier,
  MaxPool1d: pooling,
  MaxPool2d: pooling,
  AvgPool1d: pooling,
  AvgPool2d: pooling,
  GlobalAvgPool: pooling,
  AdaptiveAvgPool: pooling,
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  LayerNorm: barrier,
  GroupNorm: barrier,
  PositionalEncoding: barrier,
  MultiHeadAttention: barrier,
  TransformerEncoderBlock: barrier,
  LSTM: barrier,
  GRU: barrier,
  CustomCode: barrier,
};

/** The row for a node's `type` (Input and Loss have none). */
export function compressRow(type: string): CompressRow | null {
  return Object.hasOwn(COMPRESS_LAYERS, type) ? COMPRESS_LAYERS[type as ModelLayerType] : null;
}
