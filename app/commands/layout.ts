/**
 * Auto-arrange: places nodes in columns by depth (longest path from a source), wrapping into
 * rows of at most `perRow` columns so a long chain stays readable in a wide, short canvas.
 * Nodes on a loop or unreachable keep their depth as far as it can be computed (Kahn's
 * algorithm; leftovers go to the last column). Pure command.
 */
import type { GraphJSON } from '../../engine/graph/types.ts';

export interface ArrangeOptions {
  perRow?: number;
  dx?: number;
  dy?: number;
  origin?: { x: number; y: number };
}

export function depths(graph: GraphJSON): Map<string, number> {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const indeg = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    out.get(e.source)!.push(e.target);
    indeg.set(e.target, indeg.get(e.target)! + 1);
  }
  const depth = new Map<string, number>();
  const queue = ids.filter((id) => indeg.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const t of out.get(id)!) {
      depth.set(t, Math.max(depth.get(t) ?? 0, depth.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  const max = Math.max(0, ...depth.values());
  for (const id of ids) if (!depth.has(id) || indeg.get(id)! > 0) depth.set(id, depth.get(id) ?? max + 1);
  return depth;
}

export function arrange(graph: GraphJSON, opts: ArrangeOptions = {}): GraphJSON {
  const { perRow = 4, dx = 200, dy = 96, origin = { x: 0, y: 0 } } = opts;
  if (graph.nodes.length === 0) return graph;
  const depth = depths(graph);
  // Slot within a column, in file order.
  const slot = new Map<string, number>();
  const perColumn = new Map<number, number>();
  for (const n of graph.nodes) {
    const d = depth.get(n.id)!;
    slot.set(n.id, perColumn.get(d) ?? 0);
    perColumn.set(d, (perColumn.get(d) ?? 0) + 1);
  }
  // Height of each band of `perRow` columns = its tallest column.
  const bands = new Map<number, number>();
  for (const [d, count] of perColumn) {
    const b = Math.floor(d / perRow);
    bands.set(b, Math.max(bands.get(b) ?? 0, count));
  }
  const bandTop = new Map<number, number>();
  let y = origin.y;
  for (const b of [...bands.keys()].sort((p, q) => p - q)) {
    bandTop.set(b, y);
    y += bands.get(b)! * dy + dy * 0.6;
  }
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const d = depth.get(n.id)!;
      const b = Math.floor(d / perRow);
      return { ...n, position: { x: origin.x + (d % perRow) * dx, y: bandTop.get(b)! + slot.get(n.id)! * dy } };
    }),
  };
}
