/**
 * Layers for token sequences and time series, batch first ([N, length, features]) with
 * PyTorch's parameter names (nn.Embedding, nn.MultiheadAttention, nn.TransformerEncoderLayer,
 * nn.LSTM / nn.GRU with one layer: `weight_ih_l0`, ...), so weights line up with torch.
 */
import type { ParamSpec, ShapeContext } from '../types.ts';
import { ShapeError, fmt, requireLayout } from '../shapes.ts';
import { IN, OUT, bool, choice, float, int, only, type LayerDef } from './common.ts';

const SEQ = '[N,length,features]';

const embedding: LayerDef<'Embedding'> = {
  type: 'Embedding', label: 'Embedding', category: 'core', group: 'sequence',
  doc: 'Looks up a learned vector for each token id (a whole number from 0 to vocabulary−1): [N,L] ids become [N,L,dim].',
  inputs: IN, outputs: OUT,
  attrs: [
    int('numEmbeddings', 'Vocabulary size', 100, 'How many different token ids there are (ids run from 0 to this minus 1).', 1),
    int('embeddingDim', 'Dimension', 32, 'Length of the vector learned for each token.', 1),
  ],
  inferShape(ctx) {
    const x = only(ctx);
    if (x[0] !== 'N' || x.length > 3) throw new ShapeError(`Embedding: input ${fmt(x)} should hold token ids shaped [N,length]`);
    return [...x, ctx.attrs.embeddingDim as number];
  },
  params: (ctx) => [{ name: 'weight', shape: [ctx.attrs.numEmbeddings as number, ctx.attrs.embeddingDim as number] }],
  flops: () => 0,
};

const positional: LayerDef<'PositionalEncoding'> = {
  type: 'PositionalEncoding', label: 'Positional Encoding', category: 'core', group: 'sequence',
  doc: 'Adds to each position of a sequence [N,L,dim] a vector saying where it is (fixed sine waves, or learned), so attention can use order.',
  inputs: IN, outputs: OUT,
  attrs: [
    choice('kind', 'Kind', 'sinusoidal', ['sinusoidal', 'learned'], "'sinusoidal': fixed sin/cos waves as in 'Attention Is All You Need'; 'learned': one trained vector per position."),
    int('maxLen', 'Max length', 512, 'Longest sequence supported (learned encodings have one vector per position up to this).', 1),
  ],
  inferShape(ctx) {
    const [l] = requireLayout('Positional Encoding', only(ctx), 3, SEQ, 'put an Embedding before it');
    if (l! > (ctx.attrs.maxLen as number)) throw new ShapeError(`Positional Encoding: sequences of length ${l} are longer than maxLen ${ctx.attrs.maxLen}`, { attr: 'maxLen' });
    return [...only(ctx)];
  },
  params(ctx) {
    const [, d] = requireLayout('Positional Encoding', only(ctx), 3, SEQ);
    return ctx.attrs.kind === 'learned' ? [{ name: 'weight', shape: [ctx.attrs.maxLen as number, d!] }] : [];
  },
  flops: () => 0,
};

function attention(layer: string, ctx: ShapeContext): { l: number; e: number; h: number } {
  const [l, e] = requireLayout(layer, only(ctx), 3, SEQ, 'put an Embedding (and Positional Encoding) before it');
  const h = ctx.attrs.numHeads as number;
  if (e! % h !== 0) throw new ShapeError(`${layer}: the model dimension ${e} cannot be split into ${h} heads; numHeads must divide ${e}`, { attr: 'numHeads' });
  return { l: l!, e: e!, h };
}

const attnParams = (e: number, prefix = ''): ParamSpec[] => [
  { name: `${prefix}in_proj_weight`, shape: [3 * e, e] },
  { name: `${prefix}in_proj_bias`, shape: [3 * e] },
  { name: `${prefix}out_proj.weight`, shape: [e, e] },
  { name: `${prefix}out_proj.bias`, shape: [e] },
];
const attnFlops = (l: number, e: number) => 2 * l * e * 3 * e + 2 * 2 * l * l * e + 2 * l * e * e;
const heads = () => int('numHeads', 'Heads', 4, 'Parallel attention heads; must divide the model dimension.', 1);
const dropout = (def: number) => float('dropout', 'Dropout', def, 'Dropout on the attention weights (and, in a block, after each sub-layer) while training.', 0, 0.99);

