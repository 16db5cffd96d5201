/**
 * Graph JSON ⇄ React Flow. The canvas is a view of the store's GraphJSON: `toFlowNodes` /
 * `toFlowEdges` derive React Flow nodes and edges (with the analysis baked into plain-JSON
 * node data), `fromFlow` is the inverse, and `readNodeChanges` turns React Flow's change
 * events back into graph commands. Node objects are reused when nothing about them changed,
 * so React Flow's equality check and the memo'd node component skip work while dragging.
 */
import type { Connection, Edge, Node, NodeChange, EdgeChange } from '@xyflow/react';
import { getLayer, groupOf } from '../../engine/graph/catalog.ts';
import type { Attrs, GraphAnalysis, GraphIssue, GraphJSON, LayerCategory, LayerSpec, Shape } from '../../engine/graph/types.ts';
import { GRAPH_FORMAT, GRAPH_VERSION } from '../../engine/graph/types.ts';
import type { ConnectArgs, XY } from '../commands/graph.ts';
import { summarize } from './summaries.ts';

export type LayerNodeData = {
  type: string;
  label: string;
  category: LayerCategory | 'unknown';
  /** Palette section (colours the node more finely than the category). */
  group: string;
  attrs: Attrs;
  /** Key attributes in words, e.g. "16 units". */
  summary: string;
  /** Output shape, e.g. "N×16" (null when it could not be inferred). */
  shape: string | null;
  params: number;
  /** Forward FLOPs per sample. */
  flops: number;
  inputs: { name: string; label: string }[];
  outputs: { name: string; label: string }[];
  /** Error messages (analysis first, then the engine's), and warnings. */
  errors: string[];
  warnings: string[];
};

export type ShapeEdgeData = { shape: string | null };

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

export function formatShape(shape: Shape | null | undefined): string | null {
  if (!shape) return null;
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return n.toLocaleString('en-US');
}

function safeLayer(type: string): LayerSpec | undefined {
  try {
    return getLayer(type);
  } catch {
    return undefined;
  }
}

/** Layer label for a type, falling back to the type itself. */
export function layerLabel(type: string): string {
  return safeLayer(type)?.label ?? type;
}

export interface FlowViewState {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
  /** Errors the engine reported for nodes (e.g. at compile time). */
  engineErrors: Readonly<Record<string, string>>;
}

const EMPTY_VIEW: FlowViewState = { selectedNodes: new Set(), selectedEdges: new Set(), measured: {}, engineErrors: {} };

function issuesByNode(issues: GraphIssue[]): Map<string, GraphIssue[]> {
  const m = new Map<string, GraphIssue[]>();
  for (const i of issues) {
    if (i.nodeId === null) continue;
    const list = m.get(i.nodeId) ?? [];
    list.push(i);
    m.set(i.nodeId, list);
  }
  return m;
}

const NONE: string[] = [];
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function toFlowNodes(
  graph: GraphJSON,
  analysis: GraphAnalysis,
  view: FlowViewState = EMPTY_VIEW,
  cache?: Map<string, LayerFlowNode>,
): LayerFlowNode[] {
  const byNode = issuesByNode(analysis.issues);
  const out = graph.nodes.map((n): LayerFlowNode => {
    const issues = byNode.get(n.id);
    const errors = issues ? issues.filter((i) => i.severity === 'error').map((i) => i.message) : view.engineErrors[n.id] ? [] : NONE;
    if (view.engineErrors[n.id]) errors.push(view.engineErrors[n.id]);
    const warnings = issues ? issues.filter((i) => i.severity === 'warning').map((i) => i.message) : NONE;
    const shape = formatShape(analysis.shapes[n.id]);
    const params = analysis.params[n.id] ?? 0;
    const flops = analysis.flops[n.id] ?? 0;
    const prev = cache?.get(n.id);
    const pd = prev?.data;
    // Cheap field-by-field check first: on a 1,000-node graph most nodes are unchanged by an edit.
    const sameData = pd !== undefined && pd.type === n.type && pd.attrs === n.attrs && pd.shape === shape && pd.params === params &&
      pd.flops === flops && sameList(pd.errors, errors) && sameList(pd.warnings, warnings);
    const selected = view.selectedNodes.has(n.id);
    const measured = view.measured[n.id];
    if (prev && sameData && prev.selected === selected && prev.measured === measured && prev.position.x === n.position.x && prev.position.y === n.position.y) {
      return prev;
    }
    let data: LayerNodeData;
    if (sameData) data = pd;
    else {
      const spec = safeLayer(n.type);
      data = {
        type: n.type,
        label: spec?.label ?? n.type,
        category: spec?.category ?? 'unknown',
        group: spec ? groupOf(spec) : 'unknown',
        attrs: n.attrs,
        summary: summarize(n.type, n.attrs, spec),
        shape,
        params,
        flops,
        inputs: (spec?.inputs ?? []).map((p) => ({ name: p.name, label: p.label })),
        outputs: (spec?.outputs ?? []).map((p) => ({ name: p.name, label: p.label })),
        errors,
        warnings,
      };
    }
    return {
      id: n.id,
      type: 'layer',
      position: { x: n.position.x, y: n.position.y },
      data,
      selected,
      ...(measured ? { measured } : {}),
      ariaLabel: `${data.label} node`,
      className: `cat-${data.category} grp-${data.group}${errors.length ? ' has-error' : ''}`,
    };
  });
  if (cache) {
    cache.clear();
    for (const n of out) cache.set(n.id, n);
  }
  return out;
}

