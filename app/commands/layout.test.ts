import { describe, expect, it } from 'vitest';
import { defaultGraph, emptyGraph } from '../../engine/graph/format.ts';
import { arrange, depths } from './layout.ts';

describe('arrange', () => {
  it('wraps a chain into rows of perRow columns, left to right', () => {
    const g = arrange(defaultGraph(), { perRow: 4, dx: 200, dy: 100 });
    const xs = g.nodes.map((n) => n.position.x);
    expect(xs).toEqual([0, 200, 400, 600, 0, 200, 400, 600]);
    const ys = g.nodes.map((n) => n.position.y);
    expect(new Set(ys.slice(0, 4)).size).toBe(1);
    expect(ys[4]).toBeGreaterThan(ys[0]);
  });

  it('gives a node the longest-path depth and survives loops and empty graphs', () => {
    const g = defaultGraph();
    expect(depths(g).get('loss')).toBe(7);
    const loop = { ...g, edges: [...g.edges, { id: 'x', source: 'loss', sourcePort: 'out', target: 'input', targetPort: 'in' }] };
    expect(arrange(loop).nodes).toHaveLength(8);
    const e = emptyGraph();
    expect(arrange(e)).toBe(e);
  });
});
