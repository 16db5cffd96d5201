import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { defaultGraph, parseGraph, serializeGraph } from '../../engine/graph/format.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import { deleteElements } from './graph.ts';
import { emptyHistory, record, undo } from './history.ts';
import {
  expandGroupMoves, expandGroupNodeIds, groupNodeId, groupNodes, groupOfNode, groupOrigin, pruneGroups, renameGroup, repeatGroup,
  setGroupCollapsed, summarizeGroup, ungroup,
} from './groups.ts';

/** The starter model with its two middle layers (Dense(16) → ReLU) grouped. */
function grouped(): GraphJSON {
  const r = groupNodes(defaultGraph(), { nodeIds: ['dense2', 'relu2'], name: 'Block' });
  expect(r.groupId).toBe('group1');
  return r.graph;
}

const chain = (g: GraphJSON): string[] => analyzeGraph(g).order;

describe('group commands', () => {
  it('groupNodes makes an expanded, named block of existing nodes; the flat graph is untouched', () => {
    const g0 = defaultGraph();
    const { graph: g, groupId } = groupNodes(g0, { nodeIds: ['relu2', 'dense2', 'ghost'] });
    expect(groupId).toBe('group1');
    expect(g.groups).toEqual([{ id: 'group1', name: 'Block 1', nodeIds: ['dense2', 'relu2'], collapsed: false }]);
    expect(g.nodes).toBe(g0.nodes);
    expect(g.edges).toBe(g0.edges);
    expect(g0).not.toHaveProperty('groups');
    expect(groupNodes(g0, { nodeIds: ['ghost'] })).toEqual({ graph: g0, groupId: null });
    // Grouping the same members again is a no-op; a second block gets the next name and id.
    expect(groupNodes(g, { nodeIds: ['dense2', 'relu2'] }).graph).toBe(g);
    const two = groupNodes(g, { nodeIds: ['dense3'] });
    expect(two.graph.groups!.map((x) => [x.id, x.name])).toEqual([['group1', 'Block 1'], ['group2', 'Block 2']]);
    expect(() => groupNodes(g, { nodeIds: ['dense3'], id: 'group1' })).toThrow(/taken/);
  });

  it('a node moves out of its old group; emptied groups disappear', () => {
    let g = grouped();
    g = groupNodes(g, { nodeIds: ['relu2', 'dense3'], name: 'Tail' }).graph;
    expect(g.groups!.map((x) => [x.name, x.nodeIds])).toEqual([['Block', ['dense2']], ['Tail', ['relu2', 'dense3']]]);
    g = groupNodes(g, { nodeIds: ['dense2'], name: 'Solo' }).graph;
    expect(g.groups!.map((x) => x.name)).toEqual(['Tail', 'Solo']);
    expect(groupOfNode(g, 'dense3')?.name).toBe('Tail');
  });

  it('ungroup, rename and collapse', () => {
    const g = grouped();
    const c = setGroupCollapsed(g, { groupId: 'group1', collapsed: true });
    expect(c.groups![0].collapsed).toBe(true);
    expect(setGroupCollapsed(c, { groupId: 'group1', collapsed: true })).toBe(c);
    expect(setGroupCollapsed(c, { groupId: 'nope', collapsed: false })).toBe(c);
    expect(setGroupCollapsed(c, { groupId: 'group1', collapsed: false }).groups![0].collapsed).toBe(false);
    const r = renameGroup(g, { groupId: 'group1', name: '  Transformer block ' });
    expect(r.groups![0].name).toBe('Transformer block');
    expect(renameGroup(r, { groupId: 'group1', name: '   ' })).toBe(r);
    const u = ungroup(c, 'group1');
    expect(u).not.toHaveProperty('groups');
    expect(u.nodes).toBe(c.nodes);
    expect(ungroup(u, 'group1')).toBe(u);
  });

  it('deleting members prunes the group; deleting all of them drops it', () => {
    const g = grouped();
    expect(deleteElements(g, { nodeIds: ['relu2'] }).groups).toEqual([{ id: 'group1', name: 'Block', nodeIds: ['dense2'], collapsed: false }]);
    expect(deleteElements(g, { nodeIds: ['relu2', 'dense2'] })).not.toHaveProperty('groups');
    expect(deleteElements(g, { edgeIds: [g.edges[0].id] }).groups).toBe(g.groups);
    expect(pruneGroups(g)).toBe(g);
    expect(pruneGroups({ ...g, nodes: g.nodes.filter((n) => n.id !== 'dense2') }).groups![0].nodeIds).toEqual(['relu2']);
  });

  it('summarizes a block: input/output shapes and total params', () => {
    const g = grouped();
    const s = summarizeGroup(g, g.groups![0], analyzeGraph(g));
    expect(s).toMatchObject({ inputs: [['N', 16]], outputs: [['N', 16]], params: 16 * 16 + 16, layers: 2 });
    // An unconnected block reports the shape of its sink layer.
    const alone = deleteElements(g, { nodeIds: ['dense3'] });
    expect(summarizeGroup(alone, alone.groups![0], analyzeGraph(alone)).outputs).toEqual([['N', 16]]);
  });

  it('moving a collapsed group node moves its members; its canvas id stands for its members', () => {
    const g = grouped();
    const o = groupOrigin(g, g.groups![0]);
    const d2 = g.nodes.find((n) => n.id === 'dense2')!.position;
    const r2 = g.nodes.find((n) => n.id === 'relu2')!.position;
    const moves = expandGroupMoves(g, new Map([[groupNodeId('group1'), { x: o.x + 10, y: o.y - 5 }], ['input', { x: 1, y: 2 }]]));
    expect(Object.fromEntries(moves)).toEqual({ dense2: { x: d2.x + 10, y: d2.y - 5 }, relu2: { x: r2.x + 10, y: r2.y - 5 }, input: { x: 1, y: 2 } });
    expect(expandGroupNodeIds(g, [groupNodeId('group1'), 'loss', groupNodeId('ghost')])).toEqual(['dense2', 'relu2', 'loss', 'group:ghost']);
  });
});

