/**
 * Compiles a model graph (engine/graph, plain JSON) into a trainable nn.Module. Each node in
 * the analysis' topological order becomes one step built by its family's builder
 * (builders/*.ts): a module registered under the node id (so weights are saved as
 * `<nodeId>.weight`) or a tensor function. Problems found here carry the node id, so the UI
 * can show them on the node.
 *
 * The Loss node is not a layer: `forward` returns the tensor that reaches it (the model's
 * prediction) and `lossAndPrediction` applies the chosen criterion (losses.ts). A model may
 * have several Inputs, each fed its slice of a sample's flattened values (its `offset`), and
 * several Loss nodes: training lowers the sum of each loss times its `weight`, every one
 * against the dataset's targets; the first Loss in the graph's node list gives the prediction. For
 * cross-entropy right after a Softmax node (or BCE right after a Sigmoid), the node's input
 * is used as the logits: the fused log-softmax / log-sigmoid forms are exact and stable.
 */
import type { GraphAnalysis, GraphJSON, GraphNode } from '../graph/types.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { getLayer, resolveAttrs } from '../graph/catalog.ts';
import type { LossName } from '../graph/catalog/io.ts';
import { FlowgradError } from '../core/errors.ts';
import { Module } from '../nn/module.ts';
import type { Tensor } from '../core/tensor.ts';
import { builderFor, type Step } from './builders/index.ts';
import { batchLoss, type LossSpec } from './losses.ts';

/** One Output / Loss node: what reaches it, its logits (a folded Softmax / Sigmoid skipped) and its criterion. */
interface LossHead {
  nodeId: string;
  predictionId: string;
  logitsId: string;
  spec: LossSpec;
  weight: number;
}

/** An Input and the slice of a flattened sample it reads. */
interface InputSlot {
  id: string;
  offset: number;
  shape: number[];
  size: number;
}