export function toFlowEdges(graph: GraphJSON, analysis: GraphAnalysis, view: FlowViewState = EMPTY_VIEW, cache?: Map<string, ShapeFlowEdge>): ShapeFlowEdge[] {
  let labels: Map<string, string> | null = null;
  const label = (id: string) => {
    labels ??= new Map(graph.nodes.map((n) => [n.id, layerLabel(n.type)]));
    return labels.get(id) ?? id;
  };
  const out = graph.edges.map((e): ShapeFlowEdge => {
    const shape = formatShape(analysis.edgeShapes[e.id]);
    const selected = view.selectedEdges.has(e.id);
    const prev = cache?.get(e.id);
    if (prev && prev.data?.shape === shape && prev.selected === selected && prev.source === e.source && prev.target === e.target) {
      const srcLabel = label(e.source);
      const tgtLabel = label(e.target);
      if (prev.ariaLabel?.startsWith(`Connection from ${srcLabel} to ${tgtLabel}`)) return prev;
    }
    return {
      id: e.id,
      type: 'shape',
      source: e.source,
      sourceHandle: e.sourcePort,
      target: e.target,
      targetHandle: e.targetPort,
      selected,
      data: { shape },
      ariaLabel: `Connection from ${label(e.source)} to ${label(e.target)}${shape ? `, ${shape}` : ''}`,
    };
  });
  if (cache) {
    cache.clear();
    for (const e of out) cache.set(e.id, e);
  }
  return out;
}

/** The inverse of toFlowNodes/toFlowEdges: React Flow elements back to graph JSON. */
export function fromFlow(nodes: readonly Pick<LayerFlowNode, 'id' | 'position' | 'data'>[], edges: readonly Pick<Edge, 'id' | 'source' | 'target' | 'sourceHandle' | 'targetHandle'>[]): GraphJSON {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: nodes.map((n) => ({ id: n.id, type: n.data.type, attrs: structuredClone(n.data.attrs), position: { x: n.position.x, y: n.position.y } })),
    edges: edges.map((e) => ({ id: e.id, source: e.source, sourcePort: e.sourceHandle ?? 'out', target: e.target, targetPort: e.targetHandle ?? 'in' })),
  };
}

export function connectionToArgs(c: Connection): ConnectArgs | null {
  if (!c.source || !c.target || c.source === c.target) return null;
  return { source: c.source, sourcePort: c.sourceHandle ?? 'out', target: c.target, targetPort: c.targetHandle ?? 'in' };
}

export interface ReadChanges {
  moves: Map<string, XY>;
  removedNodes: string[];
  removedEdges: string[];
  /** The new selection when any select change arrived, else null. */
  selection: { nodes: string[]; edges: string[] } | null;
  /** The new measured map when any size arrived, else null. */
  measured: Record<string, { width: number; height: number }> | null;
}

/** Reads React Flow change events into what the store should do. Pure. */
export function readChanges(
  nodeChanges: readonly NodeChange[],
  edgeChanges: readonly EdgeChange[],
  current: { selection: { nodes: string[]; edges: string[] }; measured: Record<string, { width: number; height: number }> },
): ReadChanges {
  const moves = new Map<string, XY>();
  const removedNodes: string[] = [];
  const removedEdges: string[] = [];
  const selNodes = new Set(current.selection.nodes);
  const selEdges = new Set(current.selection.edges);
  let selChanged = false;
  let measured: ReadChanges['measured'] = null;
  for (const c of nodeChanges) {
    if (c.type === 'position' && c.position) moves.set(c.id, { x: c.position.x, y: c.position.y });
    else if (c.type === 'remove') removedNodes.push(c.id);
    else if (c.type === 'select') {
      selChanged = true;
      if (c.selected) selNodes.add(c.id);
      else selNodes.delete(c.id);
    } else if (c.type === 'dimensions' && c.dimensions) {
      const old = (measured ?? current.measured)[c.id];
      if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
        measured = { ...(measured ?? current.measured), [c.id]: { width: c.dimensions.width, height: c.dimensions.height } };
      }
    }
  }
  for (const c of edgeChanges) {
    if (c.type === 'remove') removedEdges.push(c.id);
    else if (c.type === 'select') {
      selChanged = true;
      if (c.selected) selEdges.add(c.id);
      else selEdges.delete(c.id);
    }
  }
  return {
    moves,
    removedNodes,
    removedEdges,
    selection: selChanged ? { nodes: [...selNodes], edges: [...selEdges] } : null,
    measured,
  };
}

/** "Dense: input 'in' is not connected" — the issue with the layer it belongs to. */
export function issueText(issue: GraphIssue, graph: GraphJSON): string {
  if (issue.nodeId === null) return issue.message;
  const node = graph.nodes.find((n) => n.id === issue.nodeId);
  const label = node ? layerLabel(node.type) : issue.nodeId;
  return issue.message.startsWith(label) ? issue.message : `${label}: ${issue.message}`;
}
