/**
 * ONNX in: a model file as a Flowgrad graph and its weights, for the operators the catalog
 * covers — Gemm, MatMul (+ Add of a bias), Conv, ConvTranspose, max/average/global pooling,
 * BatchNormalization, LayerNormalization, the activations, Softmax/LogSoftmax, Flatten,
 * Reshape, Transpose, Concat, Add, Mul, LSTM, GRU, Gather (an Embedding), Squeeze, Unsqueeze,
 * Cast (Identity and Dropout pass through): one row per operator in importOps.ts, driven here
 * over the ONNX graph; nodes on constants alone are folded first (importFold.ts). Anything else is
 * refused with a FlowgradError naming the ONNX node and its operator. The graph ends in an
 * Output / Loss node (the loss from Flowgrad's metadata, else cross-entropy for [N,classes]
 * outputs and MSE otherwise) and is laid out in rows, ready to edit and train.
 */
import { FlowgradError } from '../../core/errors.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { defaultAttrs } from '../../graph/catalog.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphEdge, type GraphJSON, type GraphNode } from '../../graph/types.ts';
import { encodeSafetensors } from '../../project/safetensors.ts';
import { parseOnnx } from './read.ts';
import { META } from './export.ts';
import type { HostTensor } from './builder.ts';
import { ONNX_IMPORTERS } from './importOps.ts';
import { ONNX_FOLDERS } from './importFold.ts';
import { holdShapeMath } from './importSequence.ts';
import { constOf, type Const, type ImportNode, type Pending } from './importNode.ts';

export interface ImportedOnnx {
  graph: GraphJSON;
  /** The weights as a safetensors file, named `<nodeId>.<param>` like a trained project's. */
  weights: Uint8Array;
}

export function importOnnx(bytes: Uint8Array, name = 'the file'): ImportedOnnx {
  const model = parseOnnx(bytes, name);
  const g = model.graph!;
  const consts = new Map<string, Const>();
  for (const t of g.initializer) consts.set(t.name, constOf(t, name));
  const graphInputs = g.input.filter((i) => !consts.has(i.name));
  if (graphInputs.length !== 1) throw new FlowgradError('unsupported', `${name} has ${graphInputs.length} inputs; Flowgrad models have one Input`);
  const inType = graphInputs[0]!.type?.value.case === 'tensorType' ? graphInputs[0]!.type.value.value : null;
  const inDims = (inType?.shape?.dim ?? []).slice(1).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : NaN));
  if (inDims.length === 0 || inDims.some((d) => !(d > 0))) throw new FlowgradError('unsupported', `${name}: input '${graphInputs[0]!.name}' needs fixed sizes after the batch dimension`);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const weights: Record<string, HostTensor> = {};
  /** ONNX value name → the Flowgrad node that computes it. */
  const producer = new Map<string, string>();
  /** ONNX value name → a value held back until the nodes after it say what it becomes. */
  const held = new Map<string, Pending>();
  const taken = new Set<string>();
  const add = (base: string, type: string, a: Attrs, inputs: string[]): string => {
    let id = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^_+|_+$/g, '') || type.toLowerCase();
    for (let k = 2; taken.has(id); k++) id = `${base}_${k}`;
    taken.add(id);
    const i = nodes.length;
    nodes.push({ id, type, attrs: { ...defaultAttrs(type), ...a }, position: { x: 40 + (i % 6) * 200, y: 80 + Math.floor(i / 6) * 160 } });
    const ports = type === 'Add' || type === 'Multiply' || type === 'Concat' ? ['a', 'b'] : ['in'];
    inputs.forEach((src, p) => edges.push({ id: `e_${src}_${id}_${ports[p]}`, source: src, sourcePort: 'out', target: id, targetPort: ports[p]! }));
    return id;
  };
  const inputId = add('input', 'Input', { shape: inDims }, []);
  producer.set(graphInputs[0]!.name, inputId);
  const sampleOf = (id: string): number[] => {
    const s = analyzeGraph({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges }).shapes[id];
    if (!s) throw new FlowgradError('unsupported', `${name}: the shape after '${id}' cannot be inferred`);
    return s.slice(1).map(Number);
  };

  const whyNot = (v: string): string => {
    if (consts.has(v)) return 'is a constant (a constant operand is not supported here)';
    const p = held.get(v);
    if (p?.kind === 'seqFirst') return 'is the input transposed to sequence first, which only an LSTM or GRU reads';
    if (p?.kind === 'ids') return 'is the input cast to integer ids, which only a Gather (Embedding) reads';
    if (p?.kind === 'shape' || p?.kind === 'zeros') return 'is computed from the input\'s shape, which only sizes zero initial states here';
    if (p) return 'is a recurrent layer\'s output before the Squeeze (and Transpose) that make it batch first';
    return 'is not computed from the model input';
  };

  for (const n of g.node) {
    const where = `ONNX node '${n.name || n.output[0]}' (${n.opType})`;
    const fail = (why: string): never => {
      throw new FlowgradError('unsupported', `${where}: ${why}`);
    };
    if (Object.hasOwn(ONNX_FOLDERS, n.opType) && n.input.every((i) => i === '' || consts.has(i))) {
      const outs = ONNX_FOLDERS[n.opType]!(n.input.map((i) => consts.get(i) ?? null), new Map(n.attribute.map((a) => [a.name, a])), n, fail);
      outs.forEach((t, i) => consts.set(n.output[i]!, t));
      continue;
    }
    const ctx: ImportNode = {
      node: n,
      attrs: new Map(n.attribute.map((a) => [a.name, a])),
      base: n.name ? n.name.split('/')[0]! : n.output[0]!,
      fail,
      value: (i) => producer.get(n.input[i] ?? '') ?? fail(`its input '${n.input[i]}' ${whyNot(n.input[i] ?? '')}`),
      pending: (i) => held.get(n.input[i] ?? '') ?? null,
      hold: (i, v) => void held.set(n.output[i]!, v),
      konst: (i) => consts.get(n.input[i] ?? '') ?? null,
      add, sampleOf, nodes, weights, consts,
    };
    if (holdShapeMath(ctx)) continue;
    const row = Object.hasOwn(ONNX_IMPORTERS, n.opType) ? ONNX_IMPORTERS[n.opType]! : fail('this operator has no Flowgrad layer');
    const out = row(ctx);
    if (out === null) continue;
    producer.set(n.output[0]!, out);
  }

  const output = g.output[0] ?? null;
  const last = output ? producer.get(output.name) : undefined;
  if (!last) throw new FlowgradError('unsupported', `${name}: the graph output is not computed from the input`);
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  let loss: string;
  try {
    loss = String((JSON.parse(meta[META.output] ?? '{}') as { loss?: string }).loss ?? '');
  } catch {
    loss = ''; // metadata from another tool: guess below
  }
  if (!loss) loss = sampleOf(last).length === 1 && sampleOf(last)[0]! >= 2 ? 'crossEntropy' : 'mse';
  add('loss', 'Loss', { loss }, [last]);
  const graph: GraphJSON = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
  return { graph, weights: encodeSafetensors(Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }])), { format: 'flowgrad', producer: 'flowgrad onnx import' }) };
}
