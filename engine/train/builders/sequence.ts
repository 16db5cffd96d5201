/**
 * Builders for embeddings, positional encodings, attention and recurrent nodes (modules in
 * nn/conv.ts, nn/attention.ts and nn/recurrent.ts), batch first.
 */
import { Embedding } from '../../nn/conv.ts';
import { MultiheadAttention, PositionalEncoding, TransformerEncoderLayer } from '../../nn/attention.ts';
import { GRU, LSTM } from '../../nn/recurrent.ts';
import { num, sampleDims, type FamilyBuilders } from './types.ts';

const lastDim = (s: ReturnType<typeof sampleDims>) => s[s.length - 1]!;

export const SEQUENCE_BUILDERS = {
  Embedding(b) {
    const m = new Embedding(num(b.attrs.numEmbeddings), num(b.attrs.embeddingDim));
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  PositionalEncoding(b) {
    const m = new PositionalEncoding(lastDim(sampleDims(b.inShapes[0]!)), num(b.attrs.maxLen), b.attrs.kind === 'learned' ? 'learned' : 'sinusoidal');
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  MultiHeadAttention(b) {
    const m = new MultiheadAttention(lastDim(sampleDims(b.inShapes[0]!)), num(b.attrs.numHeads), { dropout: num(b.attrs.dropout), causal: b.attrs.causal === true });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  TransformerEncoderBlock(b) {
    const a = b.attrs;
    const m = new TransformerEncoderLayer(lastDim(sampleDims(b.inShapes[0]!)), num(a.numHeads), {
      dimFeedforward: num(a.dimFeedforward), dropout: num(a.dropout), activation: a.activation === 'gelu' ? 'gelu' : 'relu', normFirst: a.normFirst === true,
    });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  LSTM(b) {
    const m = new LSTM(lastDim(sampleDims(b.inShapes[0]!)), num(b.attrs.hiddenSize), { bias: b.attrs.bias !== false, returnSequences: b.attrs.returnSequences === true });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  GRU(b) {
    const m = new GRU(lastDim(sampleDims(b.inShapes[0]!)), num(b.attrs.hiddenSize), { bias: b.attrs.bias !== false, returnSequences: b.attrs.returnSequences === true });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
} satisfies FamilyBuilders;
