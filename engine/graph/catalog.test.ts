import { describe, expect, it } from 'vitest';
import { LAYERS, checkAttrs, defaultAttrs, getLayer, resolveAttrs } from './catalog.ts';
import { ShapeError } from './shapes.ts';
import { LAYER_CASES } from '../test/graph/layerCases.ts';
import type { Attrs, LayerSpec, Shape } from './types.ts';

const layer = (type: string): LayerSpec => {
  const l = getLayer(type);
  if (!l) throw new Error(`no layer ${type}`);
  return l;
};
const ctx = (type: string, inputs: Shape[], attrs: Attrs = {}) => ({ inputs, attrs: resolveAttrs(layer(type), attrs) });
const infer = (type: string, inputs: Shape[], attrs: Attrs = {}) => layer(type).inferShape(ctx(type, inputs, attrs));
const shapeError = (f: () => unknown): ShapeError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).code).toBe('shape');
    return e as ShapeError;
  }
  throw new Error('expected a ShapeError');
};

const TYPES = [
  'Input', 'Dense', 'ReLU', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Tanh', 'Sigmoid', 'Softmax', 'Dropout', 'Add', 'Concat', 'Flatten', 'Loss',
  'Conv1d', 'Conv2d', 'ConvTranspose2d', 'DepthwiseConv2d', 'MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'GlobalAvgPool',
  'AdaptiveAvgPool', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'GroupNorm', 'Embedding', 'PositionalEncoding', 'MultiHeadAttention',
  'TransformerEncoderBlock', 'LSTM', 'GRU', 'Reshape', 'Permute', 'Upsample', 'Multiply', 'LogSoftmax', 'CustomCode',
];
const TWO_INPUTS = ['Add', 'Concat', 'Multiply'];

describe('catalog', () => {
  it('has exactly the contract layer types, each described', () => {
    expect(LAYERS.map((l) => l.type).sort()).toEqual([...TYPES].sort());
    expect(LAYERS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(LAYERS.map((l) => l.label)).size).toBe(LAYERS.length);
    for (const l of LAYERS) {
      expect(l.label.length, l.type).toBeGreaterThan(0);
      expect(l.doc.length, l.type).toBeGreaterThan(10);
      expect(['io', 'core', 'activation', 'regularization', 'loss']).toContain(l.category);
      for (const a of l.attrs) {
        expect(a.label.length * a.doc.length, `${l.type}.${a.name}`).toBeGreaterThan(0);
        if (a.kind === 'enum') expect(a.options).toContain(a.default);
      }
    }
  });

  it('gives single-input layers port in/out and two-input layers a/b', () => {
    for (const l of LAYERS) {
      if (l.type === 'Input') expect(l.inputs).toEqual([]);
      else if (TWO_INPUTS.includes(l.type)) expect(l.inputs.map((p) => p.name)).toEqual(['a', 'b']);
      else expect(l.inputs.map((p) => p.name)).toEqual(['in']);
      expect(l.outputs.map((p) => p.name)).toEqual(l.type === 'Loss' ? [] : ['out']);
    }
    expect(layer('Loss').label).toBe('Output / Loss');
    expect(layer('Loss').category).toBe('loss');
    expect(layer('Loss').doc).toMatch(/Softmax/);
  });

  it('has valid defaults for every layer, and returns fresh copies', () => {
    for (const l of LAYERS) expect(checkAttrs(l, defaultAttrs(l.type)), l.type).toEqual([]);
    expect(defaultAttrs('Dense')).toEqual({ units: 16, bias: true, init: 'default' });
    expect(defaultAttrs('Input')).toEqual({ shape: [2], offset: 0 });
    expect(defaultAttrs('Loss')).toEqual({ loss: 'crossEntropy', labelSmoothing: 0, delta: 1, weight: 1, classWeights: [] });
    expect(defaultAttrs('Dropout')).toEqual({ p: 0.5 });
    expect(defaultAttrs('LeakyReLU')).toEqual({ slope: 0.01 });
    expect(defaultAttrs('ELU')).toEqual({ alpha: 1 });
    expect(defaultAttrs('Softmax')).toEqual({ dim: -1 });
    expect(defaultAttrs('Concat')).toEqual({ dim: -1 });
    expect(defaultAttrs('Nope')).toEqual({});
    const a = defaultAttrs('Input');
    (a.shape as number[]).push(5);
    expect(defaultAttrs('Input')).toEqual({ shape: [2], offset: 0 });
    expect(getLayer('dense')).toBeUndefined();
  });

  it('fills missing attributes with defaults and drops unknown ones', () => {
    expect(resolveAttrs(layer('Dense'), { units: 4, extra: 1 })).toEqual({ units: 4, bias: true, init: 'default' });
  });
});

