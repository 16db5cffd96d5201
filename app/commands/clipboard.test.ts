import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { copyNodes, duplicateNodes, nudgeNodes, parseClipboard, pasteNodes, selectAll } from './clipboard.ts';

describe('clipboard commands', () => {
  const g = defaultGraph();

  it('copies nodes with the edges among them only', () => {
    const p = copyNodes(g, ['dense1', 'relu1', 'missing'])!;
    expect(p.nodes.map((n) => n.id)).toEqual(['dense1', 'relu1']);
    expect(p.edges).toHaveLength(1);
    expect(copyNodes(g, ['nope'])).toBeNull();
  });

  it('pastes with fresh ids, rewired edges and an offset; the input is untouched', () => {
    const p = copyNodes(g, ['dense1', 'relu1'])!;
    const r = pasteNodes(g, p, { offset: { x: 10, y: 20 } });
    expect(r.nodeIds).toEqual(['dense4', 'relu3']);
    expect(r.graph.nodes).toHaveLength(10);
    expect(g.nodes).toHaveLength(8);
    const e = r.graph.edges.find((x) => x.source === 'dense4')!;
    expect(e.target).toBe('relu3');
    expect(r.edgeIds).toEqual([e.id]);
    const src = g.nodes.find((n) => n.id === 'dense1')!;
    expect(r.graph.nodes.find((n) => n.id === 'dense4')!.position).toEqual({ x: src.position.x + 10, y: src.position.y + 20 });
    // Fresh ids mean the result is still a valid graph.
    expect(analyzeGraph(r.graph).issues.some((i) => i.code === 'unknown-type')).toBe(false);
  });

  it('pastes at a point (top-left corner of the copied block)', () => {
    const r = pasteNodes(g, copyNodes(g, ['relu1', 'dense2'])!, { at: { x: 0, y: 0 } });
    const xs = r.nodeIds.map((id) => r.graph.nodes.find((n) => n.id === id)!.position.x);
    expect(Math.min(...xs)).toBe(0);
  });

  it('round-trips through text, and accepts a whole graph file', () => {
    const text = JSON.stringify(copyNodes(g, ['dense1']));
    expect(parseClipboard(text)!.nodes[0].type).toBe('Dense');
    expect(parseClipboard(JSON.stringify(g))!.nodes).toHaveLength(8);
    expect(parseClipboard('hello')).toBeNull();
    expect(parseClipboard('{"format":"other","nodes":[]}')).toBeNull();
    expect(parseClipboard('{"format":"flowgrad.clipboard","nodes":[{"id":1}]}')).toBeNull();
  });

  it('duplicates, selects all and nudges', () => {
    const d = duplicateNodes(g, ['input'])!;
    expect(d.nodeIds).toEqual(['input1']);
    expect(selectAll(g).nodes).toHaveLength(8);
    expect(selectAll(g).edges).toHaveLength(7);
    const n = nudgeNodes(g, ['input'], 10, 0);
    expect(n.nodes[0].position.x).toBe(g.nodes[0].position.x + 10);
    expect(n.nodes[1]).toBe(g.nodes[1]);
    expect(nudgeNodes(g, [], 1, 1)).toBe(g);
  });
});
