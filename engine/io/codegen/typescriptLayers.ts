/**
 * The TypeScript export's per-layer table: for every model layer kind, the field the model
 * class builds (`new nn.…`, or a helper class from tsHelpers.ts), the line `forward` runs, or
 * both. Typed `Record<ModelLayerType, TsLayer>`: a kind added to the catalog without its row
 * does not compile, and codegen.run.test.ts runs the generated code for every kind.
 */
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { Attrs } from '../../graph/types.ts';
import { channels, features, type PlanStep } from './plan.ts';
import type { TsHelperName } from './tsHelpers.ts';

/**
 * How one kind is written: `field` is the expression assigned to `this.<name>` (the default
 * forward line then calls its `forward` on the first input); `forward` is the whole
 * statement when the kind needs another one (or is a plain expression without a field).
 */
export type TsLayer = {
  field?(s: PlanStep): string;
  forward?(s: PlanStep): string;
  /** Helper classes (tsHelpers.ts) the field constructs. */
  helpers?: readonly TsHelperName[];
} & ({ field(s: PlanStep): string } | { forward(s: PlanStep): string });

const bias = (a: Attrs) => (a.bias === false ? ', bias: false' : '');
const stride = (a: Attrs) => (Number(a.stride) > 0 ? a.stride : a.kernelSize);
const x0 = (s: PlanStep) => s.inputShapes[0];
/** A field built from the step's attributes and first input shape. */
const field = (f: (a: Attrs, s: PlanStep) => string): TsLayer => ({ field: (s) => f(s.attrs, s) });
/** A parameter-free module with a fixed constructor call. */
const fixed = (expr: string): TsLayer => ({ field: () => expr });
/** A forward-only statement `const name = <expr of the inputs and attributes>;`. */
const line = (f: (a: string, b: string, t: Attrs) => string): TsLayer => ({ forward: (s) => `const ${s.name} = ${f(s.inputs[0] ?? '', s.inputs[1] ?? '', s.attrs)};` });
const pool2d = (cls: string): TsLayer => field((a) => `new nn.${cls}({ kernelSize: ${a.kernelSize}, stride: ${stride(a)}, padding: ${a.padding} })`);
const pool1d = (fn: string): TsLayer => line((x, _b, t) => `F.${fn}(${x}, { kernelSize: ${t.kernelSize}, stride: ${stride(t)}, padding: ${t.padding} })`);
const recurrent = (cls: 'LSTM' | 'GRU'): TsLayer => field((a, s) => `new nn.${cls}(${features(x0(s))}, ${a.hiddenSize}, { returnSequences: ${a.returnSequences}${bias(a)} })`);

export const TS_LAYERS: Record<ModelLayerType, TsLayer> = {
  Dense: field((a, s) => `new nn.Linear(${features(x0(s))}, ${a.units}${a.bias === false ? ', { bias: false }' : ''})`),
  Add: line((a, b) => `${a}.add(${b})`),
  Multiply: line((a, b) => `${a}.mul(${b})`),
  Concat: line((a, b, t) => `concat([${a}, ${b}], ${t.dim})`),
  Flatten: fixed('new nn.Flatten()'),
  Conv1d: field((a, s) => `new nn.Conv1d(${channels(x0(s))}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}${bias(a)} })`),
  Conv2d: field((a, s) => `new nn.Conv2d(${channels(x0(s))}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}, groups: ${a.groups}${bias(a)} })`),
  DepthwiseConv2d: field((a, s) => {
    const c = channels(x0(s));
    return `new nn.Conv2d(${c}, ${c * Number(a.depthMultiplier)}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}, groups: ${c}${bias(a)} })`;
  }),
  ConvTranspose2d: field((a, s) => `new nn.ConvTranspose2d(${channels(x0(s))}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, outputPadding: ${a.outputPadding}${bias(a)} })`),
  MaxPool1d: pool1d('maxPool1d'),
  MaxPool2d: pool2d('MaxPool2d'),
  AvgPool1d: pool1d('avgPool1d'),
  AvgPool2d: pool2d('AvgPool2d'),
  GlobalAvgPool: line((a) => `${a}.flatten(2).mean(2)`),
  AdaptiveAvgPool: field((a) => `new nn.AdaptiveAvgPool2d([${(a.outputSize as number[]).join(', ')}])`),
  BatchNorm1d: field((a, s) => `new nn.BatchNorm1d(${channels(x0(s))}, { eps: ${a.eps}, momentum: ${a.momentum}, affine: ${a.affine} })`),
  BatchNorm2d: field((a, s) => `new nn.BatchNorm2d(${channels(x0(s))}, { eps: ${a.eps}, momentum: ${a.momentum}, affine: ${a.affine} })`),
  LayerNorm: field((a, s) => `new nn.LayerNorm(${features(x0(s))}, { eps: ${a.eps}, elementwiseAffine: ${a.affine} })`),
  GroupNorm: { field: (s) => `new GroupNorm(${s.attrs.groups}, ${channels(x0(s))}, ${s.attrs.eps}, ${s.attrs.affine})`, helpers: ['GroupNorm'] },
  Embedding: {
    field: (s) => `new nn.Embedding(${s.attrs.numEmbeddings}, ${s.attrs.embeddingDim})`,
    forward: (s) => `const ${s.name} = this.${s.name}.forward(${s.inputs[0]}.cast('int32'));`,
  },
  PositionalEncoding: { field: (s) => `new PositionalEncoding(${features(x0(s))}, ${s.attrs.maxLen}, ${s.attrs.kind === 'learned'})`, helpers: ['PositionalEncoding'] },
  MultiHeadAttention: { field: (s) => `new MultiHeadAttention(${features(x0(s))}, ${s.attrs.numHeads}, ${s.attrs.causal}, ${s.attrs.dropout})`, helpers: ['MultiHeadAttention'] },
  TransformerEncoderBlock: {
    field: (s) => `new TransformerEncoderBlock(${features(x0(s))}, ${s.attrs.numHeads}, ${s.attrs.dimFeedforward}, ${s.attrs.dropout}, '${s.attrs.activation}', ${s.attrs.normFirst})`,
    helpers: ['MultiHeadAttention', 'TransformerEncoderBlock'],
  },
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Reshape: line((a, _b, t) => `${a}.reshape([${a}.shape[0], ${(t.shape as number[]).join(', ')}])`),
  Permute: line((a, _b, t) => `${a}.permute([0, ${(t.dims as number[]).join(', ')}])`),
  Upsample: line((a, _b, t) => `F.interpolate(${a}, { scaleFactor: ${t.scale}, mode: 'nearest' })`),
  ReLU: fixed('new nn.ReLU()'),
  LeakyReLU: field((a) => `new nn.LeakyReLU(${a.slope})`),
  ELU: field((a) => `new nn.ELU(${a.alpha})`),
  GELU: fixed('new nn.GELU()'),
  SiLU: fixed('new nn.SiLU()'),
  Tanh: fixed('new nn.Tanh()'),
  Sigmoid: fixed('new nn.Sigmoid()'),
  Softmax: field((a) => `new nn.Softmax(${a.dim})`),
  LogSoftmax: field((a) => `new nn.LogSoftmax(${a.dim})`),
  Dropout: field((a) => `new nn.Dropout(${a.p})`),
  // The node's JavaScript forward pass is not translated: the export passes its input through and says so.
  CustomCode: line((a) => `${a}; // Custom Code node: paste its forward(x, ctx) body here`),
};
