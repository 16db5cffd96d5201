/**
 * Layers that only move values around: Reshape (to any per-sample shape with the same
 * number of values), Permute (reorder the per-sample dimensions) and Upsample (nearest
 * neighbour, integer factor). No parameters, no FLOPs.
 */
import { ShapeError, fmt, perSample } from '../shapes.ts';
import { IN, OUT, int, only, type LayerDef } from './common.ts';

const reshape: LayerDef<'Reshape'> = {
  type: 'Reshape', label: 'Reshape', category: 'core', group: 'shape',
  doc: 'Gives each sample a new shape with the same number of values, e.g. [784] to [1,28,28]; one dimension may be -1 (inferred).',
  inputs: IN, outputs: OUT,
  attrs: [{ name: 'shape', label: 'Shape', kind: 'shape', default: [1, 28, 28], min: -1, doc: 'The new shape of one sample, without the batch dimension; -1 once means "whatever is left".' }],
  checkAttrs(attrs) {
    const s = attrs.shape as number[];
    if (s.some((d) => d === 0 || d < -1)) return [{ attr: 'shape', message: `Reshape: dimensions must be positive, or -1 once (got [${s.join(',')}])` }];
    if (s.filter((d) => d === -1).length > 1) return [{ attr: 'shape', message: `Reshape: only one dimension can be -1 (got [${s.join(',')}])` }];
    return [];
  },
  inferShape(ctx) {
    const x = only(ctx);
    if (x[0] !== 'N') throw new ShapeError(`Reshape: input ${fmt(x)} has no batch dimension N`);
    const total = perSample(x);
    const s = [...(ctx.attrs.shape as number[])];
    const known = s.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = s.indexOf(-1);
    if (free >= 0) {
      if (total % known !== 0) throw new ShapeError(`Reshape: ${total} values per sample (input ${fmt(x)}) cannot fill [${s.join(',')}]: ${total} is not a multiple of ${known}`, { attr: 'shape' });
      s[free] = total / known;
    } else if (known !== total) {
      throw new ShapeError(`Reshape: input ${fmt(x)} has ${total} values per sample but [${s.join(',')}] holds ${known}; the counts must match`, { attr: 'shape' });
    }
    return ['N', ...s];
  },
  params: () => [],
  flops: () => 0,
};

const permute: LayerDef<'Permute'> = {
  type: 'Permute', label: 'Permute', category: 'core', group: 'shape',
  doc: 'Reorders the dimensions of each sample (numbered from 1, the batch stays first): [2,1] turns [N,L,C] into [N,C,L].',
  inputs: IN, outputs: OUT,
  attrs: [{ name: 'dims', label: 'Order', kind: 'shape', default: [2, 1], min: 1, doc: 'The new order of the per-sample dimensions, numbered from 1 (as Keras Permute).' }],
  inferShape(ctx) {
    const x = only(ctx);
    const dims = ctx.attrs.dims as number[];
    const k = x.length - 1;
    const sorted = [...dims].sort((a, b) => a - b);
    if (x[0] !== 'N' || dims.length !== k || sorted.some((d, i) => d !== i + 1)) {
      throw new ShapeError(`Permute: order [${dims.join(',')}] must list each of the ${k} per-sample dimensions 1..${k} of ${fmt(x)} exactly once`, { attr: 'dims' });
    }
    return ['N', ...dims.map((d) => x[d]!)];
  },
  params: () => [],
  flops: () => 0,
};

const upsample: LayerDef<'Upsample'> = {
  type: 'Upsample', label: 'Upsample', category: 'core', group: 'shape',
  doc: 'Enlarges a sequence [N,C,L] or image [N,C,H,W] by repeating each value (nearest neighbour) scale times along each side.',
  inputs: IN, outputs: OUT,
  attrs: [int('scale', 'Scale', 2, 'How many times larger each spatial side becomes.', 1, 16)],
  inferShape(ctx) {
    const x = only(ctx);
    if ((x.length !== 3 && x.length !== 4) || x[0] !== 'N') throw new ShapeError(`Upsample: input ${fmt(x)} does not have the layout [N,channels,length] or [N,channels,height,width]`);
    const s = ctx.attrs.scale as number;
    return ['N', x[1]!, ...x.slice(2).map((d) => (d as number) * s)];
  },
  params: () => [],
  flops: () => 0,
};

export const SHAPE = [reshape, permute, upsample];
