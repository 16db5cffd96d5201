import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { groupNodes, setGroupCollapsed } from '../commands/groups.ts';
import { toFlowEdges, toFlowNodes } from './convert.ts';
import { applyGroups, type BlockFlowNode } from './groupView.ts';

const view = { selectedNodes: new Set<string>(), selectedEdges: new Set<string>(), measured: {}, engineErrors: {} };

function flow(collapsed: boolean) {
  let g = groupNodes(defaultGraph(), { nodeIds: ['dense2', 'relu2'], name: 'Block' }).graph;
  g = setGroupCollapsed(g, { groupId: 'group1', collapsed });
  const a = analyzeGraph(g);
  return applyGroups(g, a, toFlowNodes(g, a, view), toFlowEdges(g, a, view), view);
}

describe('groups on the canvas', () => {
  it('passes a graph without groups through untouched', () => {
    const g = defaultGraph();
    const a = analyzeGraph(g);
    const nodes = toFlowNodes(g, a);
    const edges = toFlowEdges(g, a);
    const r = applyGroups(g, a, nodes, edges, view);
    expect(r.nodes).toBe(nodes);
    expect(r.edges).toBe(edges);
  });

  it('draws an expanded group as a frame behind its members', () => {
    const r = flow(false);
    expect(r.nodes).toHaveLength(9);
    expect(r.nodes[0]).toMatchObject({ id: 'frame:group1', type: 'frame', selectable: false, draggable: false, data: { name: 'Block' } });
    expect(r.edges).toHaveLength(7);
  });

  it('draws a collapsed group as one block node with the crossing edges re-attached', () => {
    const r = flow(true);
    expect(r.nodes.map((n) => n.id)).not.toContain('dense2');
    const block = r.nodes.find((n) => n.id === 'group:group1') as BlockFlowNode;
    expect(block.type).toBe('block');
    expect(block.data).toMatchObject({ name: 'Block', layers: 2, inputs: ['N×16'], outputs: ['N×16'], params: 272, errors: 0 });
    expect(block.ariaLabel).toBe('Block block');
    expect(r.edges).toHaveLength(6);
    const into = r.edges.find((e) => e.target === 'group:group1')!;
    expect(into).toMatchObject({ source: 'relu1', targetHandle: 'in', id: 'e_relu1_dense2' });
    expect(r.edges.find((e) => e.source === 'group:group1')).toMatchObject({ target: 'dense3', sourceHandle: 'out', id: 'e_relu2_dense3' });
  });
});
