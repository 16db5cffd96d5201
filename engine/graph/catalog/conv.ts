/**
 * Convolutions in PyTorch's channels-first layouts ([N,C,L] for 1-D, [N,C,H,W] for 2-D) and
 * parameter layouts (Conv weight [out, in/groups, k, k]; ConvTranspose weight
 * [in, out/groups, k, k]), so weights files and the Python export line up with torch.nn.
 * Kernels are square; padding is symmetric zero padding.
 */
import type { ParamSpec, ShapeContext } from '../types.ts';
import { ShapeError, requireLayout, windowOut } from '../shapes.ts';
import { IN, OUT, bool, initAttr, int, only, type LayerDef } from './common.ts';

const IMAGE = '[N,channels,height,width]';
const IMAGE_HINT = 'images need a channel dimension: set the Input shape to e.g. [1,28,28], or put a Reshape before this layer';
const SEQ = '[N,channels,length]';

const withBias = (ctx: ShapeContext, weight: number[], out: number): ParamSpec[] =>
  ctx.attrs.bias === false ? [{ name: 'weight', shape: weight }] : [{ name: 'weight', shape: weight }, { name: 'bias', shape: [out] }];

const filters = (def: number) => int('filters', 'Filters', def, 'How many output channels (feature maps) the layer computes.', 1);
const kernel = (def: number) => int('kernelSize', 'Kernel size', def, 'Side of the square window each output looks at.', 1);
const stride = () => int('stride', 'Stride', 1, 'How far the window moves between outputs (2 halves the size).', 1);
const padding = (def = 0) => int('padding', 'Padding', def, 'Zeros added on every side; (kernel−1)/2 keeps the size with stride 1.', 0);
const dilation = () => int('dilation', 'Dilation', 1, 'Spacing between the kernel taps (1: a dense window).', 1);
const bias = () => bool('bias', 'Bias', true, 'Whether to add a learned bias to each output channel.');

function groupsOk(layer: string, c: number, out: number, g: number): void {
  if (c % g !== 0) throw new ShapeError(`${layer}: ${c} input channels cannot be split into ${g} groups; groups must divide the input channels`, { attr: 'groups' });
  if (out % g !== 0) throw new ShapeError(`${layer}: ${out} filters cannot be split into ${g} groups; groups must divide the filters`, { attr: 'groups' });
}

function conv2dGeometry(layer: string, ctx: ShapeContext) {
  const [c, h, w] = requireLayout(layer, only(ctx), 4, IMAGE, IMAGE_HINT) as [number, number, number];
  const a = ctx.attrs as Record<string, number>;
  const k = a.kernelSize, s = a.stride, p = a.padding, d = a.dilation ?? 1;
  return { c, h, w, k, oh: windowOut(layer, h, k, s, p, d), ow: windowOut(layer, w, k, s, p, d) };
}

const conv1d: LayerDef<'Conv1d'> = {
  type: 'Conv1d', label: 'Conv1d', category: 'core', group: 'conv',
  doc: 'Slides learned filters along a sequence [N,channels,length] (e.g. audio, sensor signals, text features).',
  inputs: IN, outputs: OUT,
  attrs: [filters(16), kernel(3), stride(), padding(), dilation(), bias(), initAttr()],
  inferShape(ctx) {
    const [, l] = requireLayout('Conv1d', only(ctx), 3, SEQ, 'put a Reshape or Permute before it');
    const a = ctx.attrs as Record<string, number>;
    return ['N', a.filters, windowOut('Conv1d', l!, a.kernelSize, a.stride, a.padding, a.dilation)];
  },
  params(ctx) {
    const [c] = requireLayout('Conv1d', only(ctx), 3, SEQ);
    const a = ctx.attrs as Record<string, number>;
    return withBias(ctx, [a.filters, c!, a.kernelSize], a.filters);
  },
  flops(ctx) {
    const [c, l] = requireLayout('Conv1d', only(ctx), 3, SEQ);
    const a = ctx.attrs as Record<string, number>;
    return 2 * a.filters * windowOut('Conv1d', l!, a.kernelSize, a.stride, a.padding, a.dilation) * c! * a.kernelSize;
  },
};

