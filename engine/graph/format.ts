/**
 * The model graph file format (`flowgrad.graph`, version 1; see docs/graph-format.md and
 * graph.schema.json): reading untrusted JSON into a GraphJSON with precise 'bad-file' errors,
 * migrating older versions, writing it back, and the graphs a new document starts from.
 *
 * `parseGraph` checks structure only (types, required fields, unique ids). Whether the graph
 * makes sense as a model (known layers, connected ports, shapes) is `analyzeGraph`'s job, so
 * a half-built or partly broken graph still opens and shows its problems on the canvas.
 */
import { FlowgradError } from '../core/errors.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type AttrValue, type Attrs, type GraphEdge, type GraphGroup, type GraphJSON, type GraphNode } from './types.ts';
import { defaultAttrs } from './catalog.ts';
import { JsonReader, describe, parseJsonText, type JsonObject } from './json-check.ts';

const PREFIX = 'Not a valid Flowgrad graph';

/** One step per version: `GRAPH_MIGRATIONS[n]` turns a version-n graph into version n+1. */
export type Migration = (graph: JsonObject) => JsonObject;
export const GRAPH_MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Brings a graph object of any older version up to GRAPH_VERSION, one step at a time.
 * Throws 'bad-file' for a version that is not a whole number ≥ 1, newer than this build, or
 * has no migration.
 */
export function migrateGraph(graph: JsonObject, migrations: Readonly<Record<number, Migration>> = GRAPH_MIGRATIONS, target = GRAPH_VERSION): JsonObject {
  const r = new JsonReader(PREFIX);
  let version = r.number(graph.version, "'version'", { int: true, min: 1 });
  if (version > target) {
    throw new FlowgradError('bad-file', `This graph was saved by a newer Flowgrad (format version ${version}; this one reads up to ${target}): update Flowgrad to open it`);
  }
  let g = graph;
  while (version < target) {
    const step = migrations[version];
    if (!step) throw new FlowgradError('bad-file', `${PREFIX}: no migration from format version ${version} to ${version + 1}`);
    g = { ...step(g), version: version + 1 };
    version++;
  }
  return g;
}

function attrValue(r: JsonReader, v: unknown, path: string): AttrValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return r.number(v, path);
  if (Array.isArray(v)) return v.map((d, i) => r.number(d, `${path}[${i}]`));
  return r.fail(path, `must be a number, string, true/false or a list of numbers (got ${describe(v)})`);
}

function readNode(r: JsonReader, v: unknown, path: string): GraphNode {
  const o = r.object(v, path);
  const attrsIn = r.object(o.attrs, `${path}.attrs`);
  const attrs: Attrs = {};
  for (const [k, a] of Object.entries(attrsIn)) {
    if (k === '__proto__') r.fail(`${path}.attrs`, 'has a reserved name "__proto__"');
    attrs[k] = attrValue(r, a, `${path}.attrs.${k}`);
  }
  const pos = r.object(o.position, `${path}.position`);
  return {
    id: r.string(o.id, `${path}.id`, true),
    type: r.string(o.type, `${path}.type`, true),
    attrs,
    position: { x: r.number(pos.x, `${path}.position.x`), y: r.number(pos.y, `${path}.position.y`) },
  };
}

function readEdge(r: JsonReader, v: unknown, path: string): GraphEdge {
  const o = r.object(v, path);
  return {
    id: r.string(o.id, `${path}.id`, true),
    source: r.string(o.source, `${path}.source`, true),
    sourcePort: r.string(o.sourcePort, `${path}.sourcePort`, true),
    target: r.string(o.target, `${path}.target`, true),
    targetPort: r.string(o.targetPort, `${path}.targetPort`, true),
  };
}

/**
 * Reads the optional `groups` list. Types are checked strictly; member ids that name no node,
 * or a node already claimed by an earlier group, are dropped (groups are UI metadata, so a
 * stale member never stops a graph from opening), and groups left empty are dropped.
 */