describe('repeatGroup', () => {
  it('chains N−1 copies output → input; shapes flow through every copy and the model still trains', () => {
    const g = grouped();
    const r = repeatGroup(g, { groupId: 'group1', times: 3 });
    expect(r.error).toBeUndefined();
    const h = r.graph;
    expect(h.nodes).toHaveLength(g.nodes.length + 4);
    const ids = h.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(h.edges.map((e) => e.id)).size).toBe(h.edges.length);
    expect(r.groupIds).toEqual(['group2', 'group3']);
    expect(h.groups!.map((x) => [x.name, x.nodeIds])).toEqual([
      ['Block', ['dense2', 'relu2']],
      ['Block (2)', ['dense4', 'relu3']],
      ['Block (3)', ['dense5', 'relu4']],
    ]);
    const edges = h.edges.map((e) => `${e.source}->${e.target}`).sort();
    expect(edges).toEqual([
      'dense1->relu1', 'dense2->relu2', 'dense3->softmax', 'dense4->relu3', 'dense5->relu4', 'input->dense1',
      'relu1->dense2', 'relu2->dense4', 'relu3->dense5', 'relu4->dense3', 'softmax->loss',
    ]);
    const a = analyzeGraph(h);
    expect(a.ok).toBe(true);
    expect(chain(h)).toEqual(['input', 'dense1', 'relu1', 'dense2', 'relu2', 'dense4', 'relu3', 'dense5', 'relu4', 'dense3', 'softmax', 'loss']);
    for (const id of ['relu2', 'relu3', 'relu4']) expect(a.shapes[id]).toEqual(['N', 16]);
    expect(a.totalParams).toBe(analyzeGraph(g).totalParams + 2 * (16 * 16 + 16));
    // Copies are laid out to the right; what followed the block moved along.
    const x = (id: string) => h.nodes.find((n) => n.id === id)!.position.x;
    expect(x('dense2') < x('dense4') && x('dense4') < x('dense5') && x('dense5') < x('dense3')).toBe(true);
    expect(x('input')).toBe(g.nodes[0].position.x);
    // The attrs are copies, not shared objects; the input graph is untouched.
    expect(h.nodes.find((n) => n.id === 'dense4')!.attrs).not.toBe(g.nodes.find((n) => n.id === 'dense2')!.attrs);
    expect(g.nodes).toHaveLength(8);
    // The groups survive a save and reload.
    expect(parseGraph(serializeGraph(h)).groups).toEqual(h.groups);
  });

  it('undo restores the graph from before the repeat', () => {
    const g = grouped();
    const h = repeatGroup(g, { groupId: 'group1', times: 6 }).graph;
    expect(h.nodes).toHaveLength(18);
    const back = undo(record(emptyHistory(), g, null, 0), h)!;
    expect(back.graph).toBe(g);
    expect(back.history.future[0]).toBe(h);
  });

  it('repeats a block at the end of a chain (no consumer yet) from its single sink', () => {
    const g = groupNodes(deleteElements(defaultGraph(), { nodeIds: ['dense3', 'softmax', 'loss'] }), { nodeIds: ['dense2', 'relu2'] }).graph;
    const h = repeatGroup(g, { groupId: 'group1', times: 2 }).graph;
    expect(h.edges.map((e) => `${e.source}->${e.target}`)).toContain('relu2->dense3');
    expect(analyzeGraph(h).shapes.relu3).toEqual(['N', 16]);
  });

  it('refuses what cannot be chained and leaves the graph unchanged', () => {
    const g = grouped();
    expect(repeatGroup(g, { groupId: 'group1', times: 1 })).toMatchObject({ graph: g, error: /2 or more/ });
    expect(repeatGroup(g, { groupId: 'nope', times: 3 })).toMatchObject({ graph: g, error: /no such group/ });
    expect(repeatGroup(g, { groupId: 'group1', times: 1000 }).graph).toBe(g);
    const open = deleteElements(g, { edgeIds: g.edges.filter((e) => e.target === 'dense2').map((e) => e.id) });
    expect(repeatGroup(open, { groupId: 'group1', times: 3 })).toMatchObject({ graph: open, error: /Connect the input/ });
    // Two inputs from different layers: the copies cannot be chained.
    const two = groupNodes(defaultGraph(), { nodeIds: ['relu1', 'dense3'] }).graph;
    expect(repeatGroup(two, { groupId: 'group1', times: 2 }).error).toMatch(/more than one input/);
  });
});
