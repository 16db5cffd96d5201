/**
 * Copy, paste and duplicate as pure commands. What is copied is a small JSON document
 * (`flowgrad.clipboard`): the chosen nodes and the edges between them. It travels through the
 * system clipboard as text, so it pastes into another tab or project; a whole graph file's
 * JSON pastes too. Pasted nodes get fresh readable ids (dense3, dense4...) and keep their
 * relative layout.
 */
import type { GraphEdge, GraphJSON, GraphNode } from '../../engine/graph/types.ts';
import { edgeId, newNodeId, type XY } from './graph.ts';

export const CLIPBOARD_FORMAT = 'flowgrad.clipboard';

export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  version: 1;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The nodes with these ids and the edges among them; null when none of them exists. */
export function copyNodes(graph: GraphJSON, nodeIds: readonly string[]): ClipboardPayload | null {
  const ids = new Set(nodeIds);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { format: CLIPBOARD_FORMAT, version: 1, nodes: structuredClone(nodes), edges: structuredClone(edges) };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readNodes(v: unknown): GraphNode[] | null {
  if (!Array.isArray(v)) return null;
  const out: GraphNode[] = [];
  for (const n of v) {
    if (!isObj(n) || typeof n.id !== 'string' || typeof n.type !== 'string' || !isObj(n.attrs)) return null;
    const p = isObj(n.position) ? n.position : {};
    const x = typeof p.x === 'number' && Number.isFinite(p.x) ? p.x : 0;
    const y = typeof p.y === 'number' && Number.isFinite(p.y) ? p.y : 0;
    out.push({ id: n.id, type: n.type, attrs: structuredClone(n.attrs) as GraphNode['attrs'], position: { x, y } });
  }
  return out;
}

function readEdges(v: unknown): GraphEdge[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (e): e is GraphEdge => isObj(e) && ['source', 'sourcePort', 'target', 'targetPort'].every((k) => typeof e[k] === 'string'),
  ).map((e) => ({ id: String(e.id ?? ''), source: e.source, sourcePort: e.sourcePort, target: e.target, targetPort: e.targetPort }));
}

/** Reads clipboard text: a Flowgrad clipboard payload or a whole graph; null for anything else. */
export function parseClipboard(text: string): ClipboardPayload | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(json) || (json.format !== CLIPBOARD_FORMAT && json.format !== 'flowgrad.graph')) return null;
  const nodes = readNodes(json.nodes);
  if (!nodes || nodes.length === 0) return null;
  return { format: CLIPBOARD_FORMAT, version: 1, nodes, edges: readEdges(json.edges) };
}

export interface PasteResult {
  graph: GraphJSON;
  nodeIds: string[];
  edgeIds: string[];
}

/**
 * Adds the payload's nodes to the graph with fresh ids. `at` places the payload's top-left
 * corner there; otherwise the nodes keep their positions moved by `offset`.
 */
export function pasteNodes(graph: GraphJSON, payload: ClipboardPayload, place: { at?: XY; offset?: XY } = {}): PasteResult {
  const minX = Math.min(...payload.nodes.map((n) => n.position.x));
  const minY = Math.min(...payload.nodes.map((n) => n.position.y));
  const d = place.at ? { x: place.at.x - minX, y: place.at.y - minY } : (place.offset ?? { x: 40, y: 40 });
  const rename = new Map<string, string>();
  let g = graph;
  const added: GraphNode[] = [];
  for (const n of payload.nodes) {
    const id = newNodeId({ ...g, nodes: [...g.nodes, ...added] }, n.type);
    rename.set(n.id, id);
    added.push({ id, type: n.type, attrs: structuredClone(n.attrs), position: { x: Math.round(n.position.x + d.x), y: Math.round(n.position.y + d.y) } });
  }
  const edges: GraphEdge[] = [];
  for (const e of payload.edges) {
    const source = rename.get(e.source);
    const target = rename.get(e.target);
    if (!source || !target) continue;
    const ne = { source, sourcePort: e.sourcePort, target, targetPort: e.targetPort };
    edges.push({ id: edgeId(ne), ...ne });
  }
  g = { ...graph, nodes: [...graph.nodes, ...added], edges: [...graph.edges, ...edges] };
  return { graph: g, nodeIds: added.map((n) => n.id), edgeIds: edges.map((e) => e.id) };
}

/** Copies and pastes in one go, offset so the copies are visible next to the originals. */
export function duplicateNodes(graph: GraphJSON, nodeIds: readonly string[], offset: XY = { x: 40, y: 40 }): PasteResult | null {
  const payload = copyNodes(graph, nodeIds);
  return payload ? pasteNodes(graph, payload, { offset }) : null;
}

/** Every node and edge: what Ctrl+A selects. */
export function selectAll(graph: GraphJSON): { nodes: string[]; edges: string[] } {
  return { nodes: graph.nodes.map((n) => n.id), edges: graph.edges.map((e) => e.id) };
}

/** Moves the given nodes by (dx, dy) — arrow-key nudging. */
export function nudgeNodes(graph: GraphJSON, nodeIds: readonly string[], dx: number, dy: number): GraphJSON {
  const ids = new Set(nodeIds);
  if (ids.size === 0 || (dx === 0 && dy === 0)) return graph;
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    if (!ids.has(n.id)) return n;
    changed = true;
    return { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } };
  });
  return changed ? { ...graph, nodes } : graph;
}
