/**
 * Builders for convolution, pooling and normalization nodes: each maps the node's
 * attributes onto the torch-style module or functional op (nn/conv.ts, nn/normalization.ts).
 */
import * as F from '../../nn/functional.ts';
import { BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, LayerNorm } from '../../nn/conv.ts';
import { GroupNorm } from '../../nn/normalization.ts';
import { initWeight_ } from '../../nn/initSchemes.ts';
import type { Module } from '../../nn/module.ts';
import type { Tensor } from '../../core/tensor.ts';
import { num, sampleDims, type Builder, type BuildContext, type FamilyBuilders } from './types.ts';

function withInit<M extends Module & { weight: Tensor }>(b: BuildContext, m: M): M {
  initWeight_(m.weight, String(b.attrs.init ?? 'default'));
  b.register(m);
  return m;
}

const channels = (b: BuildContext) => sampleDims(b.inShapes[0]!)[0]!;

function pool(kind: 'max' | 'avg', dims: 1 | 2): Builder {
  return ({ attrs }) => {
    const k = num(attrs.kernelSize), s = num(attrs.stride) || k, p = num(attrs.padding);
    if (dims === 1) return ([x]) => (kind === 'max' ? F.maxPool1d : F.avgPool1d)(x!, { kernelSize: k, stride: s, padding: p });
    return ([x]) => (kind === 'max' ? F.maxPool2d : F.avgPool2d)(x!, { kernelSize: k, stride: s, padding: p });
  };
}

export const CONV_BUILDERS = {
  Conv1d(b) {
    const a = b.attrs;
    const m = withInit(b, new Conv1d(channels(b), num(a.filters), num(a.kernelSize), { stride: num(a.stride), padding: num(a.padding), dilation: num(a.dilation), bias: a.bias !== false }));
    return ([x]) => m.forward(x!);
  },
  Conv2d(b) {
    const a = b.attrs;
    const m = withInit(b, new Conv2d(channels(b), num(a.filters), num(a.kernelSize), {
      stride: num(a.stride), padding: num(a.padding), dilation: num(a.dilation), groups: num(a.groups), bias: a.bias !== false,
    }));
    return ([x]) => m.forward(x!);
  },
  DepthwiseConv2d(b) {
    const a = b.attrs, c = channels(b);
    const m = withInit(b, new Conv2d(c, c * num(a.depthMultiplier), num(a.kernelSize), {
      stride: num(a.stride), padding: num(a.padding), dilation: num(a.dilation), groups: c, bias: a.bias !== false,
    }));
    return ([x]) => m.forward(x!);
  },
  ConvTranspose2d(b) {
    const a = b.attrs;
    const m = withInit(b, new ConvTranspose2d(channels(b), num(a.filters), num(a.kernelSize), {
      stride: num(a.stride), padding: num(a.padding), outputPadding: num(a.outputPadding), bias: a.bias !== false,
    }));
    return ([x]) => m.forward(x!);
  },
  MaxPool1d: pool('max', 1),
  MaxPool2d: pool('max', 2),
  AvgPool1d: pool('avg', 1),
  AvgPool2d: pool('avg', 2),
  GlobalAvgPool: () => ([x]) => x!.flatten(2).mean(2),
  AdaptiveAvgPool: ({ attrs }) => {
    const [h, w] = attrs.outputSize as number[];
    return ([x]) => F.adaptiveAvgPool2d(x!, [h!, w!]);
  },
  BatchNorm1d(b) {
    const m = new BatchNorm1d(channels(b), { eps: num(b.attrs.eps), momentum: num(b.attrs.momentum), affine: b.attrs.affine !== false });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  BatchNorm2d(b) {
    const m = new BatchNorm2d(channels(b), { eps: num(b.attrs.eps), momentum: num(b.attrs.momentum), affine: b.attrs.affine !== false });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  LayerNorm(b) {
    const d = sampleDims(b.inShapes[0]!);
    const m = new LayerNorm(d[d.length - 1]!, { eps: num(b.attrs.eps), elementwiseAffine: b.attrs.affine !== false });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
  GroupNorm(b) {
    const m = new GroupNorm(num(b.attrs.groups), channels(b), { eps: num(b.attrs.eps), affine: b.attrs.affine !== false });
    b.register(m);
    return ([x]) => m.forward(x!);
  },
} satisfies FamilyBuilders;