describe('checkAttrs', () => {
  const problems = (type: string, attrs: Attrs) => checkAttrs(layer(type), attrs);

  it('rejects bad values, naming the attribute', () => {
    expect(problems('Dense', { units: 0 })).toEqual([
      { attr: 'units', severity: 'error', message: 'Dense: units must be a whole number of at least 1 (got 0)' },
    ]);
    expect(problems('Dense', { units: 2.5 })[0]!.attr).toBe('units');
    expect(problems('Dense', { units: '16' })[0]!.message).toMatch(/got '16'/);
    expect(problems('Dense', { bias: 1 })[0]!.message).toBe('Dense: bias must be true or false (got 1)');
    expect(problems('Loss', { loss: 'hinge' })[0]!.message).toMatch(/one of 'crossEntropy', 'mse'/);
    expect(problems('Input', { shape: [] })[0]!.attr).toBe('shape');
    expect(problems('Input', { shape: [2, 0] })[0]!.attr).toBe('shape');
    expect(problems('Input', { shape: 2 })[0]!.attr).toBe('shape');
    expect(problems('LeakyReLU', { slope: Number.NaN })[0]!.attr).toBe('slope');
    expect(problems('ELU', { alpha: -1 })[0]!.attr).toBe('alpha');
  });

  it('accepts p in [0, 1) for Dropout only', () => {
    expect(problems('Dropout', { p: 0 })).toEqual([]);
    expect(problems('Dropout', { p: 0.99 })).toEqual([]);
    expect(problems('Dropout', { p: 1 })).toEqual([{ attr: 'p', severity: 'error', message: expect.stringMatching(/below 1/) }]);
    expect(problems('Dropout', { p: 1.5 })[0]!.attr).toBe('p');
    expect(problems('Dropout', { p: -0.1 })[0]!.attr).toBe('p');
  });

  it('warns about unknown attributes', () => {
    expect(problems('ReLU', { inplace: true })).toEqual([{ attr: 'inplace', severity: 'warning', message: "ReLU: unknown attribute 'inplace' is ignored" }]);
  });
});

