/**
 * ONNX rows for embeddings, positional encodings, attention and recurrent layers, batch first
 * like the engine. Attention is spelled out (MatMul, Softmax, a causal Where) with the packed
 * `in_proj_weight` split into q, k, v; LSTM and GRU use ONNX's operators, whose gate order
 * differs from PyTorch's (LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h): the graph reorders the
 * blocks of the trained weights, so the initializers stay exactly Flowgrad's parameters.
 */
import { sinusoidalTable } from '../../nn/attention.ts';
import { dense, gelu } from './layersCore.ts';
import { num, sampleDims, type EmitContext, type OnnxFamily } from './types.ts';

/** Self-attention over x [N,L,E] with the parameters under `prefix` (nn.MultiheadAttention's names). */
function attention(c: EmitContext, x: string, prefix: string, heads: number, causal: boolean): string {
  const b = c.b, s = c.id;
  const [l, e] = sampleDims(c.inShapes[0]!) as [number, number];
  const d = e / heads;
  const qkv = dense(c, x, 3, c.weight(`${prefix}in_proj_weight`), c.weight(`${prefix}in_proj_bias`));
  const [q, k, v] = b.nodeN(s, 'Split', [qkv], { axis: 2, num_outputs: 3 }, 3) as [string, string, string];
  const toHeads = (t: string) => b.node(s, 'Transpose', [b.node(s, 'Reshape', [t, b.ints(s, [0, l, heads, d])])], { perm: [0, 2, 1, 3] });
  const kT = b.node(s, 'Transpose', [toHeads(k)], { perm: [0, 1, 3, 2] });
  let scores = b.node(s, 'Mul', [b.node(s, 'MatMul', [toHeads(q), kT]), b.scalar(s, 1 / Math.sqrt(d))]);
  if (causal) {
    const mask = new Uint8Array(l * l);
    for (let i = 0; i < l; i++) for (let j = 0; j <= i; j++) mask[i * l + j] = 1;
    scores = b.node(s, 'Where', [b.bools(s, [l, l], mask), scores, b.scalar(s, -Infinity)]);
  }
  const y = b.node(s, 'MatMul', [b.node(s, 'Softmax', [scores], { axis: -1 }), toHeads(v)]);
  const merged = b.node(s, 'Reshape', [b.node(s, 'Transpose', [y], { perm: [0, 2, 1, 3] }), b.ints(s, [0, l, e])]);
  return dense(c, merged, 3, c.weight(`${prefix}out_proj.weight`), c.weight(`${prefix}out_proj.bias`));
}

function layerNorm(c: EmitContext, x: string, name: string): string {
  return c.b.node(c.id, 'LayerNormalization', [x, c.weight(`${name}.weight`), c.weight(`${name}.bias`)], { axis: -1, epsilon: { float: 1e-5 } });
}

/** The blocks of a [gates·H, ...] weight (or [gates·H] bias) in another order. */
function reorder(c: EmitContext, t: string, gates: number, order: number[]): string {
  const parts = c.b.nodeN(c.id, 'Split', [t], { axis: 0, num_outputs: gates }, gates);
  return c.b.node(c.id, 'Concat', order.map((i) => parts[i]!), { axis: 0 });
}

function recurrent(op: 'LSTM' | 'GRU', gates: number, order: number[]) {
  return {
    emit(c: EmitContext): string {
      const b = c.b, s = c.id;
      const h = num(c.attrs.hiddenSize);
      const first = (t: string) => b.node(s, 'Unsqueeze', [t, b.ints(s, [0])]);
      const w = first(reorder(c, c.weight('weight_ih_l0'), gates, order));
      const r = first(reorder(c, c.weight('weight_hh_l0'), gates, order));
      const bih = c.optional('bias_ih_l0'), bhh = c.optional('bias_hh_l0');
      const bias = bih && bhh ? first(b.node(s, 'Concat', [reorder(c, bih, gates, order), reorder(c, bhh, gates, order)], { axis: 0 })) : '';
      const seqFirst = b.node(s, 'Transpose', [c.inputs[0]!], { perm: [1, 0, 2] });
      const [y, yh] = b.nodeN(s, op, bias ? [seqFirst, w, r, bias] : [seqFirst, w, r], { hidden_size: h, ...(op === 'GRU' ? { linear_before_reset: 1 } : {}) }, 2) as [string, string];
      if (c.attrs.returnSequences === true) {
        // Y [L, 1, N, H] → [N, L, H]
        return b.node(s, 'Transpose', [b.node(s, 'Squeeze', [y, b.ints(s, [1])])], { perm: [1, 0, 2] });
      }
      return b.node(s, 'Squeeze', [yh, b.ints(s, [0])]); // Y_h [1, N, H] → [N, H]
    },
  };
}

export const SEQUENCE_ONNX = {
  Embedding: {
    // Ids arrive as float32 like every input; the engine truncates them to integers too.
    emit: (c) => c.b.node(c.id, 'Gather', [c.weight('weight'), c.b.node(c.id, 'Cast', [c.inputs[0]!], { to: 7 })], { axis: 0 }),
  },
  PositionalEncoding: {
    emit(c) {
      const [l, d] = sampleDims(c.inShapes[0]!) as [number, number];
      const pe = c.attrs.kind === 'learned'
        ? c.b.node(c.id, 'Slice', [c.weight('weight'), c.b.ints(c.id, [0]), c.b.ints(c.id, [l]), c.b.ints(c.id, [0])])
        : c.b.floats(c.id, [l, d], sinusoidalTable(l, d));
      return c.b.node(c.id, 'Add', [c.inputs[0]!, pe]);
    },
  },
  MultiHeadAttention: { emit: (c) => attention(c, c.inputs[0]!, '', num(c.attrs.numHeads), c.attrs.causal === true) },
  TransformerEncoderBlock: {
    emit(c) {
      const b = c.b, s = c.id, x = c.inputs[0]!;
      const heads = num(c.attrs.numHeads);
      const ff = (t: string) => {
        const a = dense(c, t, 3, c.weight('linear1.weight'), c.weight('linear1.bias'));
        const act = c.attrs.activation === 'gelu' ? gelu(c, a) : b.node(s, 'Relu', [a]);
        return dense(c, act, 3, c.weight('linear2.weight'), c.weight('linear2.bias'));
      };
      if (c.attrs.normFirst === true) {
        const y = b.node(s, 'Add', [x, attention(c, layerNorm(c, x, 'norm1'), 'self_attn.', heads, false)]);
        return b.node(s, 'Add', [y, ff(layerNorm(c, y, 'norm2'))]);
      }
      const y = layerNorm(c, b.node(s, 'Add', [x, attention(c, x, 'self_attn.', heads, false)]), 'norm1');
      return layerNorm(c, b.node(s, 'Add', [y, ff(y)]), 'norm2');
    },
  },
  LSTM: recurrent('LSTM', 4, [0, 3, 1, 2]),
  GRU: recurrent('GRU', 3, [1, 0, 2]),
} satisfies OnnxFamily;
