/**
 * The layers that compute: Dense (fully connected), and the wiring layers Add, Concat and
 * Flatten. Parameter names and layouts follow PyTorch (Dense `weight` is [units, in]) so
 * weights files and the Python export line up with `nn.Linear`.
 */
import type { Dim, Shape } from '../types.ts';
import { ShapeError, broadcastShapes, fmt, perSample, requireFeatures, resolveDim } from '../shapes.ts';
import { IN, OUT, bool, initAttr, int, only, type LayerDef } from './common.ts';

const AB = [
  { name: 'a', label: 'a' },
  { name: 'b', label: 'b' },
];

const dense: LayerDef<'Dense'> = {
  type: 'Dense',
  label: 'Dense',
  category: 'core',
  group: 'dense',
  doc: 'Fully connected layer: every output is a weighted sum of all inputs plus a bias (y = xWᵀ + b).',
  inputs: IN,
  outputs: OUT,
  attrs: [
    int('units', 'Units', 16, 'How many outputs (neurons) the layer has.', 1),
    bool('bias', 'Bias', true, 'Whether to add a learned bias to each output.'),
    initAttr(),
  ],
  inferShape(ctx) {
    const x = only(ctx);
    requireFeatures('Dense', x);
    return [...x.slice(0, -1), ctx.attrs.units as number];
  },
  params(ctx) {
    const f = requireFeatures('Dense', only(ctx));
    const units = ctx.attrs.units as number;
    const weight = { name: 'weight', shape: [units, f] };
    return ctx.attrs.bias === false ? [weight] : [weight, { name: 'bias', shape: [units] }];
  },
  flops(ctx) {
    const x = only(ctx);
    const f = requireFeatures('Dense', x);
    const rows = perSample(x) / f; // [N, ..., F]: one row per sample and per middle index
    return 2 * f * (ctx.attrs.units as number) * rows;
  },
};

const add: LayerDef<'Add'> = {
  type: 'Add',
  label: 'Add',
  category: 'core',
  group: 'merge',
  doc: 'Adds its two inputs element by element (e.g. a residual connection); their shapes must match or broadcast.',
  inputs: AB,
  outputs: OUT,
  attrs: [],
  inferShape: (ctx) => broadcastShapes('Add', ctx.inputs[0]!, ctx.inputs[1]!, 'added'),
  params: () => [],
  flops: () => 0,
};

const multiply: LayerDef<'Multiply'> = {
  type: 'Multiply',
  label: 'Multiply',
  category: 'core',
  group: 'merge',
  doc: 'Multiplies its two inputs element by element (e.g. gating); their shapes must match or broadcast.',
  inputs: AB,
  outputs: OUT,
  attrs: [],
  inferShape: (ctx) => broadcastShapes('Multiply', ctx.inputs[0]!, ctx.inputs[1]!, 'multiplied'),
  params: () => [],
  flops: () => 0,
};

const concat: LayerDef<'Concat'> = {
  type: 'Concat',
  label: 'Concat',
  category: 'core',
  group: 'merge',
  doc: 'Joins its two inputs side by side along one dimension (by default the features).',
  inputs: AB,
  outputs: OUT,
  attrs: [{ name: 'dim', label: 'Dimension', kind: 'int', default: -1, doc: 'The dimension to join along; -1 is the last one (the features).' }],
  inferShape(ctx) {
    const [a, b] = [ctx.inputs[0]!, ctx.inputs[1]!];
    const dim = ctx.attrs.dim as number;
    if (a.length !== b.length) {
      throw new ShapeError(`Concat: inputs ${fmt(a)} and ${fmt(b)} have different numbers of dimensions (${a.length} and ${b.length}); add a Flatten before one of them`);
    }
    const d = resolveDim('Concat', 'dim', dim, a, false);
    const out: Dim[] = [];
    for (let i = 0; i < a.length; i++) {
      const [x, y] = [a[i]!, b[i]!];
      if (i === d) {
        out.push((x as number) + (y as number));
      } else if (x !== y) {
        throw new ShapeError(`Concat: inputs ${fmt(a)} and ${fmt(b)} cannot be joined along dim ${dim}: dimension ${i} is ${x} in 'a' and ${y} in 'b'; all other dimensions must match`);
      }
      else out.push(x);
    }
    return out;
  },
  params: () => [],
  flops: () => 0,
};

const flatten: LayerDef<'Flatten'> = {
  type: 'Flatten',
  label: 'Flatten',
  category: 'core',
  group: 'shape',
  doc: 'Lays out each sample\'s values in one long row: [N, a, b, ...] becomes [N, a×b×...].',
  inputs: IN,
  outputs: OUT,
  attrs: [],
  inferShape(ctx) {
    const x: Shape = only(ctx);
    if (x[0] !== 'N') throw new ShapeError(`Flatten: input ${fmt(x)} has no batch dimension N to keep`);
    return ['N', perSample(x)];
  },
  params: () => [],
  flops: () => 0,
};

export const CORE = [dense, add, multiply, concat, flatten];
