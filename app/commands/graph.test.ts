import { describe, expect, it } from 'vitest';
import { defaultGraph, emptyGraph } from '../../engine/graph/format.ts';
import { defaultAttrs } from '../../engine/graph/catalog.ts';
import { addNode, connect, deleteElements, disconnectInput, edgeId, moveNodes, newNodeId, updateAttr } from './graph.ts';

const g0 = () => {
  let g = emptyGraph();
  g = addNode(g, { type: 'Input', attrs: defaultAttrs('Input'), position: { x: 0, y: 0 } });
  g = addNode(g, { type: 'Dense', attrs: defaultAttrs('Dense'), position: { x: 200, y: 0 } });
  g = addNode(g, { type: 'ReLU', attrs: {}, position: { x: 400, y: 0 } });
  return g;
};

describe('graph commands', () => {
  it('addNode gives readable unique ids and copies attrs', () => {
    const attrs = { units: 8 };
    let g = addNode(emptyGraph(), { type: 'Dense', attrs, position: { x: 1, y: 2 } });
    g = addNode(g, { type: 'Dense', attrs, position: { x: 3, y: 4 } });
    expect(g.nodes.map((n) => n.id)).toEqual(['dense1', 'dense2']);
    expect(g.nodes[0].attrs).toEqual({ units: 8 });
    expect(g.nodes[0].attrs).not.toBe(attrs);
    expect(newNodeId(g, 'Dense')).toBe('dense3');
    expect(() => addNode(g, { type: 'Dense', attrs: {}, position: { x: 0, y: 0 }, id: 'dense1' })).toThrow(/taken/);
  });

  it('addNode does not mutate its input', () => {
    const g = emptyGraph();
    addNode(g, { type: 'ReLU', attrs: {}, position: { x: 0, y: 0 } });
    expect(g.nodes).toHaveLength(0);
  });

  it('connect adds an edge, dedupes, ignores self-loops and unknown nodes', () => {
    const g = g0();
    const a = connect(g, { source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' });
    expect(a.edges).toEqual([{ id: edgeId({ source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' }), source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' }]);
    expect(connect(a, { source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' })).toBe(a);
    expect(connect(a, { source: 'dense1', sourcePort: 'out', target: 'dense1', targetPort: 'in' })).toBe(a);
    expect(connect(a, { source: 'nope', sourcePort: 'out', target: 'dense1', targetPort: 'in' })).toBe(a);
  });

  it('connect replaces the edge already feeding that input', () => {
    let g = connect(g0(), { source: 'input1', sourcePort: 'out', target: 'relu1', targetPort: 'in' });
    g = connect(g, { source: 'dense1', sourcePort: 'out', target: 'relu1', targetPort: 'in' });
    expect(g.edges.map((e) => e.source)).toEqual(['dense1']);
  });

  it('deleteElements removes a node with every edge touching it', () => {
    let g = connect(g0(), { source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' });
    g = connect(g, { source: 'dense1', sourcePort: 'out', target: 'relu1', targetPort: 'in' });
    const d = deleteElements(g, { nodeIds: ['dense1'] });
    expect(d.nodes.map((n) => n.id)).toEqual(['input1', 'relu1']);
    expect(d.edges).toEqual([]);
    expect(deleteElements(g, {})).toBe(g);
    expect(deleteElements(g, { nodeIds: ['missing'] })).toBe(g);
  });

  it('deleteElements removes edges by id; disconnectInput removes what feeds a port', () => {
    let g = connect(g0(), { source: 'input1', sourcePort: 'out', target: 'dense1', targetPort: 'in' });
    g = connect(g, { source: 'dense1', sourcePort: 'out', target: 'relu1', targetPort: 'in' });
    expect(deleteElements(g, { edgeIds: [g.edges[0].id] }).edges.map((e) => e.target)).toEqual(['relu1']);
    expect(disconnectInput(g, { target: 'relu1', targetPort: 'in' }).edges.map((e) => e.target)).toEqual(['dense1']);
  });

  it('updateAttr sets one attribute immutably and is a no-op for the same value', () => {
    const g = g0();
    const u = updateAttr(g, { nodeId: 'dense1', name: 'units', value: 32 });
    expect(u.nodes[1].attrs.units).toBe(32);
    expect(g.nodes[1].attrs.units).toBe(defaultAttrs('Dense').units);
    expect(u.nodes[0]).toBe(g.nodes[0]);
    expect(updateAttr(u, { nodeId: 'dense1', name: 'units', value: 32 })).toBe(u);
    expect(updateAttr(u, { nodeId: 'ghost', name: 'units', value: 1 })).toBe(u);
    const s = updateAttr(u, { nodeId: 'input1', name: 'shape', value: [3] });
    expect(s.nodes[0].attrs.shape).toEqual([3]);
  });

  it('moveNodes moves and keeps attrs objects (analysis memo relies on it)', () => {
    const g = defaultGraph();
    const m = moveNodes(g, new Map([[g.nodes[1].id, { x: 5, y: 6 }]]));
    expect(m.nodes[1].position).toEqual({ x: 5, y: 6 });
    expect(m.nodes[1].attrs).toBe(g.nodes[1].attrs);
    expect(m.edges).toBe(g.edges);
    expect(moveNodes(g, new Map([[g.nodes[1].id, { ...g.nodes[1].position }]]))).toBe(g);
  });
});
