/**
 * CustomCode: a node whose forward pass is the user's own code, run in the worker with the
 * engine API (tensor methods on `x`, and `ctx` with F, parameter creation and the training
 * flag); autograd supplies its gradients. The catalog is pure and cannot run code, so the
 * output shape here is declared (`outputShape`) or taken to be the input's; the compiler
 * runs the code once on a dummy batch and reports a node error if the declaration is wrong.
 * Its parameters are created by the code itself: the catalog counts those whose shape is
 * written out, `ctx.param('w', [16, 4])` (the common case, the default code included); a shape
 * computed at run time is known only once compiled.
 */
import { ShapeError, fmt } from '../shapes.ts';
import { IN, OUT, only, type LayerDef } from './common.ts';

export const DEFAULT_CUSTOM_CODE = [
  '// x: the input tensor [N, ...]; ctx: { F, param(name, shape, init?), training, tensor, zeros, ones }',
  '// Return the output tensor. Parameters created with ctx.param are trained with the model.',
  "const scale = ctx.param('scale', [1], 'ones');",
  'return x.mul(scale).tanh();',
].join('\n');

const PARAM_CALL = /ctx\s*\.\s*param\s*\(\s*(['"`])([^'"`]+)\1\s*,\s*\[([\d\s,]*)\]/g;

/** The parameters a body creates with literal shapes (first call per name, as ctx.param reuses it). */
export function literalParams(code: string): { name: string; shape: number[] }[] {
  const out = new Map<string, number[]>();
  for (const m of code.matchAll(PARAM_CALL)) {
    const shape = m[3]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (!out.has(m[2]!) && shape.every((d) => Number.isInteger(d) && d > 0)) out.set(m[2]!, shape);
  }
  return [...out].map(([name, shape]) => ({ name, shape }));
}

const custom: LayerDef<'CustomCode'> = {
  type: 'CustomCode', label: 'Custom Code', category: 'core', group: 'custom',
  doc: 'Your own forward pass in JavaScript using the engine API (x is the input, ctx gives F and ctx.param); gradients come from autograd.',
  inputs: IN, outputs: OUT,
  attrs: [],
  richAttrs: [
    { name: 'code', label: 'forward(x, ctx)', kind: 'code', default: DEFAULT_CUSTOM_CODE, doc: 'The body of forward(x, ctx): JavaScript (TypeScript without type annotations) that returns a tensor.' },
    { name: 'outputShape', label: 'Output shape', kind: 'numbers', default: [], min: 1, int: true, doc: 'Shape of one output sample, without N; empty means the same shape as the input.' },
  ],
  inferShape(ctx) {
    const x = only(ctx);
    if (x[0] !== 'N') throw new ShapeError(`Custom Code: input ${fmt(x)} has no batch dimension N`);
    const declared = ctx.attrs.outputShape as number[];
    return declared.length === 0 ? [...x] : ['N', ...declared];
  },
  params: (ctx) => literalParams(String(ctx.attrs.code ?? '')),
  flops: () => 0,
};

export const CUSTOM = [custom];
