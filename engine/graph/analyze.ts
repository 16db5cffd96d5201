/**
 * `analyzeGraph`: everything the editor shows about a graph while it is being built, and
 * the gate before training. It checks the graph (unknown layers, unconnected or doubly
 * connected ports, bad attribute values, loops, missing Input or Loss, dead branches),
 * infers every node's output shape with the symbolic batch dimension 'N' in topological
 * order, and counts parameters and FLOPs. Each issue points at the node (and attribute) the
 * user should look at; an issue never cascades: a node whose inputs are unknown gets no
 * shape and no error of its own.
 *
 * Linear in nodes + edges (the editor calls it on every change). Pure: no tensors.
 */
import type { Attrs, GraphAnalysis, GraphIssue, GraphJSON, IssueCode, LayerSpec, Shape } from './types.ts';
import { checkAttrs, getLayer, resolveAttrs } from './catalog.ts';
import { ShapeError, numel } from './shapes.ts';
import { loops, reach, topoOrder } from './topology.ts';
import { isFlowgradError } from '../core/errors.ts';
import { fmtCount } from '../core/limits.ts';
import { checkSize, perSample } from './size.ts';

export function analyzeGraph(graph: GraphJSON): GraphAnalysis {
  const issues: GraphIssue[] = [];
  const issue = (nodeId: string | null, code: IssueCode, message: string, attr?: string, severity: 'error' | 'warning' = 'error') => {
    issues.push(attr === undefined ? { nodeId, code, severity, message } : { nodeId, attr, code, severity, message });
  };

  // Nodes: numbered in file order; a repeated id is reported and the repeat ignored.
  const seenIds = new Set<string>();
  const nodes = graph.nodes.filter((node) => {
    if (!seenIds.has(node.id)) {
      seenIds.add(node.id);
      return true;
    }
    issue(node.id, 'bad-port', `Two nodes have the id '${node.id}'; ids must be unique, so the second one is ignored`);
    return false;
  });
  const n = nodes.length;
  const index = new Map<string, number>(nodes.map((node, i) => [node.id, i]));
  const specs: (LayerSpec | undefined)[] = [];
  const attrs: (Attrs | null)[] = []; // resolved, or null when a value is bad
  for (const node of nodes) {
    const spec = getLayer(node.type);
    specs.push(spec);
    if (!spec) {
      issue(node.id, 'unknown-type', `Unknown layer type '${node.type}': this version of Flowgrad cannot build it; replace or delete it`);
      attrs.push(null);
      continue;
    }
    const problems = checkAttrs(spec, node.attrs ?? {});
    for (const p of problems) issue(node.id, 'bad-attr', p.message, p.attr, p.severity);
    attrs.push(problems.some((p) => p.severity === 'error') ? null : resolveAttrs(spec, node.attrs ?? {}));
  }

  // Edges: those naming existing nodes and ports become adjacency; each input port collects its edges.
  const out: number[][] = Array.from({ length: n }, () => []);
  const inn: number[][] = Array.from({ length: n }, () => []);
  const inDegree = new Array<number>(n).fill(0);
  const selfLoop = new Array<boolean>(n).fill(false);
  const portEdges: number[][][] = specs.map((s) => (s ? s.inputs.map(() => []) : []));
  const edgeSource: (number | null)[] = [];
  const edgeIds = new Set<string>();
  graph.edges.forEach((e, k) => {
    edgeSource.push(null);
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (edgeIds.has(e.id)) issue(t === undefined ? null : e.target, 'bad-port', `Two edges have the id '${e.id}'; ids must be unique`);
    edgeIds.add(e.id);
    if (s === undefined || t === undefined) {
      const missing = s === undefined ? e.source : e.target;
      issue(t !== undefined ? e.target : s !== undefined ? e.source : null, 'bad-port', `Connection '${e.id}' refers to node '${missing}', which does not exist`);
      return;
    }
    const [ss, ts] = [specs[s], specs[t]];
    if (ss && !ss.outputs.some((p) => p.name === e.sourcePort)) {
      const has = ss.outputs.length ? `its outputs are ${ss.outputs.map((p) => `'${p.name}'`).join(', ')}` : 'it has no outputs';
      issue(e.source, 'bad-port', `${ss.label}: connection '${e.id}' leaves from output '${e.sourcePort}', which does not exist (${has})`);
      return;
    }
    const port = ts ? ts.inputs.findIndex((p) => p.name === e.targetPort) : -1;
    if (ts && port < 0) {
      const has = ts.inputs.length ? `its inputs are ${ts.inputs.map((p) => `'${p.name}'`).join(', ')}` : 'it has no inputs';
      issue(e.target, 'bad-port', `${ts.label}: connection '${e.id}' arrives at input '${e.targetPort}', which does not exist (${has})`);
      return;
    }
    edgeSource[k] = s;
    out[s]!.push(t);
    inn[t]!.push(s);
    inDegree[t]!++;
    if (s === t) selfLoop[s] = true;
    if (ts) portEdges[t]![port]!.push(s);
  });

  // Ports: exactly one edge each.
  specs.forEach((spec, i) => {
    spec?.inputs.forEach((p, k) => {
      const count = portEdges[i]![k]!.length;
      if (count === 0) issue(nodes[i]!.id, 'missing-input', `${spec.label}: input '${p.name}' is not connected`);
      if (count > 1) issue(nodes[i]!.id, 'extra-input', `${spec.label}: input '${p.name}' has ${count} connections; an input takes exactly one (use Add or Concat to combine)`);
    });
  });

  // Loops: one issue per node on a loop, naming a few of the others (linear in the loop size).
  for (const comp of loops(n, out, selfLoop)) {
    const first = comp.slice(0, 6).map((i) => nodes[i]!.id);
    for (const i of comp) {
      const id = nodes[i]!.id;
      const others = first.filter((x) => x !== id).slice(0, 5);
      const more = comp.length - 1 - others.length;
      const what = comp.length === 1 ? 'is connected to itself' : `is in a loop with ${others.map((x) => `'${x}'`).join(', ')}${more > 0 ? ` and ${fmtCount(more)} more` : ''}`;
      issue(id, 'cycle', `${specs[i]?.label ?? nodes[i]!.type}: ${what}; data must flow one way from Input to Loss, so remove one of the loop's connections`);
    }
  }

  // Shapes, parameters and FLOPs in topological order.
  const topo = topoOrder(n, out, inDegree);
  const nodeShape: (Shape | null)[] = new Array<Shape | null>(n).fill(null);
  const nodeParams: (number | null)[] = new Array<number | null>(n).fill(null);
  const nodeFlops: (number | null)[] = new Array<number | null>(n).fill(null);
  const nodeProducts: ([number, number][] | undefined)[] = new Array<[number, number][] | undefined>(n);
  for (const i of topo) {
    const spec = specs[i];
    const a = attrs[i];
    if (!spec || !a || portEdges[i]!.some((edges) => edges.length !== 1)) continue;
    const inputs = portEdges[i]!.map((edges) => nodeShape[edges[0]!]!);
    if (inputs.some((s) => s === null)) continue;
    const ctx = { inputs, attrs: a };
    try {
      nodeShape[i] = spec.inferShape(ctx);
      nodeParams[i] = spec.params(ctx).reduce((sum, p) => sum + numel(p.shape), 0);
      nodeFlops[i] = spec.flops(ctx);
      if (spec.products) nodeProducts[i] = spec.products(ctx);
    } catch (e) {
      nodeShape[i] = null;
      const attr = e instanceof ShapeError ? e.attr : undefined;
      const message = isFlowgradError(e) ? e.message : `${spec.label}: ${String(e)}`;
      issue(nodes[i]!.id, 'shape-mismatch', message, attr);
    }
  }

  // Structure: one Input or more, one Loss or more (their weighted sum is trained), every node on a path from an Input to a Loss.
  const inputs: number[] = [];
  const losses: number[] = [];
  specs.forEach((s, i) => {
    if (s?.type === 'Input') inputs.push(i);
    if (s?.category === 'loss') losses.push(i);
  });
  if (inputs.length === 0) issue(null, 'no-input-node', 'The model has no Input node: add one from the palette so data has a way in');
  if (losses.length === 0) issue(null, 'no-loss-node', 'The model has no Output / Loss node: add one at the end so training knows what to minimize');
  const fromInput = reach(n, out, inputs);
  const toLoss = reach(n, inn, losses);
  if (inputs.length > 0) {
    for (const i of losses) {
      const connected = portEdges[i]!.every((edges) => edges.length > 0);
      if (connected && !fromInput[i]) issue(nodes[i]!.id, 'unreachable', 'Output / Loss: no path leads here from an Input node, so the model has nothing to train on; connect the Input to the layers before it');
    }
  }
  const unused = new Uint8Array(n);
  if (losses.length === 1) {
    for (let i = 0; i < n; i++) {
      if (fromInput[i] && !toLoss[i]) {
        unused[i] = 1;
        issue(nodes[i]!.id, 'unused', `${specs[i]?.label ?? nodes[i]!.type}: its output does not lead to the Output / Loss, so it does not affect training`, undefined, 'warning');
      }
    }
  }

  // Results keyed by id. Totals count every node whose numbers are known except dead branches.
  const shapes: Record<string, Shape | null> = {};
  const params: Record<string, number> = {};
  const flops: Record<string, number> = {};
  const products: Record<string, [number, number][]> = {};
  let totalParams = 0;
  let totalFlops = 0;
  const acts = new Array<number>(n).fill(0); // values per sample, for the memory estimate
  nodes.forEach((node, i) => {
    shapes[node.id] = nodeShape[i]!;
    params[node.id] = nodeParams[i] ?? 0;
    flops[node.id] = nodeFlops[i] ?? 0;
    if (nodeProducts[i]) products[node.id] = nodeProducts[i]!;
    if (!unused[i]) {
      totalParams += nodeParams[i] ?? 0;
      totalFlops += nodeFlops[i] ?? 0;
      acts[i] = perSample(nodeShape[i]!);
    }
  });
  checkSize(nodes.map((node) => node.id), specs.map((s, i) => s?.label ?? nodes[i]!.type), nodeParams, acts, totalParams, issue);
  const edgeShapes: Record<string, Shape | null> = {};
  graph.edges.forEach((e, k) => {
    const s = edgeSource[k];
    edgeShapes[e.id] = s === null || s === undefined ? null : nodeShape[s]!;
  });
  const order = topo.filter((i) => fromInput[i] && toLoss[i]).map((i) => nodes[i]!.id);
  return {
    ok: !issues.some((x) => x.severity === 'error'),
    issues, shapes, edgeShapes, params, flops, products, totalParams, totalFlops, order,
  };
}
