/**
 * Compiles a model graph (engine/graph, plain JSON) into a trainable nn.Module. Each node in
 * the analysis' topological order becomes one step: a layer module for nodes with
 * parameters (registered under the node id, so weights are saved as `<nodeId>.weight`) or a
 * tensor function for the rest. Problems found here carry the node id, so the UI can show
 * them on the node.
 *
 * The Loss node is not a layer: `forward` returns the tensor that reaches it (the model's
 * prediction) and `loss` applies the chosen criterion. For cross-entropy right after a
 * Softmax node, the Softmax's input is used as the logits (log-softmax inside the loss is
 * exact and stable; softmax followed by log is not).
 */
import type { GraphAnalysis, GraphJSON, GraphNode } from '../graph/types.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { getLayer, resolveAttrs } from '../graph/catalog.ts';
import { FlowgradError } from '../core/errors.ts';
import { Module } from '../nn/module.ts';
import { Linear } from '../nn/layers.ts';
import * as F from '../nn/functional.ts';
import type { Tensor } from '../core/tensor.ts';
import { arange } from '../ops/creation.ts';

type Step = (inputs: Tensor[], training: boolean) => Tensor;

interface CompiledNode {
  node: GraphNode;
  /** Source node id per input port, in the layer's port order. */
  sources: string[];
  run: Step;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export class GraphModel extends Module {
  readonly graph: GraphJSON;
  readonly analysis: GraphAnalysis;
  readonly lossKind: 'crossEntropy' | 'mse';
  /** Classes predicted (last dimension of the prediction). */
  readonly outputSize: number;
  private readonly steps: CompiledNode[] = [];
  private readonly predictionId: string;
  /** Node whose output is used as logits for cross-entropy (skips a final Softmax). */
  private readonly logitsId: string;
  readonly inputId: string;

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
    let lossNode: GraphNode | null = null;
    let inputId: string | null = null;
    for (const id of analysis.order) {
      const node = byId.get(id)!;
      const spec = getLayer(node.type)!;
      const sources = spec.inputs.map((p) => inbound.get(id)?.get(p.name) ?? '');
      if (node.type === 'Loss') {
        lossNode = node;
        continue;
      }
      if (node.type === 'Input') inputId ??= id;
      const attrs = resolveAttrs(spec, node.attrs);
      const inShapes = sources.map((s) => analysis.shapes[s] ?? []);
      this.steps.push({ node, sources, run: this.build(node, attrs, inShapes) });
    }
    if (!lossNode || !inputId) throw new FlowgradError('graph', 'the graph needs an Input and an Output / Loss node');
    this.inputId = inputId;
    const lossAttrs = resolveAttrs(getLayer('Loss')!, lossNode.attrs);
    this.lossKind = lossAttrs.loss === 'mse' ? 'mse' : 'crossEntropy';
    this.predictionId = inbound.get(lossNode.id)!.get('in')!;
    const pred = byId.get(this.predictionId)!;
    this.logitsId = this.lossKind === 'crossEntropy' && pred.type === 'Softmax' ? inbound.get(pred.id)!.get('in')! : this.predictionId;
    const predShape = analysis.shapes[this.predictionId] ?? [];
    this.outputSize = num(predShape[predShape.length - 1] ?? 1);
  }

  private build(node: GraphNode, attrs: Record<string, unknown>, inShapes: (number | string)[][]): Step {
    switch (node.type) {
      case 'Input':
        return (xs) => xs[0];
      case 'Dense': {
        const inShape = inShapes[0];
        const inF = num(inShape[inShape.length - 1]);
        const layer = new Linear(inF, num(attrs.units), { bias: attrs.bias !== false });
        this.registerModule(node.id, layer);
        return ([x]) => layer.forward(x);
      }
      case 'ReLU': return ([x]) => x.relu();
      case 'LeakyReLU': return ([x]) => x.leakyRelu(num(attrs.slope));
      case 'ELU': return ([x]) => x.elu(num(attrs.alpha));
      case 'GELU': return ([x]) => x.gelu();
      case 'SiLU': return ([x]) => x.silu();
      case 'Tanh': return ([x]) => x.tanh();
      case 'Sigmoid': return ([x]) => x.sigmoid();
      case 'Softmax': return ([x]) => x.softmax(num(attrs.dim));
      case 'Dropout': return ([x], training) => F.dropout(x, num(attrs.p), training);
      case 'Flatten': return ([x]) => x.flatten(1);
      case 'Add': return ([a, b]) => a.add(b);
      case 'Concat': return ([a, b]) => a.concat([b], num(attrs.dim));
      default:
        throw new FlowgradError('unsupported', `${node.type}: this layer cannot be trained yet`, { nodeId: node.id });
    }
  }

  /** Runs the graph; returns every node's output by id. */
  private run(x: Tensor): Map<string, Tensor> {
    const values = new Map<string, Tensor>();
    for (const s of this.steps) {
      const inputs = s.node.type === 'Input' ? [x] : s.sources.map((id) => values.get(id)!);
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
   * Loss and prediction for a batch. `y` holds class indices (int32, cross-entropy; one-hot
   * targets are built for MSE on class scores) or float targets (MSE).
   */
  lossAndPrediction(x: Tensor, y: Tensor): { loss: Tensor; prediction: Tensor } {
    const values = this.run(x);
    const prediction = values.get(this.predictionId)!;
    if (this.lossKind === 'crossEntropy') {
      if (y.dtype !== 'int32') throw new FlowgradError('dtype', 'cross-entropy needs class labels; this dataset has numeric targets — choose the MSE loss', { nodeId: this.lossNodeId() });
      return { loss: F.crossEntropy(values.get(this.logitsId)!, y), prediction };
    }
    const target = y.dtype === 'int32' && this.outputSize > 1 ? y.unsqueeze(-1).eq(arange(this.outputSize)).cast('float32') : y.cast('float32').reshape(prediction.shape);
    return { loss: F.mseLoss(prediction, target), prediction };
  }

  /** Class probabilities for classification heads (softmax applied when the graph has none). */
  probabilities(x: Tensor): Tensor {
    const values = this.run(x);
    const pred = values.get(this.predictionId)!;
    if (this.logitsId !== this.predictionId || this.lossKind !== 'crossEntropy') return pred;
    return pred.softmax(-1);
  }

  private lossNodeId(): string {
    return this.graph.nodes.find((n) => n.type === 'Loss')!.id;
  }
}
