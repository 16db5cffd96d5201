/**
 * A Flowgrad graph and its weights as an ONNX model (opset 18): the graph input `input`
 * [batch, ...sample] float32 with a dynamic batch axis, the output `output` (what reaches the
 * Output / Loss node, as the engine's forward in eval mode), every trained parameter as an
 * initializer named `<nodeId>.<param>`, and in metadata_props the class names, the
 * preprocessing the inputs need and what the output means. A graph with several Inputs gets
 * one graph input per Input node (`input_<nodeId>`, its own shape; metadata `flowgrad.inputs`
 * says which slice of a sample each reads); with several Output / Loss nodes the first is
 * `output` and each other one `output_<lossNodeId>`. Pure: no tensors; the worker,
 * the CLI and the tests call it with weights from a safetensors file or a model.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { FlowgradError } from '../../core/errors.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { getLayer, resolveAttrs } from '../../graph/catalog.ts';
import type { GraphAnalysis, GraphJSON, GraphNode, Shape } from '../../graph/types.ts';
import type { Preprocessing } from '../../project/preprocessing.ts';
import { decodeSafetensors } from '../../project/safetensors.ts';
import {
  GraphProtoSchema, ModelProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema, TensorProto_DataType as DataType,
  TensorShapeProto_DimensionSchema, TensorShapeProtoSchema, TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema,
} from './proto/index.ts';
import { OnnxBuilder, type HostTensor } from './builder.ts';
import { onnxRowFor } from './layers.ts';
import type { EmitContext } from './types.ts';
import { dequantizedWeight, quantizeDequantize, type OnnxQuantization } from './qdq.ts';

export const ONNX_OPSET = 18;
/** IR version 8 is the one opset 18 shipped with (onnx 1.13); every runtime that runs opset 18 reads it. */
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';
/** metadata_props keys. */
export const META = {
  format: 'flowgrad.format',
  inputShape: 'flowgrad.input_shape',
  output: 'flowgrad.output',
  classNames: 'flowgrad.class_names',
  preprocessing: 'flowgrad.preprocessing',
  inputs: 'flowgrad.inputs',
  outputs: 'flowgrad.outputs',
} as const;

export interface OnnxExportOptions {
  /** The model's name (the project's). */
  name?: string;
  /** How raw inputs become model inputs (project.json's `preprocessing`), stored in the metadata. */
  preprocessing?: Preprocessing | null;
  /** Class names; defaults to the preprocessing's. */
  classNames?: string[] | null;
  producerVersion?: string;
  /**
   * Export an int8 model as QDQ (qdq.ts): these weights as INT8 + DequantizeLinear (the float
   * `weights` then need only the rest: biases, norms), these node inputs through Q → DQ.
   */
  quantization?: OnnxQuantization | null;
}

/** Named float32 weights: `<nodeId>.<param>` (and buffers such as `<nodeId>.running_mean`). */
export type HostWeights = ReadonlyMap<string, HostTensor>;

/** The tensors of a safetensors file as float32 (Flowgrad writes F32; F64 is narrowed). */
export function weightsFromSafetensors(bytes: Uint8Array): HostWeights {
  const { tensors } = decodeSafetensors(bytes);
  const out = new Map<string, HostTensor>();
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'F32' && t.dtype !== 'F64') throw new FlowgradError('bad-file', `ONNX export: weight '${name}' is ${t.dtype}; only F32 and F64 weights can be exported`);
    out.set(name, { shape: [...t.shape], data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Float64Array) });
  }
  return out;
}

/** What the output holds, from the node that feeds the loss and the loss kind. */
function outputMeaning(pred: GraphNode, loss: string): string {
  if (pred.type === 'Softmax' || pred.type === 'Sigmoid') return 'probabilities';
  if (pred.type === 'LogSoftmax') return 'log-probabilities';
  if (loss === 'crossEntropy') return 'logits (apply softmax for probabilities)';
  if (loss === 'bceWithLogits') return 'logits (apply sigmoid for probabilities)';
  if (loss === 'nll' || loss === 'klDiv') return 'log-probabilities';
  return 'values';
}

function tensorType(name: string, shape: (number | string)[]) {
  const dims = shape.map((d) => create(TensorShapeProto_DimensionSchema, typeof d === 'number' ? { value: { case: 'dimValue', value: BigInt(d) } } : { value: { case: 'dimParam', value: d } }));
  const tensorType_ = create(TypeProto_TensorSchema, { elemType: DataType.FLOAT, shape: create(TensorShapeProtoSchema, { dim: dims }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType_ } }) });
}

const sample = (s: Shape): number[] => s.slice(1).map(Number);

/** The nodes whose outputs reach `target` (inclusive), so an unused branch does not stop an export. */
function ancestors(graph: GraphJSON, target: string): Set<string> {
  const seen = new Set<string>([target]);
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of graph.edges) if (e.target === id && !seen.has(e.source)) {
      seen.add(e.source);
      stack.push(e.source);
    }
  }
  return seen;
}