const mha: LayerDef<'MultiHeadAttention'> = {
  type: 'MultiHeadAttention', label: 'Multi-Head Attention', category: 'core', group: 'attention',
  doc: 'Self-attention over a sequence [N,L,dim]: each position gathers information from every other position, weighted by learned relevance.',
  inputs: IN, outputs: OUT,
  attrs: [heads(), dropout(0), bool('causal', 'Causal', false, 'Each position may only look at itself and earlier positions (for generating text).')],
  inferShape(ctx) {
    attention('Multi-Head Attention', ctx);
    return [...only(ctx)];
  },
  params: (ctx) => attnParams(attention('Multi-Head Attention', ctx).e),
  flops(ctx) {
    const { l, e } = attention('Multi-Head Attention', ctx);
    return attnFlops(l, e);
  },
};

const block: LayerDef<'TransformerEncoderBlock'> = {
  type: 'TransformerEncoderBlock', label: 'Transformer Encoder Block', category: 'core', group: 'attention',
  doc: 'One transformer encoder layer (as torch.nn.TransformerEncoderLayer): self-attention and a feed-forward network, each with a residual connection and LayerNorm.',
  inputs: IN, outputs: OUT,
  attrs: [
    heads(),
    int('dimFeedforward', 'Feed-forward size', 128, 'Width of the hidden layer of the feed-forward network.', 1),
    dropout(0.1),
    choice('activation', 'Activation', 'relu', ['relu', 'gelu'], 'Activation inside the feed-forward network.'),
    bool('normFirst', 'Norm first', false, 'Apply LayerNorm before each sub-layer (pre-norm, often more stable) instead of after.'),
  ],
  inferShape(ctx) {
    attention('Transformer Encoder Block', ctx);
    return [...only(ctx)];
  },
  params(ctx) {
    const { e } = attention('Transformer Encoder Block', ctx);
    const ff = ctx.attrs.dimFeedforward as number;
    return [
      ...attnParams(e, 'self_attn.'),
      { name: 'linear1.weight', shape: [ff, e] }, { name: 'linear1.bias', shape: [ff] },
      { name: 'linear2.weight', shape: [e, ff] }, { name: 'linear2.bias', shape: [e] },
      { name: 'norm1.weight', shape: [e] }, { name: 'norm1.bias', shape: [e] },
      { name: 'norm2.weight', shape: [e] }, { name: 'norm2.bias', shape: [e] },
    ];
  },
  flops(ctx) {
    const { l, e } = attention('Transformer Encoder Block', ctx);
    return attnFlops(l, e) + 2 * 2 * l * e * (ctx.attrs.dimFeedforward as number) + 2 * 2 * l * e;
  },
};

function recurrent<T extends 'LSTM' | 'GRU'>(type: T, gates: number, doc: string): LayerDef<T> {
  const dims = (ctx: ShapeContext) => {
    const [l, f] = requireLayout(type, only(ctx), 3, SEQ, 'sequences of numbers need a feature dimension: Reshape [L] to [L,1]');
    return { l: l!, f: f!, h: ctx.attrs.hiddenSize as number };
  };
  return {
    type, label: type, category: 'core', group: 'recurrent', doc, inputs: IN, outputs: OUT,
    attrs: [
      int('hiddenSize', 'Hidden size', 32, 'Length of the state vector carried from step to step.', 1),
      bool('returnSequences', 'Return sequences', false, 'Output the state at every step [N,L,hidden] instead of only the last one [N,hidden].'),
      bool('bias', 'Bias', true, 'Whether the gates have learned biases.'),
    ],
    inferShape(ctx) {
      const { l, h } = dims(ctx);
      return ctx.attrs.returnSequences ? ['N', l, h] : ['N', h];
    },
    params(ctx) {
      const { f, h } = dims(ctx);
      const w = [{ name: 'weight_ih_l0', shape: [gates * h, f] }, { name: 'weight_hh_l0', shape: [gates * h, h] }];
      return ctx.attrs.bias === false ? w : [...w, { name: 'bias_ih_l0', shape: [gates * h] }, { name: 'bias_hh_l0', shape: [gates * h] }];
    },
    flops(ctx) {
      const { l, f, h } = dims(ctx);
      return 2 * l * gates * h * (f + h);
    },
    // The input projection of every step at once (nn/recurrent.ts), then one product a step.
    products(ctx) {
      const { l, f, h } = dims(ctx);
      return [[2 * l * gates * h * f, 1], [2 * gates * h * h, l]];
    },
  };
}

export const SEQUENCE = [
  embedding, positional, mha, block,
  recurrent('LSTM', 4, 'Long short-term memory: reads a sequence [N,L,features] step by step, with gates that decide what to remember and forget.'),
  recurrent('GRU', 3, 'Gated recurrent unit: a lighter LSTM that reads a sequence [N,L,features] step by step with update and reset gates.'),
];
