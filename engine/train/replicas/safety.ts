/**
 * Which graphs replicas may train. A replica reproduces the single-worker gradient only when
 * each sample's gradient depends on that sample alone and on nothing random: Dropout draws
 * from one RNG stream whose slices would differ per worker, BatchNorm's statistics span the
 * whole batch (a shard's differ), and Custom Code is the user's own (its state and randomness
 * unknown). Such graphs fall back to kernel threads, with the reason shown. One row per layer
 * kind, so a new kind must say whether it is safe (the type-checker keeps the table complete).
 */
import { getLayer, resolveAttrs } from '../../graph/catalog.ts';
import type { LayerType } from '../../graph/catalog.ts';
import type { Attrs, GraphJSON } from '../../graph/types.ts';
import type { TrainConfig } from '../../project/config.ts';

type Check = (attrs: Attrs) => string | null;
const safe: Check = () => null;
const dropout = (label: string): Check => (a) => (Number(a.dropout ?? 0) > 0 ? `${label} has dropout (random draws differ per worker)` : null);

const REPLICA_SAFETY: Record<LayerType, Check> = {
  Input: safe, Dense: safe, Add: safe, Multiply: safe, Concat: safe, Flatten: safe, Reshape: safe, Permute: safe, Upsample: safe,
  Conv1d: safe, Conv2d: safe, DepthwiseConv2d: safe, ConvTranspose2d: safe,
  MaxPool1d: safe, MaxPool2d: safe, AvgPool2d: safe, GlobalAvgPool: safe, AdaptiveAvgPool: safe,
  BatchNorm1d: () => 'BatchNorm normalises with statistics of the whole batch, which a shard does not have',
  BatchNorm2d: () => 'BatchNorm normalises with statistics of the whole batch, which a shard does not have',
  LayerNorm: safe, GroupNorm: safe,
  Embedding: safe, PositionalEncoding: safe, LSTM: safe, GRU: safe,
  MultiHeadAttention: dropout('Multi-Head Attention'), TransformerEncoderBlock: dropout('a Transformer block'),
  ReLU: safe, LeakyReLU: safe, ELU: safe, SiLU: safe, LogSoftmax: safe, AvgPool1d: safe, Sigmoid: safe, Tanh: safe, GELU: safe, Softmax: safe,
  Dropout: (a) => (Number(a.p ?? 0) > 0 ? 'Dropout draws random masks, which would differ per worker' : null),
  CustomCode: () => 'Custom Code runs your own code, whose state and randomness replicas cannot share',
  Loss: safe,
};

/** Why replicas may not train this run (null: they may), in words for the dashboard. */
export function replicaRefusal(graph: GraphJSON, cfg: Pick<TrainConfig, 'mixedPrecision'>, customLoss: boolean): string | null {
  if (cfg.mixedPrecision) return 'mixed precision scales the loss on one worker only';
  if (customLoss) return 'the loss is replaced (distillation)';
  for (const node of graph.nodes) {
    const spec = getLayer(node.type);
    if (!spec) continue;
    const why = REPLICA_SAFETY[node.type as LayerType](resolveAttrs(spec, node.attrs));
    if (why) return why;
  }
  return null;
}