/**
 * Checks that a graph can be exported (it analyses cleanly, has one Input and one Output /
 * Loss, and every layer that feeds the output has an ONNX row); throws a FlowgradError naming
 * the node otherwise. Callers run it before they spend time making weights.
 */
export interface OnnxPlan {
  analysis: GraphAnalysis;
  /** The first Input and Output / Loss (the model's main prediction), and every one. */
  input: GraphNode;
  loss: GraphNode;
  predId: string;
  inputs: GraphNode[];
  losses: { node: GraphNode; predId: string }[];
  needed: Set<string>;
}

/** The ONNX graph input's name for an Input node: `input` when it is the only one. */
export function onnxInputName(inputs: readonly GraphNode[], id: string): string {
  return inputs.length === 1 ? ONNX_INPUT : `${ONNX_INPUT}_${id}`;
}

export function assertOnnxExportable(graph: GraphJSON): OnnxPlan {
  const analysis = analyzeGraph(graph);
  const firstError = analysis.issues.find((i) => i.severity === 'error');
  if (!analysis.ok || firstError) throw new FlowgradError('graph', `ONNX export: ${firstError?.message ?? 'the graph has errors'}`, firstError?.nodeId ? { nodeId: firstError.nodeId } : {});
  const lossNodes = graph.nodes.filter((n) => n.type === 'Loss');
  if (lossNodes.length === 0) throw new FlowgradError('graph', 'ONNX export: the graph needs an Output / Loss node');
  const losses = lossNodes.map((node) => ({ node, predId: graph.edges.find((e) => e.target === node.id)!.source }));
  const needed = new Set<string>();
  for (const l of losses) for (const id of ancestors(graph, l.predId)) needed.add(id);
  const inputs = graph.nodes.filter((n) => n.type === 'Input' && needed.has(n.id));
  if (inputs.length === 0) throw new FlowgradError('graph', 'ONNX export: no Input leads to the Output / Loss');
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of analysis.order) {
    const n = byId.get(id)!;
    if (!needed.has(id) || n.type === 'Input' || n.type === 'Loss') continue;
    const row = onnxRowFor(n.type);
    const label = getLayer(n.type)?.label ?? n.type;
    if (!row) throw new FlowgradError('unsupported', `${label} '${id}': unknown layer kind '${n.type}' cannot be exported to ONNX`, { nodeId: id });
    if ('unsupported' in row) throw new FlowgradError('unsupported', `${label} '${id}' cannot be exported to ONNX: ${row.unsupported}`, { nodeId: id });
  }
  return { analysis, input: inputs[0]!, loss: losses[0]!.node, predId: losses[0]!.predId, inputs, losses, needed };
}

/**
 * The graph as ONNX bytes. Throws FlowgradError naming the node for a layer ONNX cannot
 * express (Custom Code) and for weights that are missing or do not fit the graph.
 */
