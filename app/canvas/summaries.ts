/**
 * The canvas's per-layer summaries: each layer kind's key attributes in a few words, shown
 * under the node's title ("16 units", "3×3, stride 2"). Typed `Record<LayerType, Summary>`:
 * a kind added to the catalog without its row does not compile. Kinds with nothing better to
 * say show their first attribute (`firstAttr`), or nothing when they have none.
 */
import { isLayerType, type LayerType } from '../../engine/graph/catalog.ts';
import type { Attrs, LayerSpec } from '../../engine/graph/types.ts';

type Summary = (a: Attrs, spec: LayerSpec | undefined) => string;

const LOSS_NAMES: Record<string, string> = {
  crossEntropy: 'cross-entropy', mse: 'mean squared error', l1: 'mean absolute error', huber: 'Huber',
  bce: 'binary cross-entropy', bceWithLogits: 'BCE with logits', nll: 'negative log-likelihood', klDiv: 'KL divergence',
};

const sq = (k: unknown) => `${k}×${k}`;
const strideText = (a: Attrs) => `${a.stride !== undefined && a.stride !== 1 && a.stride !== 0 ? `, stride ${a.stride}` : ''}${a.padding ? `, pad ${a.padding}` : ''}`;
const none: Summary = () => '';
/** The first attribute as "label value" (e.g. "negative slope 0.01"); '' for a kind without attributes. */
const firstAttr: Summary = (a, spec) => {
  const first = spec?.attrs[0];
  if (!first || a[first.name] === undefined) return '';
  const v = a[first.name];
  return `${first.label.toLowerCase()} ${Array.isArray(v) ? v.join('×') : String(v)}`;
};
const dim: Summary = (a) => (a.dim === undefined || a.dim === -1 ? '' : `dim ${a.dim}`);
const window1d: Summary = (a) => `k${a.kernelSize}${strideText(a)}`;
const window2d: Summary = (a) => `${sq(a.kernelSize)}${strideText(a)}`;
const conv2d: Summary = (a) => `${a.filters} filters, ${sq(a.kernelSize)}${strideText(a)}`;
const recurrent: Summary = (a) => `${a.hiddenSize} hidden${a.returnSequences ? ', sequences' : ''}`;

export const SUMMARIES: Record<LayerType, Summary> = {
  Input: (a) => (Array.isArray(a.shape) ? `${a.shape.join('×')} ${a.shape.length === 1 ? 'features' : 'per sample'}` : ''),
  Dense: (a) => `${a.units} units${a.bias === false ? ', no bias' : ''}`,
  Add: firstAttr, Multiply: firstAttr, Concat: dim, Flatten: firstAttr,
  Conv1d: (a) => `${a.filters} filters, k${a.kernelSize}${strideText(a)}`,
  Conv2d: conv2d, ConvTranspose2d: conv2d,
  DepthwiseConv2d: (a) => `${sq(a.kernelSize)} depthwise${strideText(a)}`,
  MaxPool1d: window1d, AvgPool1d: window1d, MaxPool2d: window2d, AvgPool2d: window2d,
  GlobalAvgPool: firstAttr, AdaptiveAvgPool: firstAttr,
  BatchNorm1d: none, BatchNorm2d: none, LayerNorm: none,
  GroupNorm: (a) => `${a.groups} groups`,
  Embedding: (a) => `${a.numEmbeddings} tokens → ${a.embeddingDim}`,
  PositionalEncoding: firstAttr,
  MultiHeadAttention: (a) => `${a.numHeads} heads${a.causal ? ', causal' : ''}`,
  TransformerEncoderBlock: (a) => `${a.numHeads} heads, ff ${a.dimFeedforward}`,
  LSTM: recurrent, GRU: recurrent,
  Reshape: (a) => (Array.isArray(a.shape) ? `→ ${a.shape.join('×')}` : ''),
  Permute: firstAttr,
  Upsample: (a) => `×${a.scale}`,
  ReLU: firstAttr, LeakyReLU: firstAttr, ELU: firstAttr, GELU: firstAttr, SiLU: firstAttr, Tanh: firstAttr, Sigmoid: firstAttr,
  Softmax: dim, LogSoftmax: dim,
  Dropout: (a) => `p = ${a.p}`,
  CustomCode: none,
  Loss: (a) => LOSS_NAMES[String(a.loss)] ?? String(a.loss ?? 'cross-entropy'),
};

/** Key attributes in a few words ('' for a kind the catalog does not have). */
export function summarize(type: string, attrs: Attrs, spec: LayerSpec | undefined): string {
  return isLayerType(type) ? SUMMARIES[type](attrs, spec) : '';
}
