/**
 * One small graph per model layer kind, for the tests that must cover every kind (the
 * builder completeness test, the generated-code run test): Input → [layer] → Flatten →
 * Dense(2) → Loss. Typed `Record<ModelLayerType, …>`, so a kind added to the catalog
 * without its case here does not compile.
 */
import { getLayer, type ModelLayerType } from '../../graph/catalog.ts';
import type { Attrs, GraphJSON, GraphNode } from '../../graph/types.ts';

export interface LayerCase {
  /** Per-sample input shape. */
  input: number[];
  attrs?: Attrs;
  /** Inputs are integer ids below this (Embedding). */
  ids?: number;
}

const vec = (input: number[] = [4], attrs?: Attrs): LayerCase => (attrs ? { input, attrs } : { input });

export const LAYER_CASES: Record<ModelLayerType, LayerCase> = {
  Dense: vec(), Add: vec(), Multiply: vec(), Concat: vec(),
  Flatten: vec([2, 3]), Reshape: vec([6], { shape: [2, -1] }), Permute: vec([2, 3], { dims: [2, 1] }),
  Upsample: vec([1, 3, 3]),
  Conv1d: vec([2, 8], { filters: 3, kernelSize: 3, padding: 1 }),
  Conv2d: vec([2, 6, 6], { filters: 4, kernelSize: 3, stride: 2, groups: 2 }),
  DepthwiseConv2d: vec([2, 6, 6], { depthMultiplier: 2 }),
  ConvTranspose2d: vec([2, 3, 3], { filters: 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }),
  MaxPool1d: vec([2, 8]), AvgPool1d: vec([2, 8], { kernelSize: 3, stride: 2, padding: 1 }),
  MaxPool2d: vec([2, 6, 6], { kernelSize: 3, stride: 2, padding: 1 }), AvgPool2d: vec([2, 6, 6]),
  GlobalAvgPool: vec([2, 6, 6]), AdaptiveAvgPool: vec([2, 6, 6], { outputSize: [2, 3] }),
  BatchNorm1d: vec(), BatchNorm2d: vec([2, 4, 4]), LayerNorm: vec([3, 4]), GroupNorm: vec([4, 3], { groups: 2 }),
  Embedding: { input: [5], attrs: { numEmbeddings: 10, embeddingDim: 4 }, ids: 10 },
  PositionalEncoding: vec([5, 4], { kind: 'learned', maxLen: 8 }),
  MultiHeadAttention: vec([5, 4], { numHeads: 2, causal: true }),
  TransformerEncoderBlock: vec([5, 4], { numHeads: 2, dimFeedforward: 8, dropout: 0.1 }),
  LSTM: vec([5, 3], { hiddenSize: 4, returnSequences: true }), GRU: vec([5, 3], { hiddenSize: 4 }),
  ReLU: vec(), LeakyReLU: vec(), ELU: vec(), GELU: vec(), SiLU: vec(), Tanh: vec(), Sigmoid: vec(),
  Softmax: vec(), LogSoftmax: vec(), Dropout: vec(),
  CustomCode: vec(),
};

export const MODEL_LAYER_TYPES = Object.keys(LAYER_CASES) as ModelLayerType[];

/** Input → [layer] → Flatten → Dense(2) → Loss(cross-entropy), with every input port of the layer fed by the Input. */
export function tinyGraph(type: ModelLayerType): GraphJSON {
  const c = LAYER_CASES[type];
  const spec = getLayer(type)!;
  const nodes: GraphNode[] = [
    { id: 'in', type: 'Input', attrs: { shape: c.input }, position: { x: 0, y: 0 } },
    { id: 'layer', type, attrs: c.attrs ?? {}, position: { x: 200, y: 0 } },
    { id: 'flat', type: 'Flatten', attrs: {}, position: { x: 400, y: 0 } },
    { id: 'head', type: 'Dense', attrs: { units: 2 }, position: { x: 600, y: 0 } },
    { id: 'loss', type: 'Loss', attrs: { loss: 'crossEntropy' }, position: { x: 800, y: 0 } },
  ];
  const edge = (s: string, t: string, port = 'in') => ({ id: `${s}-${t}-${port}`, source: s, sourcePort: 'out', target: t, targetPort: port });
  const edges = [...spec.inputs.map((p) => edge('in', 'layer', p.name)), edge('layer', 'flat'), edge('flat', 'head'), edge('head', 'loss')];
  return { format: 'flowgrad.graph', version: 1, nodes, edges };
}
