/**
 * Convolution and pooling modules, nearest upsampling, and the BatchNorm, LayerNorm and
 * Embedding modules, with PyTorch's constructor arguments, parameter names and default
 * initialisation. Attention modules are in attention.ts, GroupNorm in normalization.ts.
 */
import type { Tensor } from '../core/tensor.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { ones, zeros } from '../ops/creation.ts';
import type { Pair } from '../ops/conv.ts';
import * as F from './functional.ts';
import { fans, kaimingUniform_, normal_, uniform_ } from './init.ts';
import { emptyParam } from './linear.ts';
import { Module } from './module.ts';
import type { Parameter } from './module.ts';

const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** PyTorch conv init: kaiming_uniform(a=√5) weight, U(±1/√fan_in) bias. */
function initConv(weight: Parameter, bias: Parameter | null): void {
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const b = 1 / Math.sqrt(fans(weight.shape)[0]);
    uniform_(bias, -b, b);
  }
}

export interface Conv2dOptions { stride?: Pair; padding?: Pair | 'same' | 'valid'; dilation?: Pair; groups?: number; bias?: boolean }

export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly opts: Conv2dOptions = {}) {
    super();
    const g = opts.groups ?? 1;
    if (inChannels % g || outChannels % g) throw new FlowgradError('bad-argument', `Conv2d: channels ${inChannels}→${outChannels} not divisible by groups ${g}`);
    this.weight = emptyParam([outChannels, inChannels / g, ...pair(kernelSize)]);
    this.bias = opts.bias ?? true ? emptyParam([outChannels]) : null;
    initConv(this.weight, this.bias);
  }
  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, this.opts);
  }
}

export interface Conv1dOptions { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number; groups?: number; bias?: boolean }

export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, readonly opts: Conv1dOptions = {}) {
    super();
    const g = opts.groups ?? 1;
    this.weight = emptyParam([outChannels, inChannels / g, kernelSize]);
    this.bias = opts.bias ?? true ? emptyParam([outChannels]) : null;
    initConv(this.weight, this.bias);
  }
  override forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, this.opts);
  }
}

export interface ConvTranspose2dOptions { stride?: Pair; padding?: Pair; outputPadding?: Pair; dilation?: Pair; groups?: number; bias?: boolean }

export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly opts: ConvTranspose2dOptions = {}) {
    super();
    const g = opts.groups ?? 1;
    this.weight = emptyParam([inChannels, outChannels / g, ...pair(kernelSize)]);
    this.bias = opts.bias ?? true ? emptyParam([outChannels]) : null;
    initConv(this.weight, this.bias);
  }
  override forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, this.opts);
  }
}

export class MaxPool2d extends Module {
  constructor(readonly opts: F.PoolOptions) { super(); }
  override forward(x: Tensor): Tensor { return F.maxPool2d(x, this.opts); }
}

export class AvgPool2d extends Module {
  constructor(readonly opts: F.PoolOptions & { countIncludePad?: boolean }) { super(); }
  override forward(x: Tensor): Tensor { return F.avgPool2d(x, this.opts); }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) { super(); }
  override forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
}

/** BatchNorm over channel dim 1 (BatchNorm1d for [N, C] / [N, C, L], BatchNorm2d for [N, C, H, W]). */
export class BatchNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  constructor(readonly numFeatures: number, readonly opts: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean } = {}) {
    super();
    const affine = opts.affine ?? true;
    this.weight = affine ? emptyParam([numFeatures]) : null;
    this.bias = affine ? emptyParam([numFeatures]) : null;
    this.weight?.assign(new Float32Array(numFeatures).fill(1));
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer('runningMean', track ? zeros([numFeatures]) : null);
    this.registerBuffer('runningVar', track ? ones([numFeatures]) : null);
  }
  override forward(x: Tensor): Tensor {
    return F.batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training || !this.runningMean, momentum: this.opts.momentum, eps: this.opts.eps,
    });
  }
}
export class BatchNorm1d extends BatchNorm {}
export class BatchNorm2d extends BatchNorm {}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(normalizedShape: number | number[], readonly opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? emptyParam(this.normalizedShape) : null;
    this.weight?.assign(new Float32Array(this.weight.size).fill(1));
    this.bias = affine && (opts.bias ?? true) ? emptyParam(this.normalizedShape) : null;
  }
  override forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.opts.eps);
  }
}

export class Embedding extends Module {
  weight: Parameter;
  /** weight [numEmbeddings, embeddingDim] ~ N(0, 1) as torch.nn.Embedding. */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number) {
    super();
    this.weight = emptyParam([numEmbeddings, embeddingDim]);
    normal_(this.weight);
  }
  override forward(ids: Tensor): Tensor {
    return F.embedding(ids, this.weight);
  }
}

/** Repeats each value `scale` times along every spatial dim of [N, C, L] or [N, C, H, W]. */
export function upsampleNearest(x: Tensor, scale: number): Tensor {
  if (x.shape.length === 3) {
    const [n, c, l] = x.shape as [number, number, number];
    return x.reshape([n, c, l, 1]).expand([n, c, l, scale]).reshape([n, c, l * scale]);
  }
  if (x.shape.length !== 4) throw new FlowgradError('shape', `upsample: expected [N, C, L] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x.reshape([n, c, h, 1, w, 1]).expand([n, c, h, scale, w, scale]).reshape([n, c, h * scale, w * scale]);
}
