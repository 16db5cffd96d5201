/**
 * A small picture of a graph for the template gallery and the project list: each layer a
 * rounded box in its section's colour, edges as curves, scaled to fit. Pure SVG, no canvas.
 */
import { memo } from 'react';
import { getLayer, groupOf } from '../../engine/graph/catalog.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';

const W = 150;
const H = 44;

function GraphThumbView({ graph, width = 240, height = 110 }: { graph: GraphJSON; width?: number; height?: number }) {
  if (graph.nodes.length === 0) {
    return (
      <svg className="graph-thumb" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
        <rect x={width / 2 - 30} y={height / 2 - 14} width={60} height={28} rx={6} className="thumb-empty" />
      </svg>
    );
  }
  const xs = graph.nodes.map((n) => n.position.x);
  const ys = graph.nodes.map((n) => n.position.y);
  const x0 = Math.min(...xs) - 20;
  const y0 = Math.min(...ys) - 20;
  const w = Math.max(...xs) + W + 20 - x0;
  const h = Math.max(...ys) + H + 20 - y0;
  const pos = new Map(graph.nodes.map((n) => [n.id, n.position]));
  return (
    <svg className="graph-thumb" width={width} height={height} viewBox={`${x0} ${y0} ${w} ${h}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      {graph.edges.map((e) => {
        const a = pos.get(e.source);
        const b = pos.get(e.target);
        if (!a || !b) return null;
        const [sx, sy, tx, ty] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
        const dx = Math.max(30, Math.abs(tx - sx) / 2);
        return <path key={e.id} d={`M${sx},${sy} C${sx + dx},${sy} ${tx - dx},${ty} ${tx},${ty}`} className="thumb-edge" />;
      })}
      {graph.nodes.map((n) => {
        const spec = getLayer(n.type);
        const grp = spec ? groupOf(spec) : 'unknown';
        return <rect key={n.id} x={n.position.x} y={n.position.y} width={W} height={H} rx={8} className={`thumb-node grp-${grp} cat-${spec?.category ?? 'unknown'}`} />;
      })}
    </svg>
  );
}

export const GraphThumb = memo(GraphThumbView);
