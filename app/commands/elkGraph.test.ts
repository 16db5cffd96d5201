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

  it('lays a chain out left to right, row by row (real ELK, synchronous build)', async () => {
    const g = { ...defaultGraph(), nodes: defaultGraph().nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    const elk = new ELK();
    const result = (await elk.layout(toElk(g) as Parameters<typeof elk.layout>[0])) as ElkIn;
    const laid = fromElk(g, result, { x: 10, y: 10 });
    const xs = laid.nodes.map((n) => n.position.x);
    // Left to right within each row (long chains wrap onto rows below).
    for (let i = 1; i < xs.length; i++) {
      const [a, b] = [laid.nodes[i - 1].position, laid.nodes[i].position];
      expect(b.y > a.y || (b.y === a.y && b.x > a.x)).toBe(true);
    }
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(10);
    expect(laid.nodes[0].attrs).toBe(g.nodes[0].attrs);
  });
});

describe('auto-layout wraps long chains', () => {
  it('a 14-layer chain becomes several rows near the canvas aspect ratio, in order', async () => {
    const n = 14;
    const g = {
      format: 'flowgrad.graph' as const,
      version: 1 as const,
      nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'relu' as const, attrs: {}, position: { x: 0, y: 0 } })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({ id: `e${i}`, source: `n${i}`, sourcePort: 'out', target: `n${i + 1}`, targetPort: 'in' })),
    };
    const elk = new ELK();
    const result = (await elk.layout(toElk(g as never, {}, 2) as Parameters<typeof elk.layout>[0])) as ElkIn;
    const laid = fromElk(g as never, result);
    const rows = new Set(laid.nodes.map((x) => x.position.y));
    expect(rows.size).toBeGreaterThanOrEqual(3);
    expect(result.width! / result.height!).toBeLessThan(4);
    // Reading order: row by row, left to right within a row.
    const order = [...laid.nodes].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x).map((x) => x.id);
    expect(order).toEqual(g.nodes.map((x) => x.id));
  });
});