export function exportOnnx(graph: GraphJSON, weights: HostWeights, opts: OnnxExportOptions = {}): Uint8Array {
  const { analysis, input, loss: lossNode, predId, needed, inputs, losses } = assertOnnxExportable(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const b = new OnnxBuilder();
  const values = new Map<string, string>();
  const quant = opts.quantization ?? null;
  /** Dequantized weights already emitted (a row may ask for one twice). */
  const done = new Map<string, string>();
  for (const id of analysis.order) {
    const n = byId.get(id)!;
    if (!needed.has(id) || n.type === 'Loss') continue;
    if (n.type === 'Input') {
      values.set(id, onnxInputName(inputs, id));
      continue;
    }
    const spec = getLayer(n.type)!;
    const row = onnxRowFor(n.type)!;
    if ('unsupported' in row) continue; // named above
    const attrs = resolveAttrs(spec, n.attrs);
    const sources = spec.inputs.map((p) => graph.edges.find((e) => e.target === id && e.targetPort === p.name)!.source);
    const inShapes = sources.map((s) => analysis.shapes[s]!);
    const declared = new Map(spec.params({ inputs: inShapes, attrs }).map((p) => [p.name, p.shape]));
    const label = `${spec.label} '${id}'`;
    const weight = (param: string): string => {
      const shape = declared.get(param);
      if (!shape) throw new FlowgradError('internal', `${label}: the ONNX row asks for '${param}', which the catalog does not declare`, { nodeId: id });
      const qw = quant?.weights.get(`${id}.${param}`);
      if (qw) {
        if (qw.shape.join(',') !== shape.join(',')) throw new FlowgradError('bad-argument', `${label}: int8 weight '${id}.${param}' is [${qw.shape}] but the graph needs [${shape}]`, { nodeId: id });
        return done.get(`${id}.${param}`) ?? done.set(`${id}.${param}`, dequantizedWeight(b, `${id}.${param}`, qw)).get(`${id}.${param}`)!;
      }
      const t = weights.get(`${id}.${param}`);
      if (!t) throw new FlowgradError('bad-argument', `${label}: the weights have no '${id}.${param}' (train the model, or export weights made for this graph)`, { nodeId: id });
      if (t.shape.join(',') !== shape.join(',')) throw new FlowgradError('bad-argument', `${label}: weight '${id}.${param}' is [${t.shape}] but the graph needs [${shape}]`, { nodeId: id });
      return b.initializer(`${id}.${param}`, t);
    };
    const inValues = sources.map((s) => values.get(s)!);
    const qin = quant?.inputs.get(id);
    if (qin) inValues[0] = quantizeDequantize(b, id, inValues[0]!, qin);
    const ctx: EmitContext = {
      b, id, attrs, inShapes, outShape: analysis.shapes[id]!, inputs: inValues,
      weight,
      optional: (param) => (declared.has(param) ? weight(param) : null),
      buffer(names) {
        for (const name of names) {
          const t = weights.get(`${id}.${name}`);
          if (t) return b.initializer(`${id}.${name}`, t);
        }
        return null;
      },
    };
    values.set(id, row.emit(ctx));
  }
  const outputName = (i: number) => (i === 0 ? ONNX_OUTPUT : `${ONNX_OUTPUT}_${losses[i]!.node.id}`);
  losses.forEach((l, i) => b.nodeN(l.predId, 'Identity', [values.get(l.predId)!], {}, [outputName(i)]));
  const inputOffset = getLayer('Input')!;
  const offsetOf = (n: GraphNode) => Number(resolveAttrs(inputOffset, n.attrs).offset ?? 0);
  // An Input with an offset reads a slice of the sample: the metadata says which.
  const sliced = inputs.some((n) => offsetOf(n) > 0);

  const inShape = ['batch', ...sample(analysis.shapes[input.id]!)];
  const outShape = ['batch', ...sample(analysis.shapes[predId]!)];
  const lossKind = String(resolveAttrs(getLayer('Loss')!, lossNode.attrs).loss);
  const meaning = outputMeaning(byId.get(predId)!, lossKind);
  const pre = opts.preprocessing ?? null;
  const classNames = opts.classNames ?? pre?.classNames ?? null;
  const meta: Record<string, string> = {
    [META.format]: 'flowgrad.onnx/1',
    [META.inputShape]: JSON.stringify(inShape.slice(1)),
    [META.output]: JSON.stringify({ meaning, loss: lossKind, shape: outShape.slice(1) }),
    ...(classNames ? { [META.classNames]: JSON.stringify(classNames) } : {}),
    ...(pre ? { [META.preprocessing]: JSON.stringify(pre) } : {}),
    ...(inputs.length > 1 || sliced ? { [META.inputs]: JSON.stringify(inputs.map((n) => ({ name: onnxInputName(inputs, n.id), node: n.id, offset: offsetOf(n), shape: sample(analysis.shapes[n.id]!) }))) } : {}),
    ...(losses.length > 1 ? { [META.outputs]: JSON.stringify(losses.map((l, i) => ({ name: outputName(i), node: l.node.id, shape: sample(analysis.shapes[l.predId]!) }))) } : {}),
  };
  const doc = [
    `Exported by Flowgrad from '${opts.name ?? 'model'}'.`,
    inputs.length > 1 ? `Inputs ${inputs.map((n) => `'${onnxInputName(inputs, n.id)}'`).join(', ')}: float32, one per Input node (metadata '${META.inputs}').` : `Input '${ONNX_INPUT}': float32 [${inShape.join(', ')}]${pre ? `, preprocessed as metadata '${META.preprocessing}' says (${pre.normalize ? 'x\' = (x - shift) / scale' : 'no normalisation'})` : ''}.`,
    `Output '${ONNX_OUTPUT}': float32 [${outShape.join(', ')}], ${meaning}${classNames ? `, classes in metadata '${META.classNames}'` : ''}.`,
  ].join('\n');
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(ONNX_OPSET) })],
    producerName: 'Flowgrad',
    producerVersion: opts.producerVersion ?? '0.1.0',
    docString: doc,
    graph: create(GraphProtoSchema, {
      name: (opts.name ?? 'flowgrad_model').slice(0, 200),
      node: b.nodes,
      initializer: b.initializers,
      input: inputs.map((n) => tensorType(onnxInputName(inputs, n.id), ['batch', ...sample(analysis.shapes[n.id]!)])),
      output: losses.map((l, i) => tensorType(outputName(i), ['batch', ...sample(analysis.shapes[l.predId]!)])),
    }),
    metadataProps: Object.entries(meta).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
  return toBinary(ModelProtoSchema, model);
}
