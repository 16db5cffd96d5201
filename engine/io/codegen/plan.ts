/**
 * What both code generators need from a graph, computed once: the layers in execution order
 * (from the Inputs to what feeds the Losses), a readable identifier per node, each node's input
 * expressions and shapes, every Input with the slice of a sample it reads, and every Output /
 * Loss with its settings and weight (first in the graph's node order = the prediction, as the
 * engine's GraphModel orders them). When a Loss reads a Softmax with cross-entropy, the
 * generated model returns the Softmax's input (logits) as the engine does, and says so in a
 * comment. Pure: no tensors, no DOM.
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

export interface PlanLoss { kind: string; attrs: Attrs; foldedSoftmax: boolean }

/** An Input node: its variable, and the slice of a sample's flattened values it reads. */
export interface PlanInput {
  id: string;
  name: string;
  offset: number;
  shape: number[];
}

/** An Output / Loss node: the variable it reads (logits when a Softmax is folded), its loss and weight. */
export interface PlanHead {
  id: string;
  output: string;
  loss: PlanLoss;
  weight: number;
  classes: number | null;
}

export interface CodePlan {
  /** Per-sample input shape (without N) of the first Input. */
  inputShape: number[];
  inputName: string;
  /** Every Input in the graph's node order (forward's arguments). */
  inputs: PlanInput[];
  steps: PlanStep[];
  /** Variable returned by forward() for the first Output / Loss. */
  output: string;
  loss: PlanLoss | null;
  /** Every Output / Loss, the first (the prediction) first; empty when there is none. */
  heads: PlanHead[];
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

  // The graph's node order, as GraphModel takes them (the first Loss placed is the prediction).
  const inOrder = new Set(order);
  const inputNodes = graph.nodes.filter((n) => n.type === 'Input' && inOrder.has(n.id));
  const lossNodes = graph.nodes.filter((n) => n.type === 'Loss' && inOrder.has(n.id));
  const inputNode = inputNodes[0];
  const inputSpec = getLayer('Input');
  const inputs: PlanInput[] = inputNodes.map((n) => {
    const a = inputSpec ? resolveAttrs(inputSpec, n.attrs) : n.attrs;
    return { id: n.id, name: names.get(n.id)!, offset: Number(a.offset ?? 0), shape: Array.isArray(a.shape) ? (a.shape as number[]) : [2] };
  });
  const inputShape = inputs[0]?.shape ?? [2];

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

  const fallback = steps.length ? steps[steps.length - 1]!.name : (inputNode ? names.get(inputNode.id)! : 'x');
  const lossSpec = getLayer('Loss');
  const folds: PlanStep[] = [];
  const heads: PlanHead[] = lossNodes.map((lossNode) => {
    const attrs = lossSpec ? resolveAttrs(lossSpec, lossNode.attrs) : lossNode.attrs;
    const feed = graph.edges.find((e) => e.target === lossNode.id);
    const feeder = feed ? byId.get(feed.source) : undefined;
    const ce = (attrs.loss ?? 'crossEntropy') === 'crossEntropy';
    const folded = ce && feeder?.type === 'Softmax';
    let output = feeder ? (names.get(feeder.id) ?? fallback) : fallback;
    const sm = folded && feeder ? steps.find((s) => s.id === feeder.id) : undefined;
    if (sm) {
      output = sm.inputs[0]!;
      folds.push(sm);
    }
    const kind = String(attrs.loss ?? 'crossEntropy');
    const outShape = feed ? analysis.edgeShapes[feed.id] : null;
    // [N, classes], or [N, tokens, classes] with one label per token (class losses only).
    const last = outShape?.[outShape.length - 1];
    const classes = outShape && (outShape.length === 2 || (outShape.length === 3 && (kind === 'crossEntropy' || kind === 'nll'))) && typeof last === 'number' ? last : null;
    return { id: lossNode.id, output, loss: { kind, attrs, foldedSoftmax: folded }, weight: Number(attrs.weight ?? 1), classes };
  });
  // A folded Softmax that only fed its loss leaves forward() (predict applies it).
  for (const sm of new Set(folds)) if (!steps.some((s) => s.inputs.includes(sm.name))) steps.splice(steps.indexOf(sm), 1);
  const main = heads[0];
  return {
    inputShape, inputName: inputNode ? names.get(inputNode.id)! : 'x', inputs, steps, output: main?.output ?? fallback,
    loss: main?.loss ?? null, heads, problems, classes: main?.classes ?? null,
  };
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
