/**
 * What both code generators need from a graph, computed once: the layers in execution order
 * (from the Input to what feeds the Loss), a readable identifier per node, each node's input
 * expressions and shapes, and the loss settings. When the Loss reads a Softmax with
 * cross-entropy, the generated model returns the Softmax's input (logits) as the engine does,
 * and says so in a comment. Pure: no tensors, no DOM.
 */
import { analyzeGraph } from '../../graph/analyze.ts';
import { getLayer, resolveAttrs, type ModelLayerType } from '../../graph/catalog.ts';
import type { Attrs, GraphJSON, Shape } from '../../graph/types.ts';

export interface PlanStep {
  id: string;
  type: string;
  /** Identifier for the layer's module / output variable (camelCase-safe, unique). */
  name: string;
  attrs: Attrs;
  /** Variable names of the inputs, in port order. */
  inputs: string[];
  inputShapes: Shape[];
  outShape: Shape | null;
}

export interface CodePlan {
  /** Per-sample input shape (without N). */
  inputShape: number[];
  inputName: string;
  steps: PlanStep[];
  /** Variable returned by forward(). */
  output: string;
  loss: { kind: string; attrs: Attrs; foldedSoftmax: boolean } | null;
  /** Problems that make the code incomplete (listed as comments at the top). */
  problems: string[];
  classes: number | null;
}

const RESERVED = new Set(['x', 'in', 'out', 'self', 'this', 'model', 'loss', 'input', 'for', 'if', 'class', 'def', 'return', 'new', 'import', 'from', 'lambda', 'let', 'const', 'var', 'function']);

function identifier(id: string, taken: Set<string>): string {
  let base = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'layer';
  if (RESERVED.has(base)) base = `${base}_`;
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}

export function planGraph(graph: GraphJSON): CodePlan {
  const analysis = analyzeGraph(graph);
  const problems = analysis.issues.filter((i) => i.severity === 'error').map((i) => i.message);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const order = analysis.order.length ? analysis.order : graph.nodes.map((n) => n.id);
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const id of order) names.set(id, identifier(id, taken));

  const inputNode = order.map((id) => byId.get(id)).find((n) => n?.type === 'Input');
  const lossNode = order.map((id) => byId.get(id)).find((n) => n?.type === 'Loss');
  const ioCount = (t: string) => order.filter((id) => byId.get(id)?.type === t).length;
  if (ioCount('Input') > 1 || ioCount('Loss') > 1) {
    problems.push('several Inputs or Output / Loss nodes: this code covers only the first of each (multi-input code is not generated yet; the ONNX export and the .flowgrad.zip project keep the whole model)');
  }
  const inputShape = inputNode && Array.isArray(inputNode.attrs.shape) ? (inputNode.attrs.shape as number[]) : [2];

  const steps: PlanStep[] = [];
  for (const id of order) {
    const n = byId.get(id);
    if (!n || n.type === 'Input' || n.type === 'Loss') continue;
    const spec = getLayer(n.type);
    const ports = spec?.inputs ?? [{ name: 'in', label: 'in' }];
    const inputs = ports.map((p) => {
      const e = graph.edges.find((x) => x.target === id && x.targetPort === p.name);
      return e ? (names.get(e.source) ?? e.source) : 'undefined';
    });
    const inputShapes = ports.map((p) => {
      const e = graph.edges.find((x) => x.target === id && x.targetPort === p.name);
      return (e && analysis.shapes[e.source]) || [];
    });
    steps.push({ id, type: n.type, name: names.get(id)!, attrs: spec ? resolveAttrs(spec, n.attrs) : n.attrs, inputs, inputShapes, outShape: analysis.shapes[id] ?? null });
  }

  let output = steps.length ? steps[steps.length - 1]!.name : (inputNode ? names.get(inputNode.id)! : 'x');
  let loss: CodePlan['loss'] = null;
  if (lossNode) {
    const attrs = getLayer('Loss') ? resolveAttrs(getLayer('Loss')!, lossNode.attrs) : lossNode.attrs;
    const feed = graph.edges.find((e) => e.target === lossNode.id);
    const feeder = feed ? byId.get(feed.source) : undefined;
    const ce = (attrs.loss ?? 'crossEntropy') === 'crossEntropy';
    const folded = ce && feeder?.type === 'Softmax';
    if (feeder) output = names.get(feeder.id) ?? output;
    if (folded && feeder) {
      const sm = steps.find((s) => s.id === feeder.id);
      if (sm) {
        output = sm.inputs[0]!;
        // The Softmax only fed the loss: drop it from forward() (predict applies it).
        if (!steps.some((s) => s.inputs.includes(sm.name))) steps.splice(steps.indexOf(sm), 1);
      }
    }
    loss = { kind: String(attrs.loss ?? 'crossEntropy'), attrs, foldedSoftmax: folded };
  }
  const outShape = lossNode ? analysis.edgeShapes[graph.edges.find((e) => e.target === lossNode.id)?.id ?? ''] : null;
  const classes = outShape && outShape.length === 2 && typeof outShape[1] === 'number' ? outShape[1] : null;
  return { inputShape, inputName: inputNode ? names.get(inputNode.id)! : 'x', steps, output, loss, problems, classes };
}

/** Per-sample part of a shape (drops the batch dimension). */
export const sample = (s: Shape | undefined | null): number[] => (s ?? []).filter((d): d is number => d !== 'N');

/** Channels / features of an input shape: dim 1 for [N,C,...], the last for [N,F]. */
export const channels = (s: Shape | undefined): number => {
  const d = sample(s);
  return d.length <= 1 ? (d[0] ?? 0) : d[0]!;
};
export const features = (s: Shape | undefined): number => {
  const d = sample(s);
  return d[d.length - 1] ?? 0;
};

/** A step's row in a per-layer table, or undefined for a kind the catalog does not have. */
export function rowOf<R>(table: Readonly<Record<ModelLayerType, R>>, type: string): R | undefined {
  return Object.hasOwn(table, type) ? table[type as ModelLayerType] : undefined;
}