const conv2d: LayerDef<'Conv2d'> = {
  type: 'Conv2d', label: 'Conv2d', category: 'core', group: 'conv',
  doc: 'Slides learned filters over an image [N,channels,height,width]; each output channel detects one pattern everywhere.',
  inputs: IN, outputs: OUT,
  attrs: [
    filters(16), kernel(3), stride(), padding(), dilation(),
    int('groups', 'Groups', 1, 'Splits channels into independent groups (must divide input channels and filters).', 1),
    bias(), initAttr(),
  ],
  inferShape(ctx) {
    const g = conv2dGeometry('Conv2d', ctx);
    groupsOk('Conv2d', g.c, ctx.attrs.filters as number, ctx.attrs.groups as number);
    return ['N', ctx.attrs.filters as number, g.oh, g.ow];
  },
  params(ctx) {
    const g = conv2dGeometry('Conv2d', ctx);
    const f = ctx.attrs.filters as number;
    return withBias(ctx, [f, g.c / (ctx.attrs.groups as number), g.k, g.k], f);
  },
  flops(ctx) {
    const g = conv2dGeometry('Conv2d', ctx);
    return 2 * (ctx.attrs.filters as number) * g.oh * g.ow * (g.c / (ctx.attrs.groups as number)) * g.k * g.k;
  },
};

const depthwise: LayerDef<'DepthwiseConv2d'> = {
  type: 'DepthwiseConv2d', label: 'Depthwise Conv2d', category: 'core', group: 'conv',
  doc: 'A convolution with one filter set per input channel (groups = channels): cheap spatial filtering, as in MobileNet.',
  inputs: IN, outputs: OUT,
  attrs: [
    kernel(3), stride(), padding(1), dilation(),
    int('depthMultiplier', 'Depth multiplier', 1, 'Output channels per input channel.', 1),
    bias(), initAttr(),
  ],
  inferShape(ctx) {
    const g = conv2dGeometry('Depthwise Conv2d', ctx);
    return ['N', g.c * (ctx.attrs.depthMultiplier as number), g.oh, g.ow];
  },
  params(ctx) {
    const g = conv2dGeometry('Depthwise Conv2d', ctx);
    const out = g.c * (ctx.attrs.depthMultiplier as number);
    return withBias(ctx, [out, 1, g.k, g.k], out);
  },
  flops(ctx) {
    const g = conv2dGeometry('Depthwise Conv2d', ctx);
    return 2 * g.c * (ctx.attrs.depthMultiplier as number) * g.oh * g.ow * g.k * g.k;
  },
};

function transposeGeometry(ctx: ShapeContext) {
  const [c, h, w] = requireLayout('ConvTranspose2d', only(ctx), 4, IMAGE, IMAGE_HINT) as [number, number, number];
  const a = ctx.attrs as Record<string, number>;
  if (a.outputPadding >= a.stride) {
    throw new ShapeError(`ConvTranspose2d: output padding ${a.outputPadding} must be smaller than the stride ${a.stride}`, { attr: 'outputPadding' });
  }
  const size = (n: number) => (n - 1) * a.stride - 2 * a.padding + (a.kernelSize - 1) + a.outputPadding + 1;
  const oh = size(h), ow = size(w);
  if (oh < 1 || ow < 1) throw new ShapeError(`ConvTranspose2d: padding ${a.padding} removes the whole ${h}×${w} output; use less padding`, { attr: 'padding' });
  return { c, h, w, oh, ow, k: a.kernelSize };
}

const convTranspose2d: LayerDef<'ConvTranspose2d'> = {
  type: 'ConvTranspose2d', label: 'ConvTranspose2d', category: 'core', group: 'conv',
  doc: 'The reverse of a strided convolution: grows an image (stride 2 doubles it), used in decoders and generators.',
  inputs: IN, outputs: OUT,
  attrs: [
    filters(16), kernel(2), int('stride', 'Stride', 2, 'Upsampling factor: each input pixel spreads over stride×stride outputs.', 1), padding(),
    int('outputPadding', 'Output padding', 0, 'Extra rows/columns added on one side to reach an exact size (below the stride).', 0),
    bias(), initAttr(),
  ],
  inferShape(ctx) {
    const g = transposeGeometry(ctx);
    return ['N', ctx.attrs.filters as number, g.oh, g.ow];
  },
  params(ctx) {
    const g = transposeGeometry(ctx);
    const f = ctx.attrs.filters as number;
    return withBias(ctx, [g.c, f, g.k, g.k], f);
  },
  flops(ctx) {
    const g = transposeGeometry(ctx);
    return 2 * g.c * g.h * g.w * (ctx.attrs.filters as number) * g.k * g.k;
  },
};

export const CONV = [conv1d, conv2d, depthwise, convTranspose2d];
