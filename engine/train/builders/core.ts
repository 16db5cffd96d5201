/**
 * Builders for the dense, merge, reshaping, activation and dropout layers: mostly one tensor
 * method each; Dense owns an nn.Linear (optionally re-initialised by its `init` attribute).
 */
import * as F from '../../nn/functional.ts';
import { Linear } from '../../nn/linear.ts';
import { initWeight_ } from '../../nn/initSchemes.ts';
import { upsampleNearest } from '../../nn/conv.ts';
import { num, sampleDims, type FamilyBuilders } from './types.ts';

export const CORE_BUILDERS = {
  Dense({ attrs, inShapes, register }) {
    const inShape = inShapes[0]!;
    const layer = new Linear(num(inShape[inShape.length - 1]), num(attrs.units), { bias: attrs.bias !== false });
    initWeight_(layer.weight, String(attrs.init ?? 'default'));
    register(layer);
    return ([x]) => layer.forward(x!);
  },
  Add: () => ([a, b]) => a!.add(b!),
  Multiply: () => ([a, b]) => a!.mul(b!),
  Concat: ({ attrs }) => ([a, b]) => a!.concat([b!], num(attrs.dim)),
  Flatten: () => ([x]) => x!.flatten(1),
  Reshape: ({ outShape }) => {
    const dims = sampleDims(outShape);
    return ([x]) => x!.reshape([x!.shape[0]!, ...dims]);
  },
  Permute: ({ attrs }) => {
    const perm = [0, ...(attrs.dims as number[])];
    return ([x]) => x!.permute(perm);
  },
  Upsample: ({ attrs }) => ([x]) => upsampleNearest(x!, num(attrs.scale)),
  ReLU: () => ([x]) => x!.relu(),
  LeakyReLU: ({ attrs }) => ([x]) => x!.leakyRelu(num(attrs.slope)),
  ELU: ({ attrs }) => ([x]) => x!.elu(num(attrs.alpha)),
  GELU: () => ([x]) => x!.gelu(),
  SiLU: () => ([x]) => x!.silu(),
  Tanh: () => ([x]) => x!.tanh(),
  Sigmoid: () => ([x]) => x!.sigmoid(),
  Softmax: ({ attrs }) => ([x]) => x!.softmax(num(attrs.dim)),
  LogSoftmax: ({ attrs }) => ([x]) => x!.logSoftmax(num(attrs.dim)),
  Dropout: ({ attrs }) => ([x], training) => F.dropout(x!, num(attrs.p), training),
} satisfies FamilyBuilders;
