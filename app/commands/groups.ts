/**
 * Groups as pure commands: gather nodes into a named block, rename it, collapse/expand it
 * (drawn as one node on the canvas), repeat it ×N (chained copies, so shape inference runs
 * through every copy) and ungroup. A group is UI metadata in the graph's optional `groups`
 * list; the flat nodes/edges stay the source of truth for analysis, training and export.
 * Like the other commands these never mutate their input and return the same graph object
 * when nothing changes.
 */
import { getLayer } from '../../engine/graph/catalog.ts';
import type { GraphAnalysis, GraphEdge, GraphGroup, GraphJSON, GraphNode, Shape } from '../../engine/graph/types.ts';
import { edgeId, freshNodeId, type XY } from './graph.ts';

/** Canvas id of a collapsed group's node (graph node ids never contain ':'). */
export const GROUP_NODE_PREFIX = 'group:';
export const groupNodeId = (groupId: string) => `${GROUP_NODE_PREFIX}${groupId}`;
export const groupIdOfNode = (id: string): string | null => (id.startsWith(GROUP_NODE_PREFIX) ? id.slice(GROUP_NODE_PREFIX.length) : null);

export const groupsOf = (graph: GraphJSON): GraphGroup[] => graph.groups ?? [];

export function findGroup(graph: GraphJSON, groupId: string): GraphGroup | undefined {
  return groupsOf(graph).find((g) => g.id === groupId);
}

/** The group a node belongs to, if any. */
export function groupOfNode(graph: GraphJSON, nodeId: string): GraphGroup | undefined {
  return groupsOf(graph).find((g) => g.nodeIds.includes(nodeId));
}

/** The group whose members are exactly these node ids, if any. */
export function groupWithMembers(graph: GraphJSON, nodeIds: readonly string[]): GraphGroup | undefined {
  const ids = new Set(nodeIds);
  return groupsOf(graph).find((g) => g.nodeIds.length === ids.size && g.nodeIds.every((n) => ids.has(n)));
}

function withGroups(graph: GraphJSON, groups: GraphGroup[]): GraphJSON {
  if (groups.length > 0) return { ...graph, groups };
  const { groups: _dropped, ...rest } = graph;
  void _dropped;
  return rest;
}

/** Drops member ids of nodes that no longer exist, and groups left empty (after a delete). */
export function pruneGroups(graph: GraphJSON): GraphJSON {
  const groups = groupsOf(graph);
  if (groups.length === 0) return graph;
  const ids = new Set(graph.nodes.map((n) => n.id));
  let changed = false;
  const kept: GraphGroup[] = [];
  for (const g of groups) {
    const nodeIds = g.nodeIds.filter((n) => ids.has(n));
    if (nodeIds.length !== g.nodeIds.length) changed = true;
    if (nodeIds.length === 0) continue;
    kept.push(nodeIds.length === g.nodeIds.length ? g : { ...g, nodeIds });
  }
  return changed ? withGroups(graph, kept) : graph;
}

function newGroupId(graph: GraphJSON, taken: Set<string> = new Set()): string {
  const ids = new Set([...groupsOf(graph).map((g) => g.id), ...taken]);
  let k = 1;
  while (ids.has(`group${k}`)) k++;
  return `group${k}`;
}

/** "Block 1", "Block 2"...: the first unused default name. */
function newGroupName(graph: GraphJSON): string {
  const names = new Set(groupsOf(graph).map((g) => g.name));
  let k = 1;
  while (names.has(`Block ${k}`)) k++;
  return `Block ${k}`;
}

export interface GroupArgs {
  nodeIds: readonly string[];
  name?: string;
  /** Defaults to the first unused 'groupN'. */
  id?: string;
}

export interface GroupResult {
  graph: GraphJSON;
  groupId: string | null;
}

/**
 * Groups the existing nodes among `nodeIds` into a new, expanded block. A node already in
 * another group moves to the new one (groups emptied by that disappear). Nothing happens for
 * no existing nodes.
 */
export function groupNodes(graph: GraphJSON, args: GroupArgs): GroupResult {
  const exists = new Set(graph.nodes.map((n) => n.id));
  const members = [...new Set(args.nodeIds)].filter((id) => exists.has(id));
  if (members.length === 0) return { graph, groupId: null };
  const same = groupWithMembers(graph, members);
  if (same && args.name === undefined) return { graph, groupId: same.id };
  const id = args.id ?? newGroupId(graph);
  if (findGroup(graph, id)) throw new Error(`groupNodes: group id '${id}' is taken`);
  const name = args.name?.trim() || newGroupName(graph);
  const taken = new Set(members);
  const others = groupsOf(graph)
    .map((g) => (g.nodeIds.some((n) => taken.has(n)) ? { ...g, nodeIds: g.nodeIds.filter((n) => !taken.has(n)) } : g))
    .filter((g) => g.nodeIds.length > 0);
  // Members in graph order, so the block reads in the order its layers were laid down.
  const ordered = graph.nodes.filter((n) => taken.has(n.id)).map((n) => n.id);
  return { graph: withGroups(graph, [...others, { id, name, nodeIds: ordered, collapsed: false }]), groupId: id };
}

