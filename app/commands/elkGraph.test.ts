import { describe, expect, it } from 'vitest';
import ELK from 'elkjs/lib/elk.bundled.js';
import { defaultGraph } from '../../engine/graph/format.ts';
import { fromElk, toElk, type ElkIn } from './elkGraph.ts';

describe('ELK auto-layout', () => {
  it('describes nodes with sizes and port-to-port edges', () => {
    const g = defaultGraph();
    const e = toElk(g, { input: { width: 120, height: 50 } });
    expect(e.children).toHaveLength(8);
    expect(e.children![0]).toMatchObject({ id: 'input', width: 120, height: 50 });
    expect(e.edges).toHaveLength(7);
    expect(e.edges![0].sources[0]).toBe('input::out::out');
  });

  it('lays a chain out left to right (real ELK, synchronous build)', async () => {
    const g = { ...defaultGraph(), nodes: defaultGraph().nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    const elk = new ELK();
    const result = (await elk.layout(toElk(g) as Parameters<typeof elk.layout>[0])) as ElkIn;
    const laid = fromElk(g, result, { x: 10, y: 10 });
    const xs = laid.nodes.map((n) => n.position.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(laid.nodes[0].attrs).toBe(g.nodes[0].attrs);
  });
});