describe('shape rules', () => {
  it('Input adds the batch dimension', () => {
    expect(infer('Input', [], { shape: [1, 28, 28] })).toEqual(['N', 1, 28, 28]);
  });

  it('Dense maps the last dimension and owns PyTorch-shaped parameters', () => {
    expect(infer('Dense', [['N', 3]], { units: 5 })).toEqual(['N', 5]);
    expect(infer('Dense', [['N', 4, 3]], { units: 5 })).toEqual(['N', 4, 5]);
    expect(layer('Dense').params(ctx('Dense', [['N', 3]], { units: 5 }))).toEqual([
      { name: 'weight', shape: [5, 3] },
      { name: 'bias', shape: [5] },
    ]);
    expect(layer('Dense').params(ctx('Dense', [['N', 3]], { units: 5, bias: false }))).toEqual([{ name: 'weight', shape: [5, 3] }]);
    expect(layer('Dense').flops(ctx('Dense', [['N', 3]], { units: 5 }))).toBe(30);
    expect(layer('Dense').flops(ctx('Dense', [['N', 4, 3]], { units: 5 }))).toBe(120);
    expect(shapeError(() => infer('Dense', [['N']])).message).toMatch(/Dense: input \[N\] has no feature dimension/);
  });

  it('LSTM and GRU list their products (the input projection, then one a step), summing to their FLOPs', () => {
    for (const [type, gates] of [['LSTM', 4], ['GRU', 3]] as const) {
      const c = ctx(type, [['N', 20, 3]], { hiddenSize: 8 });
      expect(layer(type).products!(c)).toEqual([[2 * 20 * gates * 8 * 3, 1], [2 * gates * 8 * 8, 20]]);
      expect(layer(type).products!(c).reduce((sum, [f, count]) => sum + f * count, 0)).toBe(layer(type).flops(c));
    }
    // Every layer that lists its products accounts for all of its FLOPs (on its test case).
    const listing = LAYERS.filter((x) => x.products);
    expect(listing.length).toBeGreaterThanOrEqual(2);
    for (const l of listing) {
      const k = LAYER_CASES[l.type as keyof typeof LAYER_CASES];
      const c = ctx(l.type, [['N', ...k.input]], k.attrs);
      expect(l.products!(c).reduce((sum, [f, count]) => sum + f * count, 0), l.type).toBe(l.flops(c));
    }
  });

  it('activations and Dropout keep the shape', () => {
    for (const t of ['ReLU', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Tanh', 'Sigmoid', 'Softmax', 'Dropout']) {
      expect(infer(t, [['N', 3, 7]]), t).toEqual(['N', 3, 7]);
      expect(layer(t).params(ctx(t, [['N', 3, 7]])), t).toEqual([]);
    }
  });

  it('Softmax checks its dim against the input and names the attribute', () => {
    expect(infer('Softmax', [['N', 3, 7]], { dim: 1 })).toEqual(['N', 3, 7]);
    const e = shapeError(() => infer('Softmax', [['N', 16]], { dim: 2 }));
    expect(e.attr).toBe('dim');
    expect(e.message).toBe('Softmax: dim 2 is out of range for input [N,16]; use a value from -2 to 1 (-1 is the last dimension)');
    expect(shapeError(() => infer('Softmax', [['N', 16]], { dim: 0 })).message).toMatch(/batch dimension/);
  });

  it('Add broadcasts and explains a mismatch', () => {
    expect(infer('Add', [['N', 16], ['N', 16]])).toEqual(['N', 16]);
    expect(infer('Add', [['N', 4, 16], ['N', 1, 16]])).toEqual(['N', 4, 16]);
    expect(infer('Add', [['N', 4, 16], [16]])).toEqual(['N', 4, 16]);
    expect(shapeError(() => infer('Add', [['N', 16], ['N', 8]])).message).toBe(
      'Add: inputs [N,16] and [N,8] cannot be added: last dimensions 16 and 8 differ (they must be equal, or one of them 1)',
    );
    expect(shapeError(() => infer('Add', [['N', 4, 16], ['N', 3, 16]])).message).toMatch(/dimensions 4 and 3 at position -2 differ/);
  });

  it('Concat joins along dim and checks the rest', () => {
    expect(infer('Concat', [['N', 3], ['N', 5]])).toEqual(['N', 8]);
    expect(infer('Concat', [['N', 2, 3], ['N', 4, 3]], { dim: 1 })).toEqual(['N', 6, 3]);
    expect(shapeError(() => infer('Concat', [['N', 2, 3], ['N', 4, 3]])).message).toMatch(/dimension 1 is 2 in 'a' and 4 in 'b'/);
    expect(shapeError(() => infer('Concat', [['N', 3], ['N', 2, 3]])).message).toMatch(/different numbers of dimensions/);
    expect(shapeError(() => infer('Concat', [['N', 3], ['N', 3]], { dim: 0 })).attr).toBe('dim');
  });

  it('Flatten keeps N and multiplies the rest', () => {
    expect(infer('Flatten', [['N', 1, 28, 28]])).toEqual(['N', 784]);
    expect(infer('Flatten', [['N', 5]])).toEqual(['N', 5]);
  });

  it('Loss outputs a scalar and checks class scores for crossEntropy (per sample or per token)', () => {
    expect(infer('Loss', [['N', 3]])).toEqual([]);
    expect(infer('Loss', [['N', 1]], { loss: 'mse' })).toEqual([]);
    expect(infer('Loss', [['N', 4, 3]], { loss: 'mse' })).toEqual([]);
    expect(shapeError(() => infer('Loss', [['N', 1]])).message).toMatch(/at least 2 class scores; got \[N,1\]/);
    // One label per token: [N, tokens, classes] for crossEntropy and nll, not klDiv or deeper shapes.
    expect(infer('Loss', [['N', 4, 3]])).toEqual([]);
    expect(infer('Loss', [['N', 4, 3]], { loss: 'nll' })).toEqual([]);
    expect(shapeError(() => infer('Loss', [['N', 4, 3]], { loss: 'klDiv' })).message).toMatch(/\[N,classes\]; got \[N,4,3\]/);
    expect(shapeError(() => infer('Loss', [['N', 4, 1]])).message).toMatch(/at least 2 class scores/);
    const e = shapeError(() => infer('Loss', [['N', 2, 4, 3]]));
    expect(e.message).toMatch(/\[N,classes\] \(or \[N,tokens,classes\] for one label per token\); got \[N,2,4,3\]/);
    expect(e.attr).toBe('loss');
  });
});

describe('docs/layers.md', () => {
  it('is the current catalog reference (regenerate it with the command in engine/graph/reference.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { layersMarkdown } = await import('./reference.ts');
    expect(readFileSync(new URL('../../docs/layers.md', import.meta.url), 'utf8')).toBe(layersMarkdown());
  });
});