/** Removes the group; its nodes stay where they are. */
export function ungroup(graph: GraphJSON, groupId: string): GraphJSON {
  if (!findGroup(graph, groupId)) return graph;
  return withGroups(graph, groupsOf(graph).filter((g) => g.id !== groupId));
}

function patchGroup(graph: GraphJSON, groupId: string, patch: Partial<Pick<GraphGroup, 'name' | 'collapsed'>>): GraphJSON {
  const g = findGroup(graph, groupId);
  if (!g) return graph;
  if (Object.entries(patch).every(([k, v]) => g[k as keyof GraphGroup] === v)) return graph;
  return withGroups(graph, groupsOf(graph).map((x) => (x === g ? { ...g, ...patch } : x)));
}

export function setGroupCollapsed(graph: GraphJSON, args: { groupId: string; collapsed: boolean }): GraphJSON {
  return patchGroup(graph, args.groupId, { collapsed: args.collapsed });
}

export function renameGroup(graph: GraphJSON, args: { groupId: string; name: string }): GraphJSON {
  const name = args.name.trim();
  return name ? patchGroup(graph, args.groupId, { name }) : graph;
}

/**
 * Where a collapsed group's node is drawn: at its first member (the block's first layer), so
 * it takes that layer's place in the flow rather than overlapping its neighbours.
 */
export function groupOrigin(graph: GraphJSON, group: GraphGroup): XY {
  const first = group.nodeIds[0];
  const n = first === undefined ? undefined : graph.nodes.find((m) => m.id === first);
  return n ? { x: n.position.x, y: n.position.y } : { x: 0, y: 0 };
}

/**
 * Turns moves of collapsed group nodes (canvas ids 'group:…', to a new groupOrigin) into
 * moves of all their members by the same offset; other moves pass through.
 */
export function expandGroupMoves(graph: GraphJSON, moves: ReadonlyMap<string, XY>): Map<string, XY> {
  const out = new Map<string, XY>();
  const pos = new Map(graph.nodes.map((n) => [n.id, n.position]));
  for (const [id, p] of moves) {
    const gid = groupIdOfNode(id);
    const g = gid === null ? undefined : findGroup(graph, gid);
    if (!g) {
      out.set(id, p);
      continue;
    }
    const o = groupOrigin(graph, g);
    const dx = p.x - o.x;
    const dy = p.y - o.y;
    for (const m of g.nodeIds) {
      const q = pos.get(m);
      if (q) out.set(m, { x: q.x + dx, y: q.y + dy });
    }
  }
  return out;
}

/** Graph node ids for canvas ids: a collapsed group's node stands for its members. */
export function expandGroupNodeIds(graph: GraphJSON, ids: readonly string[]): string[] {
  const out = new Set<string>();
  for (const id of ids) {
    const gid = groupIdOfNode(id);
    const g = gid === null ? undefined : findGroup(graph, gid);
    if (g) g.nodeIds.forEach((m) => out.add(m));
    else out.add(id);
  }
  return [...out];
}

export interface GroupSummary {
  /** Shapes arriving from outside the block, one per boundary edge (deduplicated by source). */
  inputs: (Shape | null)[];
  /** Shapes leaving the block (or of its sink layers when nothing outside consumes them). */
  outputs: (Shape | null)[];
  params: number;
  flops: number;
  layers: number;
}

/** What a collapsed group shows: its input/output shapes, parameters and FLOPs. */
export function summarizeGroup(graph: GraphJSON, group: GraphGroup, analysis: GraphAnalysis): GroupSummary {
  const ids = new Set(group.nodeIds);
  const inSources = new Map<string, Shape | null>();
  const outSources = new Map<string, Shape | null>();
  const feedsInside = new Set<string>();
  for (const e of graph.edges) {
    const s = ids.has(e.source);
    const t = ids.has(e.target);
    if (!s && t) inSources.set(`${e.source}.${e.sourcePort}`, analysis.edgeShapes[e.id] ?? null);
    else if (s && !t) outSources.set(`${e.source}.${e.sourcePort}`, analysis.edgeShapes[e.id] ?? null);
    else if (s && t) feedsInside.add(e.source);
  }
  if (outSources.size === 0) {
    for (const m of group.nodeIds) if (!feedsInside.has(m) && m in analysis.shapes) outSources.set(m, analysis.shapes[m] ?? null);
  }
  let params = 0;
  let flops = 0;
  for (const m of group.nodeIds) {
    params += analysis.params[m] ?? 0;
    flops += analysis.flops[m] ?? 0;
  }
  return { inputs: [...inSources.values()], outputs: [...outSources.values()], params, flops, layers: group.nodeIds.length };
}

function firstOutput(type: string): string {
  try {
    return getLayer(type)?.outputs[0]?.name ?? 'out';
  } catch {
    return 'out';
  }
}

export interface RepeatResult {
  graph: GraphJSON;
  /** Ids of the new groups, one per copy, in chain order. */
  groupIds: string[];
  /** Why nothing was repeated (the graph is then unchanged). */
  error?: string;
}

