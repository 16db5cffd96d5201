/**
 * Graph edits as pure commands: `(graph, args) → graph`. Every change the user makes to the
 * model (palette drop, connect, delete, attribute edit, move) goes through one of these, so
 * undo/redo and keyboard shortcuts can later be built on one place, and each is unit-tested
 * without React. A command never mutates its input; when it changes nothing it returns the
 * same graph object (so callers can skip re-renders and autosaves).
 */
import type { Attrs, AttrValue, GraphEdge, GraphJSON, GraphNode } from '../../engine/graph/types.ts';

export interface XY {
  x: number;
  y: number;
}

/** A readable, unused id for a new node of `type`, e.g. 'dense3'. */
export function newNodeId(graph: GraphJSON, type: string): string {
  return freshNodeId(new Set(graph.nodes.map((n) => n.id)), type);
}

/** Like newNodeId, against a set of taken ids (for commands that add many nodes). */
export function freshNodeId(taken: ReadonlySet<string>, type: string): string {
  const base = type.toLowerCase().replace(/[^a-z0-9]/g, '') || 'node';
  let k = 1;
  while (taken.has(`${base}${k}`)) k++;
  return `${base}${k}`;
}

export function edgeId(e: Omit<GraphEdge, 'id'>): string {
  return `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;
}

export interface AddNodeArgs {
  type: string;
  attrs: Attrs;
  position: XY;
  /** Defaults to `newNodeId(graph, type)`. */
  id?: string;
}

export function addNode(graph: GraphJSON, args: AddNodeArgs): GraphJSON {
  const id = args.id ?? newNodeId(graph, args.type);
  if (graph.nodes.some((n) => n.id === id)) throw new Error(`addNode: id '${id}' is taken`);
  const node: GraphNode = { id, type: args.type, attrs: structuredClone(args.attrs), position: { ...args.position } };
  return { ...graph, nodes: [...graph.nodes, node] };
}

export type ConnectArgs = Omit<GraphEdge, 'id'>;

/**
 * Connects an output port to an input port. An input takes one edge, so an edge already
 * arriving at the same input is replaced. Self-loops and links to missing nodes are ignored.
 */
export function connect(graph: GraphJSON, args: ConnectArgs): GraphJSON {
  const { source, sourcePort, target, targetPort } = args;
  if (source === target) return graph;
  const ids = new Set(graph.nodes.map((n) => n.id));
  if (!ids.has(source) || !ids.has(target)) return graph;
  const id = edgeId(args);
  if (graph.edges.some((e) => e.id === id)) return graph;
  const kept = graph.edges.filter((e) => !(e.target === target && e.targetPort === targetPort));
  return { ...graph, edges: [...kept, { id, source, sourcePort, target, targetPort }] };
}

export interface DeleteArgs {
  nodeIds?: readonly string[];
  edgeIds?: readonly string[];
}

/** Removes nodes (with every edge touching them, and their group memberships) and edges. */
export function deleteElements(graph: GraphJSON, args: DeleteArgs): GraphJSON {
  const nodeIds = new Set(args.nodeIds ?? []);
  const edgeIds = new Set(args.edgeIds ?? []);
  if (nodeIds.size === 0 && edgeIds.size === 0) return graph;
  const nodes = graph.nodes.filter((n) => !nodeIds.has(n.id));
  const edges = graph.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target));
  if (nodes.length === graph.nodes.length && edges.length === graph.edges.length) return graph;
  if (nodes.length === graph.nodes.length || !graph.groups?.length) return { ...graph, nodes, edges };
  const left = new Set(nodes.map((n) => n.id));
  const groups = graph.groups.map((g) => ({ ...g, nodeIds: g.nodeIds.filter((id) => left.has(id)) })).filter((g) => g.nodeIds.length > 0);
  const { groups: _old, ...rest } = graph;
  void _old;
  return groups.length ? { ...rest, nodes, edges, groups } : { ...rest, nodes, edges };
}

/** Removes whatever edge feeds `target.targetPort`. */
export function disconnectInput(graph: GraphJSON, args: { target: string; targetPort: string }): GraphJSON {
  const ids = graph.edges.filter((e) => e.target === args.target && e.targetPort === args.targetPort).map((e) => e.id);
  return deleteElements(graph, { edgeIds: ids });
}

export interface UpdateAttrArgs {
  nodeId: string;
  name: string;
  value: AttrValue;
}

export function updateAttr(graph: GraphJSON, args: UpdateAttrArgs): GraphJSON {
  const node = graph.nodes.find((n) => n.id === args.nodeId);
  if (!node) return graph;
  const old = node.attrs[args.name];
  if (old !== undefined && JSON.stringify(old) === JSON.stringify(args.value)) return graph;
  const value = Array.isArray(args.value) ? [...args.value] : args.value;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n === node ? { ...n, attrs: { ...n.attrs, [args.name]: value } } : n)),
  };
}

/** Moves nodes; attrs objects are kept (analysis memoization relies on it). */
export function moveNodes(graph: GraphJSON, moves: ReadonlyMap<string, XY>): GraphJSON {
  if (moves.size === 0) return graph;
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = moves.get(n.id);
    if (!p || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...graph, nodes } : graph;
}
