/**
 * Helper modules the TypeScript export writes into the generated file when the graph uses
 * layers the engine exposes only as functional ops (positional encoding, multi-head
 * attention, a transformer encoder block, group norm). Each is a small nn.Module written
 * with the public engine API, so the generated file stands alone; a kind's row in
 * typescriptLayers.ts names the helpers it needs, written in this table's order.
 */
export const TS_HELPERS = {
  PositionalEncoding: `/** Adds position information to [N, L, E]: fixed sines/cosines, or learned vectors. */
class PositionalEncoding extends nn.Module {
  pe: Tensor;
  constructor(dim: number, maxLen: number, learned: boolean) {
    super();
    const v = new Float32Array(maxLen * dim);
    if (!learned) {
      for (let p = 0; p < maxLen; p++) {
        for (let i = 0; i < dim; i++) {
          const angle = p / Math.pow(10000, (2 * Math.floor(i / 2)) / dim);
          v[p * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
        }
      }
    }
    this.pe = learned ? new nn.Parameter(tensor(v, { shape: [maxLen, dim] })) : tensor(v, { shape: [maxLen, dim] });
    if (!learned) this.registerBuffer('pe', this.pe);
  }
  override forward(x: Tensor): Tensor {
    return x.add(this.pe.narrow(0, 0, x.shape[1]));
  }
}`,
  MultiHeadAttention: `/** Self-attention over [N, L, E] with \`heads\` heads (PyTorch's nn.MultiheadAttention, batch first). */
class MultiHeadAttention extends nn.Module {
  q: nn.Linear; k: nn.Linear; v: nn.Linear; o: nn.Linear;
  constructor(readonly dim: number, readonly heads: number, readonly causal = false, readonly dropout = 0) {
    super();
    this.q = new nn.Linear(dim, dim);
    this.k = new nn.Linear(dim, dim);
    this.v = new nn.Linear(dim, dim);
    this.o = new nn.Linear(dim, dim);
  }
  override forward(x: Tensor): Tensor {
    const [n, l, e] = x.shape;
    const split = (t: Tensor) => t.reshape([n, l, this.heads, e / this.heads]).transpose(1, 2);
    const y = F.scaledDotProductAttention(split(this.q.forward(x)), split(this.k.forward(x)), split(this.v.forward(x)), {
      isCausal: this.causal, dropoutP: this.dropout, training: this.training,
    });
    return this.o.forward(y.transpose(1, 2).reshape([n, l, e]));
  }
}`,
  TransformerEncoderBlock: `/** Self-attention + feed-forward, each with a residual and LayerNorm (post-norm, or pre-norm). */
class TransformerEncoderBlock extends nn.Module {
  attn: MultiHeadAttention; norm1: nn.LayerNorm; norm2: nn.LayerNorm; ff1: nn.Linear; ff2: nn.Linear; drop: nn.Dropout;
  constructor(dim: number, heads: number, ff: number, dropout: number, readonly act: 'relu' | 'gelu', readonly normFirst: boolean) {
    super();
    this.attn = new MultiHeadAttention(dim, heads, false, dropout);
    this.norm1 = new nn.LayerNorm(dim);
    this.norm2 = new nn.LayerNorm(dim);
    this.ff1 = new nn.Linear(dim, ff);
    this.ff2 = new nn.Linear(ff, dim);
    this.drop = new nn.Dropout(dropout);
  }
  private ff(x: Tensor): Tensor {
    const h = this.ff1.forward(x);
    return this.drop.forward(this.ff2.forward(this.drop.forward(this.act === 'gelu' ? h.gelu() : h.relu())));
  }
  override forward(x: Tensor): Tensor {
    if (this.normFirst) {
      const h = x.add(this.drop.forward(this.attn.forward(this.norm1.forward(x))));
      return h.add(this.ff(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(x.add(this.drop.forward(this.attn.forward(x))));
    return this.norm2.forward(h.add(this.ff(h)));
  }
}`,
  GroupNorm: `/** Normalizes groups of channels of [N, C, ...], then scales and shifts per channel. */
class GroupNorm extends nn.Module {
  weight: nn.Parameter | null; bias: nn.Parameter | null;
  constructor(readonly groups: number, channels: number, readonly eps: number, affine: boolean) {
    super();
    this.weight = affine ? new nn.Parameter(ones([channels])) : null;
    this.bias = affine ? new nn.Parameter(zeros([channels])) : null;
  }
  override forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.groups, this.weight, this.bias, this.eps);
  }
}`,
} as const satisfies Record<string, string>;

export type TsHelperName = keyof typeof TS_HELPERS;
