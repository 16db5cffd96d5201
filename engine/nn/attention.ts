/**
 * Attention layers, batch first, with torch.nn's parameter names and initialisation:
 * MultiheadAttention (self-attention; packed `in_proj_weight` [3E, E] xavier-uniform, zero
 * biases, `out_proj` Linear), TransformerEncoderLayer (post- or pre-norm, ReLU or GELU) and
 * PositionalEncoding (fixed sinusoids or learned). Composed of table ops, so autograd and
 * every backend handle them.
 */
import type { Tensor } from '../core/tensor.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { tensor } from '../ops/creation.ts';
import * as F from './functional.ts';
import { constant_, normal_, xavierUniform_ } from './init.ts';
import { LayerNorm } from './conv.ts';
import { Linear, emptyParam } from './linear.ts';
import { Module } from './module.ts';
import type { Parameter } from './module.ts';

export interface MultiheadAttentionOptions {
  dropout?: number;
  /** Each position attends only to itself and earlier ones. */
  causal?: boolean;
}

export class MultiheadAttention extends Module {
  in_proj_weight: Parameter;
  in_proj_bias: Parameter;
  out_proj: Linear;

  constructor(readonly embedDim: number, readonly numHeads: number, readonly opts: MultiheadAttentionOptions = {}) {
    super();
    if (embedDim % numHeads !== 0) throw new FlowgradError('bad-argument', `MultiheadAttention: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    this.in_proj_weight = xavierUniform_(emptyParam([3 * embedDim, embedDim])) as Parameter;
    this.in_proj_bias = constant_(emptyParam([3 * embedDim]), 0) as Parameter;
    this.out_proj = new Linear(embedDim, embedDim);
    constant_(this.out_proj.bias!, 0);
  }

  /** Self-attention over x [N, L, E] → [N, L, E]. */
  override forward(x: Tensor): Tensor {
    const E = this.embedDim, h = this.numHeads;
    if (x.shape.length !== 3 || x.shape[2] !== E) throw new FlowgradError('shape', `MultiheadAttention: expected input [N, L, ${E}], got ${fmtShape(x.shape)}`);
    const [n, l] = x.shape as [number, number, number];
    const qkv = F.linear(x, this.in_proj_weight, this.in_proj_bias);
    const split = (i: number) => qkv.narrow(2, i * E, E).reshape([n, l, h, E / h]).permute([0, 2, 1, 3]);
    const y = F.scaledDotProductAttention(split(0), split(1), split(2), {
      isCausal: this.opts.causal ?? false, dropoutP: this.opts.dropout ?? 0, training: this.training,
    });
    return this.out_proj.forward(y.permute([0, 2, 1, 3]).reshape([n, l, E]));
  }
}

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  normFirst?: boolean;
  layerNormEps?: number;
}

/** torch.nn.TransformerEncoderLayer(batch_first=True). */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;

  constructor(readonly dModel: number, nhead: number, readonly opts: TransformerEncoderLayerOptions = {}) {
    super();
    const ff = opts.dimFeedforward ?? 2048;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: opts.dropout ?? 0.1 });
    this.linear1 = new Linear(dModel, ff);
    this.linear2 = new Linear(ff, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5 });
    this.norm2 = new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5 });
  }

  private drop(x: Tensor): Tensor {
    return F.dropout(x, this.opts.dropout ?? 0.1, this.training);
  }

  private ff(x: Tensor): Tensor {
    const a = this.linear1.forward(x);
    return this.drop(this.linear2.forward(this.drop(this.opts.activation === 'gelu' ? a.gelu() : a.relu())));
  }

  override forward(x: Tensor): Tensor {
    if (this.opts.normFirst) {
      const y = x.add(this.drop(this.self_attn.forward(this.norm1.forward(x))));
      return y.add(this.ff(this.norm2.forward(y)));
    }
    const y = this.norm1.forward(x.add(this.drop(this.self_attn.forward(x))));
    return this.norm2.forward(y.add(this.ff(y)));
  }
}

/** sin/cos table [L, D]: pe[p, 2i] = sin(p / 10000^(2i/D)), pe[p, 2i+1] = cos(same). */
export function sinusoidalTable(length: number, dim: number): Float32Array {
  const pe = new Float32Array(length * dim);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = p / 10000 ** (i / dim);
      pe[p * dim + i] = Math.sin(angle);
      if (i + 1 < dim) pe[p * dim + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/** Adds position information to x [N, L, D]: fixed sinusoids, or a learned table `weight` [maxLen, D] ~ N(0, 0.02²). */
export class PositionalEncoding extends Module {
  weight: Parameter | null = null;
  private table: Float32Array | null = null;
  private tableLen = 0;

  constructor(readonly dim: number, readonly maxLen: number, readonly kind: 'sinusoidal' | 'learned' = 'sinusoidal') {
    super();
    if (kind === 'learned') this.weight = normal_(emptyParam([maxLen, dim]), 0, 0.02) as Parameter;
  }

  override forward(x: Tensor): Tensor {
    if (x.shape.length !== 3 || x.shape[2] !== this.dim || x.shape[1]! > this.maxLen) {
      throw new FlowgradError('shape', `PositionalEncoding: expected input [N, L ≤ ${this.maxLen}, ${this.dim}], got ${fmtShape(x.shape)}`);
    }
    const l = x.shape[1]!;
    if (this.weight) return x.add(this.weight.narrow(0, 0, l));
    if (this.tableLen !== l) {
      this.table = sinusoidalTable(l, this.dim);
      this.tableLen = l;
    }
    const pe = tensor(this.table!, { shape: [l, this.dim], backend: x.backend });
    try {
      return x.add(pe);
    } finally {
      pe.dispose();
    }
  }
}
