/**
 * Pooling layers: fixed windows (max / average, 1-D over [N,C,L] and 2-D over [N,C,H,W]),
 * global average pooling (any channels-first input to [N,C]) and adaptive average pooling
 * to a chosen output size. No parameters; no multiply-adds, so FLOPs are 0 by the contract.
 */
import type { Shape, ShapeContext } from '../types.ts';
import { ShapeError, fmt, requireLayout, windowOut } from '../shapes.ts';
import { IN, OUT, int, only, type LayerDef } from './common.ts';

const none = () => [];
const zero = () => 0;

const kernel = () => int('kernelSize', 'Kernel size', 2, 'Side of the window each output summarizes.', 1);
const stride = () => int('stride', 'Stride', 0, 'How far the window moves; 0 means the kernel size (non-overlapping windows, as PyTorch).', 0);
const padding = () => int('padding', 'Padding', 0, 'Padding on every side; at most half the kernel size.', 0);

function windowAttrs(layer: string, ctx: ShapeContext): { k: number; s: number; p: number } {
  const a = ctx.attrs as Record<string, number>;
  const k = a.kernelSize, s = a.stride || a.kernelSize, p = a.padding;
  if (2 * p > k) throw new ShapeError(`${layer}: padding ${p} must be at most half the kernel size ${k}`, { attr: 'padding' });
  return { k, s, p };
}

function pool<const T extends string>(type: T, label: string, dims: 1 | 2, doc: string): LayerDef<T> {
  const layout = dims === 1 ? '[N,channels,length]' : '[N,channels,height,width]';
  return {
    type, label, category: 'core', group: 'pool', doc, inputs: IN, outputs: OUT,
    attrs: [kernel(), stride(), padding()],
    inferShape(ctx): Shape {
      const [c, ...sizes] = requireLayout(label, only(ctx), dims + 2, layout, dims === 2 ? 'set the Input shape to e.g. [1,28,28], or Reshape first' : 'Reshape or Permute first');
      const { k, s, p } = windowAttrs(label, ctx);
      return ['N', c!, ...sizes.map((n) => windowOut(label, n, k, s, p))];
    },
    params: none, flops: zero,
  };
}

const globalAvg: LayerDef<'GlobalAvgPool'> = {
  type: 'GlobalAvgPool', label: 'Global Avg Pool', category: 'core', group: 'pool',
  doc: 'Averages each channel over all its positions: [N,C,...] becomes [N,C] (a classifier head without Flatten).',
  inputs: IN, outputs: OUT, attrs: [],
  inferShape(ctx) {
    const x = only(ctx);
    if (x.length < 3 || x[0] !== 'N') throw new ShapeError(`Global Avg Pool: input ${fmt(x)} has no positions to average; it needs [N,channels,...] with at least one dimension after the channels`);
    return ['N', x[1]!];
  },
  params: none, flops: zero,
};

const adaptive: LayerDef<'AdaptiveAvgPool'> = {
  type: 'AdaptiveAvgPool', label: 'Adaptive Avg Pool', category: 'core', group: 'pool',
  doc: 'Averages an image [N,C,H,W] down to a fixed output size, whatever the input size.',
  inputs: IN, outputs: OUT,
  attrs: [{ name: 'outputSize', label: 'Output size', kind: 'shape', default: [1, 1], min: 1, doc: 'Height and width of the output, e.g. [1,1] or [4,4].' }],
  checkAttrs(attrs) {
    const s = attrs.outputSize as number[];
    return s.length === 2 ? [] : [{ attr: 'outputSize', message: `Adaptive Avg Pool: outputSize must be [height,width] (got [${s.join(',')}])` }];
  },
  inferShape(ctx) {
    const [c, h, w] = requireLayout('Adaptive Avg Pool', only(ctx), 4, '[N,channels,height,width]');
    const [oh, ow] = ctx.attrs.outputSize as number[];
    if (oh! > h! || ow! > w!) throw new ShapeError(`Adaptive Avg Pool: output size ${oh}×${ow} is larger than the ${h}×${w} input`, { attr: 'outputSize' });
    return ['N', c!, oh!, ow!];
  },
  params: none, flops: zero,
};

export const POOL = [
  pool('MaxPool1d', 'MaxPool1d', 1, 'Keeps the largest value in each window along a sequence [N,C,L]: shrinks it and tolerates small shifts.'),
  pool('MaxPool2d', 'MaxPool2d', 2, 'Keeps the largest value in each window of an image [N,C,H,W]: 2×2 windows halve height and width.'),
  pool('AvgPool1d', 'AvgPool1d', 1, 'Averages each window along a sequence [N,C,L].'),
  pool('AvgPool2d', 'AvgPool2d', 2, 'Averages each window of an image [N,C,H,W]: 2×2 windows halve height and width.'),
  globalAvg,
  adaptive,
];