interface CompiledNode {
  node: GraphNode;
  /** Source node id per input port, in the layer's port order. */
  sources: string[];
  run: Step;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export class GraphModel extends Module {
  readonly graph: GraphJSON;
  readonly analysis: GraphAnalysis;
  readonly lossKind: LossName;
  readonly lossSpec: LossSpec;
  /** Classes predicted (last dimension of the prediction). */
  readonly outputSize: number;
  /** Per-sample shape the model takes: the Input's, or with several Inputs (or an offset) the flat values up to the last one read. */
  readonly inputShape: number[];
  /** Every Input with its slice; every Output / Loss (the first is the prediction). */
  readonly inputs: InputSlot[] = [];
  readonly heads: LossHead[] = [];
  private readonly steps: CompiledNode[] = [];
  private readonly predictionId: string;
  /** Node whose output is used as logits (skips a final Softmax / Sigmoid). */
  private readonly logitsId: string;
  readonly inputId: string;
  readonly lossNodeId: string;
  /**
   * Sees (and may replace) the tensors entering each layer before it runs: quantization
   * calibrates on them and simulates int8 activations with it (engine/compress).
   */
  inputHook: ((node: GraphNode, inputs: Tensor[]) => Tensor[]) | null = null;

  constructor(graph: GraphJSON, analysis: GraphAnalysis = analyzeGraph(graph)) {
    super();
    const firstError = analysis.issues.find((i) => i.severity === 'error');
    if (!analysis.ok || firstError) {
      throw new FlowgradError('graph', firstError?.message ?? 'the graph has errors', firstError?.nodeId ? { nodeId: firstError.nodeId } : {});
    }
    this.graph = graph;
    this.analysis = analysis;
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const inbound = new Map<string, Map<string, string>>();
    for (const e of graph.edges) {
      let m = inbound.get(e.target);
      if (!m) inbound.set(e.target, (m = new Map()));
      m.set(e.targetPort, e.source);
    }
    const lossNodes: GraphNode[] = [];
    for (const id of analysis.order) {
      const node = byId.get(id)!;
      const spec = getLayer(node.type)!;
      const sources = spec.inputs.map((p) => inbound.get(id)?.get(p.name) ?? '');
      if (node.type === 'Loss') {
        lossNodes.push(node);
        continue;
      }
      if (node.type === 'Input') {
        const shape = (analysis.shapes[id] ?? []).slice(1).map(num);
        this.inputs.push({ id, offset: num(resolveAttrs(spec, node.attrs).offset ?? 0), shape, size: shape.reduce((a, b) => a * b, 1) });
        this.steps.push({ node, sources, run: ([x]) => x! });
        continue;
      }
      const builder = builderFor(node.type);
      if (!builder) throw new FlowgradError('unsupported', `${node.type}: this layer cannot be trained yet`, { nodeId: id });
      const attrs = resolveAttrs(spec, node.attrs);
      const inShapes = sources.map((s) => analysis.shapes[s] ?? []);
      try {
        const run = builder({ node, attrs, inShapes, outShape: analysis.shapes[id] ?? [], register: (m) => this.registerModule(id, m) });
        this.steps.push({ node, sources, run });
      } catch (e) {
        if (e instanceof FlowgradError && !e.nodeId) throw new FlowgradError(e.code, `${spec.label}: ${e.message}`, { nodeId: id, cause: e });
        throw e;
      }
    }
    if (lossNodes.length === 0 || this.inputs.length === 0) throw new FlowgradError('graph', 'the graph needs an Input and an Output / Loss node');
    this.inputId = this.inputs[0]!.id;
    const single = this.inputs.length === 1 && this.inputs[0]!.offset === 0;
    this.inputShape = single ? this.inputs[0]!.shape : [Math.max(...this.inputs.map((i) => i.offset + i.size))];
    // The first Output / Loss as the user placed it (node order), not as the walk met it, is the prediction.
    const place = new Map(graph.nodes.map((n, i) => [n.id, i]));
    lossNodes.sort((a, b) => place.get(a.id)! - place.get(b.id)!);
    for (const lossNode of lossNodes) {
      const la = resolveAttrs(getLayer('Loss')!, lossNode.attrs);
      const kind = la.loss as LossName;
      const predictionId = inbound.get(lossNode.id)!.get('in')!;
      const pred = byId.get(predictionId)!;
      const fused = (kind === 'crossEntropy' && pred.type === 'Softmax') || (kind === 'bce' && pred.type === 'Sigmoid');
      this.heads.push({
        nodeId: lossNode.id, predictionId, logitsId: fused ? inbound.get(pred.id)!.get('in')! : predictionId, weight: num(la.weight ?? 1),
        spec: { kind, labelSmoothing: num(la.labelSmoothing), delta: num(la.delta), classWeights: [...((la.classWeights as number[] | undefined) ?? [])] },
      });
    }
    const main = this.heads[0]!;
    this.lossNodeId = main.nodeId;
    this.lossKind = main.spec.kind;
    this.lossSpec = main.spec;
    this.predictionId = main.predictionId;
    this.logitsId = main.logitsId;
    const predShape = analysis.shapes[this.predictionId] ?? [];
    this.outputSize = num(predShape[predShape.length - 1] ?? 1);
  }

  /** Runs the graph; returns every node's output by id. */
  private run(x: Tensor): Map<string, Tensor> {
    const values = new Map<string, Tensor>();
    const n = x.shape[0]!;
    const fed = new Map<string, Tensor>();
    if (this.inputs.length === 1 && this.inputs[0]!.offset === 0) {
      const input = x.shape.length === this.inputShape.length + 1 && x.shape.slice(1).join(',') === this.inputShape.join(',') ? x : x.reshape([n, ...this.inputShape]);
      fed.set(this.inputs[0]!.id, input);
    } else {
      // Each Input takes its slice of the flat sample (which may hold more values than they read), in its own shape.
      const flat = x.reshape([n, x.size / Math.max(1, n)]);
      for (const i of this.inputs) fed.set(i.id, flat.narrow(1, i.offset, i.size).reshape([n, ...i.shape]));
    }
    for (const s of this.steps) {
      let inputs = s.node.type === 'Input' ? [fed.get(s.node.id)!] : s.sources.map((id) => values.get(id)!);
      if (this.inputHook && s.node.type !== 'Input') inputs = this.inputHook(s.node, inputs);
      try {
        values.set(s.node.id, s.run(inputs, this.training));
      } catch (e) {
        if (e instanceof FlowgradError && !e.nodeId) throw new FlowgradError(e.code, `${s.node.type}: ${e.message}`, { nodeId: s.node.id, cause: e });
        throw e;
      }
    }
    return values;
  }

  /** The model's prediction: the tensor that reaches the Output / Loss node. */
  override forward(x: Tensor): Tensor {
    return this.run(x).get(this.predictionId)!;
  }

  /**
   * Loss and prediction for a batch. `y` holds class indices (int32) or numeric targets
   * (float32); each loss turns them into the target it needs (losses.ts).
   */
  lossAndPrediction(x: Tensor, y: Tensor): { loss: Tensor; prediction: Tensor; logits: Tensor } {
    const values = this.run(x);
    let total: Tensor | null = null;
    for (const h of this.heads) {
      let l: Tensor;
      try {
        l = batchLoss(h.spec, values.get(h.predictionId)!, values.get(h.logitsId)!, y);
      } catch (e) {
        if (e instanceof FlowgradError && !e.nodeId) throw new FlowgradError(e.code, `Output / Loss: ${e.message}`, { nodeId: h.nodeId, cause: e });
        throw e;
      }
      // One head with weight 1 stays exactly the single-loss computation.
      const weighted = this.heads.length === 1 && h.weight === 1 ? l : l.mul(h.weight);
      total = total ? total.add(weighted) : weighted;
    }
    return { loss: total!, prediction: values.get(this.predictionId)!, logits: values.get(this.logitsId)! };
  }

  /** The logits: the prediction, or the input of a final Softmax / Sigmoid the loss fuses (distillation compares them). */
  logits(x: Tensor): Tensor {
    return this.run(x).get(this.logitsId)!;
  }

  /** Class probabilities for classification heads (softmax applied when the graph has none). */
  probabilities(x: Tensor): Tensor {
    const values = this.run(x);
    const pred = values.get(this.predictionId)!;
    if (this.lossKind === 'crossEntropy' && this.logitsId === this.predictionId) return pred.softmax(-1);
    if (this.lossKind === 'nll' || this.lossKind === 'klDiv') return pred.exp();
    if (this.lossKind === 'bceWithLogits' || (this.lossKind === 'bce' && this.logitsId !== this.predictionId)) return values.get(this.logitsId)!.sigmoid();
    return pred;
  }
}