function readGroups(r: JsonReader, v: unknown, nodes: GraphNode[]): GraphGroup[] {
  const known = new Set(nodes.map((n) => n.id));
  const claimed = new Set<string>();
  const out: GraphGroup[] = [];
  r.array(v, "'groups'").forEach((g, i) => {
    const path = `groups[${i}]`;
    const o = r.object(g, path);
    const id = r.string(o.id, `${path}.id`, true);
    const name = r.string(o.name, `${path}.name`);
    const members = r.array(o.nodeIds, `${path}.nodeIds`).map((m, k) => r.string(m, `${path}.nodeIds[${k}]`, true));
    const collapsed = o.collapsed === undefined ? false : r.boolean(o.collapsed, `${path}.collapsed`);
    const nodeIds = [...new Set(members)].filter((m) => known.has(m) && !claimed.has(m));
    nodeIds.forEach((m) => claimed.add(m));
    out.push({ id, name, nodeIds, collapsed });
  });
  unique(r, out, 'groups');
  return out.filter((g) => g.nodeIds.length > 0);
}

function unique(r: JsonReader, items: { id: string }[], what: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) r.fail(`${what}[${i}].id`, `repeats the id "${item.id}"; ids must be unique`);
    seen.add(item.id);
  });
}

/**
 * Reads a graph from parsed JSON (or from JSON text) into a fresh, clean GraphJSON: older
 * versions are migrated, unknown top-level fields dropped (the optional `groups` list is
 * kept, see readGroups). Throws FlowgradError 'bad-file'
 * naming the first problem.
 */
export function parseGraph(json: unknown): GraphJSON {
  const value = typeof json === 'string' ? parseJsonText(json, PREFIX) : json;
  const r = new JsonReader(PREFIX);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlowgradError('bad-file', `This is not a Flowgrad graph: expected a JSON object, got ${describe(value)}`);
  }
  const raw = value as JsonObject;
  if (raw.format !== GRAPH_FORMAT) {
    if (raw.format === 'flowgrad.project') throw new FlowgradError('bad-file', 'This is a Flowgrad project, not a graph: open it as a project');
    const got = raw.format === undefined ? 'it has no "format" field' : `its "format" is ${describe(raw.format)}`;
    throw new FlowgradError('bad-file', `This is not a Flowgrad graph: ${got}, expected "${GRAPH_FORMAT}"`);
  }
  const o = migrateGraph(raw);
  const nodes = r.array(o.nodes, "'nodes'").map((v, i) => readNode(r, v, `nodes[${i}]`));
  const edges = r.array(o.edges, "'edges'").map((v, i) => readEdge(r, v, `edges[${i}]`));
  unique(r, nodes, 'nodes');
  unique(r, edges, 'edges');
  const groups = o.groups === undefined ? [] : readGroups(r, o.groups, nodes);
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges, ...(groups.length ? { groups } : {}) };
}

/** The graph as JSON text (2-space indented, fields in contract order). */
export function serializeGraph(graph: GraphJSON): string {
  const clean: GraphJSON = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: graph.nodes.map((n) => ({ id: n.id, type: n.type, attrs: n.attrs, position: { x: n.position.x, y: n.position.y } })),
    edges: graph.edges.map((e) => ({ id: e.id, source: e.source, sourcePort: e.sourcePort, target: e.target, targetPort: e.targetPort })),
    ...(graph.groups?.length ? { groups: graph.groups.map((g) => ({ id: g.id, name: g.name, nodeIds: [...g.nodeIds], collapsed: g.collapsed })) } : {}),
  };
  return JSON.stringify(clean, null, 2);
}

export function emptyGraph(): GraphJSON {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] };
}

/**
 * The starting model: Input[2] → Dense(16) → ReLU → Dense(16) → ReLU → Dense(2) → Softmax →
 * Loss(crossEntropy), a small classifier for the built-in 2-D datasets, laid out left to right.
 */
export function defaultGraph(): GraphJSON {
  const chain: [string, string, Attrs][] = [
    ['input', 'Input', { shape: [2] }],
    ['dense1', 'Dense', { units: 16 }],
    ['relu1', 'ReLU', {}],
    ['dense2', 'Dense', { units: 16 }],
    ['relu2', 'ReLU', {}],
    ['dense3', 'Dense', { units: 2 }],
    ['softmax', 'Softmax', {}],
    ['loss', 'Loss', { loss: 'crossEntropy' }],
  ];
  const nodes: GraphNode[] = chain.map(([id, type, attrs], i) => ({
    id, type,
    attrs: { ...defaultAttrs(type), ...attrs },
    position: { x: 40 + i * 200, y: 160 },
  }));
  const edges: GraphEdge[] = nodes.slice(1).map((t, i) => ({
    id: `e_${nodes[i]!.id}_${t.id}`, source: nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in',
  }));
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes, edges };
}