/** Largest number of copies one repeat makes (×N with N ≤ this + 1). */
export const MAX_REPEAT = 64;

/**
 * Repeats the block so it appears `times` times in a row: `times − 1` copies of its nodes
 * and inner edges, each fed by the previous copy's output, with the layers that consumed the
 * original block's output now fed by the last copy. The block needs one input (every edge
 * entering it comes from the same output port) and one output (every edge leaving it comes
 * from the same member port, or, when nothing consumes it yet, exactly one member feeds
 * nothing inside). Copies are laid out to the right of the block, and the nodes that were
 * right of it move along to make room. Each copy becomes its own group ("Block (2)", …).
 */
export function repeatGroup(graph: GraphJSON, args: { groupId: string; times: number }): RepeatResult {
  const fail = (error: string): RepeatResult => ({ graph, groupIds: [], error });
  const group = findGroup(graph, args.groupId);
  if (!group) return fail('There is no such group');
  const times = Math.floor(args.times);
  if (!Number.isFinite(times) || times < 2) return fail('Repeat needs a count of 2 or more');
  if (times - 1 > MAX_REPEAT) return fail(`Repeat at most ×${MAX_REPEAT + 1} at a time`);
  const ids = new Set(group.nodeIds);
  const members = graph.nodes.filter((n) => ids.has(n.id));
  const inner = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const entering = graph.edges.filter((e) => !ids.has(e.source) && ids.has(e.target));
  const leaving = graph.edges.filter((e) => ids.has(e.source) && !ids.has(e.target));

  const entrySources = new Set(entering.map((e) => `${e.source}\u0000${e.sourcePort}`));
  if (entrySources.size === 0) return fail(`Connect the input of “${group.name}” before repeating it`);
  if (entrySources.size > 1) return fail(`“${group.name}” takes more than one input, so its copies cannot be chained`);

  let exit: { node: string; port: string };
  const exitSources = new Set(leaving.map((e) => `${e.source}\u0000${e.sourcePort}`));
  if (exitSources.size > 1) return fail(`“${group.name}” has more than one output, so its copies cannot be chained`);
  if (exitSources.size === 1) exit = { node: leaving[0]!.source, port: leaving[0]!.sourcePort };
  else {
    const feeding = new Set(inner.map((e) => e.source));
    const sinks = members.filter((n) => !feeding.has(n.id));
    if (sinks.length !== 1) return fail(`“${group.name}” has no single output layer, so its copies cannot be chained`);
    exit = { node: sinks[0]!.id, port: firstOutput(sinks[0]!.type) };
  }

  // Layout: each copy one block-width (plus a gap) further right.
  const xs = members.map((n) => n.position.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const step = maxX - minX + 200;
  const shift = step * (times - 1);

  const taken = new Set(graph.nodes.map((n) => n.id));
  const takenGroups = new Set<string>();
  const nodes: GraphNode[] = graph.nodes.map((n) => (!ids.has(n.id) && n.position.x > maxX ? { ...n, position: { x: n.position.x + shift, y: n.position.y } } : n));
  const edges: GraphEdge[] = graph.edges.filter((e) => !leaving.includes(e));
  const groups: GraphGroup[] = [...groupsOf(graph)];
  const groupIds: string[] = [];
  let prevExit = exit;
  for (let k = 1; k < times; k++) {
    const rename = new Map<string, string>();
    for (const n of members) {
      const id = freshNodeId(taken, n.type);
      taken.add(id);
      rename.set(n.id, id);
      nodes.push({ id, type: n.type, attrs: structuredClone(n.attrs), position: { x: n.position.x + step * k, y: n.position.y } });
    }
    const link = (e: Omit<GraphEdge, 'id'>) => edges.push({ id: edgeId(e), ...e });
    for (const e of inner) link({ source: rename.get(e.source)!, sourcePort: e.sourcePort, target: rename.get(e.target)!, targetPort: e.targetPort });
    for (const e of entering) link({ source: prevExit.node, sourcePort: prevExit.port, target: rename.get(e.target)!, targetPort: e.targetPort });
    prevExit = { node: rename.get(exit.node)!, port: exit.port };
    const gid = newGroupId({ ...graph, groups }, takenGroups);
    takenGroups.add(gid);
    groupIds.push(gid);
    groups.push({ id: gid, name: `${group.name} (${k + 1})`, nodeIds: members.map((n) => rename.get(n.id)!), collapsed: group.collapsed });
  }
  for (const e of leaving) {
    const ne = { source: prevExit.node, sourcePort: prevExit.port, target: e.target, targetPort: e.targetPort };
    edges.push({ id: edgeId(ne), ...ne });
  }
  return { graph: { ...graph, nodes, edges, groups }, groupIds };
}

/** The group the selection stands for: a collapsed group's node, or exactly a group's members. */
export function selectedGroup(graph: GraphJSON, nodeIds: readonly string[]): GraphGroup | undefined {
  if (nodeIds.length === 1) {
    const gid = groupIdOfNode(nodeIds[0]!);
    if (gid !== null) return findGroup(graph, gid);
  }
  return nodeIds.length ? groupWithMembers(graph, nodeIds) : undefined;
}
