/**
 * Normalization layers with PyTorch's parameter names and shapes: BatchNorm (per channel,
 * dim 1; running statistics are buffers, not parameters), LayerNorm (over the last
 * dimension), GroupNorm (channel groups of [N,C,...]). FLOPs: one multiply-add per element
 * (the scale and shift; statistics are not counted).
 */
import type { ShapeContext } from '../types.ts';
import { ShapeError, fmt, perSample, requireFeatures } from '../shapes.ts';
import { IN, OUT, bool, float, int, only, type LayerDef } from './common.ts';

const eps = () => float('eps', 'Epsilon', 1e-5, 'Added to the variance before the square root, for stability.', 0);
const affine = () => bool('affine', 'Learn scale and shift', true, 'Whether to learn a per-channel scale (weight) and shift (bias).');

const affineParams = (ctx: ShapeContext, c: number) =>
  ctx.attrs.affine === false ? [] : [{ name: 'weight', shape: [c] }, { name: 'bias', shape: [c] }];

function batchNorm<T extends 'BatchNorm1d' | 'BatchNorm2d'>(type: T): LayerDef<T> {
  const twoD = type === 'BatchNorm2d';
  const channels = (ctx: ShapeContext): number => {
    const x = only(ctx);
    const okRank = twoD ? x.length === 4 : x.length === 2 || x.length === 3;
    if (!okRank || x[0] !== 'N' || typeof x[1] !== 'number') {
      const want = twoD ? '[N,channels,height,width]' : '[N,features] or [N,channels,length]';
      throw new ShapeError(`${type}: input ${fmt(x)} does not have the layout ${want}${twoD ? '' : '; use BatchNorm2d for images'}`);
    }
    return x[1];
  };
  return {
    type, label: type, category: 'regularization', group: 'norm',
    doc: twoD
      ? 'Normalizes each channel of an image batch to mean 0 and variance 1, then scales and shifts it; speeds up and steadies training.'
      : 'Normalizes each feature (or channel of a sequence) over the batch to mean 0 and variance 1, then scales and shifts it.',
    inputs: IN, outputs: OUT,
    attrs: [eps(), float('momentum', 'Momentum', 0.1, 'How fast the running mean/variance used for predicting follow the batches.', 0, 1), affine()],
    inferShape(ctx) {
      channels(ctx);
      return [...only(ctx)];
    },
    params: (ctx) => affineParams(ctx, channels(ctx)),
    flops: (ctx) => (channels(ctx), 2 * perSample(only(ctx))),
  };
}

const layerNorm: LayerDef<'LayerNorm'> = {
  type: 'LayerNorm', label: 'LayerNorm', category: 'regularization', group: 'norm',
  doc: 'Normalizes each sample over its last dimension (the features) to mean 0 and variance 1, then scales and shifts; standard in transformers.',
  inputs: IN, outputs: OUT,
  attrs: [eps(), bool('affine', 'Learn scale and shift', true, 'Whether to learn a per-feature scale (weight) and shift (bias).')],
  inferShape(ctx) {
    requireFeatures('LayerNorm', only(ctx));
    return [...only(ctx)];
  },
  params: (ctx) => affineParams(ctx, requireFeatures('LayerNorm', only(ctx))),
  flops: (ctx) => 2 * perSample(only(ctx)),
};

const groupNorm: LayerDef<'GroupNorm'> = {
  type: 'GroupNorm', label: 'GroupNorm', category: 'regularization', group: 'norm',
  doc: 'Normalizes groups of channels within each sample (independent of the batch size), then scales and shifts per channel.',
  inputs: IN, outputs: OUT,
  attrs: [int('groups', 'Groups', 4, 'How many groups the channels are split into (must divide the channels).', 1), eps(), affine()],
  inferShape(ctx) {
    const x = only(ctx);
    if (x.length < 2 || x[0] !== 'N' || typeof x[1] !== 'number') throw new ShapeError(`GroupNorm: input ${fmt(x)} does not have the layout [N,channels,...]`);
    const g = ctx.attrs.groups as number;
    if (x[1] % g !== 0) throw new ShapeError(`GroupNorm: ${x[1]} channels cannot be split into ${g} equal groups; choose a divisor of ${x[1]}`, { attr: 'groups' });
    return [...x];
  },
  params: (ctx) => affineParams(ctx, only(ctx)[1] as number),
  flops: (ctx) => 2 * perSample(only(ctx)),
};

export const NORM = [batchNorm('BatchNorm1d'), batchNorm('BatchNorm2d'), layerNorm, groupNorm];
