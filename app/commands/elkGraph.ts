/**
 * Auto-layout with ELK's layered algorithm, as two pure halves: `toElk` describes the graph
 * to ELK (node sizes as measured on the canvas, one port per layer port so multi-input nodes
 * get their edges in order, left-to-right flow, long chains wrapped into rows so the result
 * has about the canvas' aspect ratio instead of one row of tiny nodes), and `fromElk` reads ELK's answer back into
 * node positions. The layout itself runs in ELK's web worker (actions/autoLayout.ts), so a
 * 1,000-node graph never blocks the page.
 */
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { XY } from './graph.ts';

/** The subset of ELK's JSON graph used here (structurally compatible with elkjs' ElkNode). */
export interface ElkIn {
  id: string;
  layoutOptions?: Record<string, string>;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  ports?: { id: string; width?: number; height?: number; layoutOptions?: Record<string, string> }[];
  children?: ElkIn[];
  edges?: { id: string; sources: string[]; targets: string[] }[];
}

export const DEFAULT_SIZE = { width: 160, height: 64 };

export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.spacing.nodeNode': '28',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.edgeRouting': 'SPLINES',
  // Cut long chains into rows stacked downwards (the canvas draws the edges back to the next
  // row's start between the rows: ShapeEdge).
  'elk.layered.wrapping.strategy': 'MULTI_EDGE',
  'elk.layered.wrapping.additionalEdgeSpacing': '24',
};

/** The aspect ratio (width / height) wrapping aims at when the canvas' own is unknown. */
export const DEFAULT_ASPECT = 1.9;

const portId = (node: string, dir: 'in' | 'out', port: string) => `${node}::${dir}::${port}`;

export function toElk(graph: GraphJSON, sizes: Readonly<Record<string, { width: number; height: number }>> = {}, aspect = DEFAULT_ASPECT): ElkIn {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const ports = new Map<string, Map<string, NonNullable<ElkIn['ports']>[number]>>();
  const port = (node: string, dir: 'in' | 'out', name: string) => {
    const m = ports.get(node) ?? new Map();
    ports.set(node, m);
    const id = portId(node, dir, name);
    if (!m.has(id)) m.set(id, { id, width: 1, height: 1, layoutOptions: { 'elk.port.side': dir === 'in' ? 'WEST' : 'EAST' } });
    return id;
  };
  const edges = graph.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
    .map((e) => ({ id: e.id, sources: [port(e.source, 'out', e.sourcePort)], targets: [port(e.target, 'in', e.targetPort)] }));
  return {
    id: 'root',
    layoutOptions: { ...ELK_OPTIONS, 'elk.aspectRatio': String(Math.min(4, Math.max(0.8, aspect))) },
    children: graph.nodes.map((n) => {
      const s = sizes[n.id] ?? DEFAULT_SIZE;
      return {
        id: n.id,
        width: s.width,
        height: s.height,
        ports: [...(ports.get(n.id)?.values() ?? [])],
        layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      };
    }),
    edges,
  };
}

/** Positions from ELK's result, moved so the layout starts at `origin`. */
export function fromElk(graph: GraphJSON, result: ElkIn, origin: XY = { x: 0, y: 0 }): GraphJSON {
  const pos = new Map<string, XY>();
  for (const c of result.children ?? []) if (typeof c.x === 'number' && typeof c.y === 'number') pos.set(c.id, { x: c.x, y: c.y });
  if (pos.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = pos.get(n.id);
      return p ? { ...n, position: { x: Math.round(origin.x + p.x), y: Math.round(origin.y + p.y) } } : n;
    }),
  };
}
