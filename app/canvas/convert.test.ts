import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { getLayer } from '../../engine/graph/catalog.ts';
import { deleteElements } from '../commands/graph.ts';
import { connectionToArgs, formatShape, fromFlow, issueText, readChanges, toFlowEdges, toFlowNodes, type LayerFlowNode } from './convert.ts';
import { summarize } from './summaries.ts';

describe('graph ⇄ React Flow', () => {
  const g = defaultGraph();
  const a = analyzeGraph(g);

  it('round-trips through React Flow nodes and edges', () => {
    const nodes = toFlowNodes(g, a);
    const edges = toFlowEdges(g, a);
    expect(fromFlow(nodes, edges)).toEqual(g);
  });

  it('bakes shapes, params, labels and accessible names into plain-JSON data', () => {
    const nodes = toFlowNodes(g, a);
    const dense = nodes.find((n) => n.id === 'dense1')!;
    expect(dense.type).toBe('layer');
    expect(dense.ariaLabel).toBe('Dense node');
    expect(dense.data.summary).toBe('16 units');
    expect(dense.data.shape).toBe('N×16');
    expect(dense.data.params).toBe(2 * 16 + 16);
    expect(dense.className).toContain('cat-core');
    expect(JSON.parse(JSON.stringify(dense.data))).toEqual(dense.data);
    const edges = toFlowEdges(g, a);
    expect(edges[0]).toMatchObject({ type: 'shape', source: 'input', sourceHandle: 'out', target: 'dense1', targetHandle: 'in', data: { shape: 'N×2' } });
  });

  it('marks nodes with errors and says which layer an issue is about', () => {
    const broken = deleteElements(g, { edgeIds: [g.edges[0].id] });
    const ba = analyzeGraph(broken);
    const dense = toFlowNodes(broken, ba).find((n) => n.id === 'dense1')!;
    expect(dense.data.errors.length).toBeGreaterThan(0);
    expect(dense.className).toContain('has-error');
    const issue = ba.issues.find((i) => i.nodeId === 'dense1' && i.severity === 'error')!;
    expect(issueText(issue, broken)).toMatch(/^Dense/);
  });

  it('shows engine errors on their node', () => {
    const nodes = toFlowNodes(g, a, { selectedNodes: new Set(), selectedEdges: new Set(), measured: {}, engineErrors: { relu1: 'boom' } });
    expect(nodes.find((n) => n.id === 'relu1')!.data.errors).toEqual(['boom']);
  });

  it('reuses unchanged node objects so React Flow skips them', () => {
    const cache = new Map<string, LayerFlowNode>();
    const first = toFlowNodes(g, a, undefined, cache);
    const moved = { ...g, nodes: g.nodes.map((n, i) => (i === 0 ? { ...n, position: { x: 999, y: 0 } } : n)) };
    const second = toFlowNodes(moved, a, undefined, cache);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0].data).toBe(first[0].data);
    expect(second[1]).toBe(first[1]);
  });

  it('reads React Flow changes into moves, deletions, selection and sizes', () => {
    const r = readChanges(
      [
        { type: 'position', id: 'dense1', position: { x: 1, y: 2 }, dragging: true },
        { type: 'select', id: 'dense1', selected: true },
        { type: 'remove', id: 'relu1' },
        { type: 'dimensions', id: 'dense1', dimensions: { width: 140, height: 60 } },
      ],
      [{ type: 'select', id: 'e1', selected: true }],
      { selection: { nodes: ['input'], edges: [] }, measured: {} },
    );
    expect([...r.moves]).toEqual([['dense1', { x: 1, y: 2 }]]);
    expect(r.removedNodes).toEqual(['relu1']);
    expect(r.selection).toEqual({ nodes: ['input', 'dense1'], edges: ['e1'] });
    expect(r.measured).toEqual({ dense1: { width: 140, height: 60 } });
    expect(readChanges([], [], { selection: { nodes: [], edges: [] }, measured: {} }).selection).toBeNull();
  });

  it('turns a connection into connect args', () => {
    expect(connectionToArgs({ source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'a' })).toEqual({ source: 'a', sourcePort: 'out', target: 'b', targetPort: 'a' });
    expect(connectionToArgs({ source: 'a', sourceHandle: null, target: 'a', targetHandle: null })).toBeNull();
  });

  it('formats shapes and summaries', () => {
    expect(formatShape(['N', 16])).toBe('N×16');
    expect(formatShape(null)).toBeNull();
    expect(summarize('Dense', { units: 8, bias: false }, getLayer('Dense'))).toBe('8 units, no bias');
    expect(summarize('Loss', { loss: 'mse' }, getLayer('Loss'))).toBe('mean squared error');
    expect(summarize('LeakyReLU', { slope: 0.2 }, getLayer('LeakyReLU'))).toBe('negative slope 0.2');
    expect(summarize('Softmax', { dim: -1 }, getLayer('Softmax'))).toBe('');
    expect(summarize('NoSuchLayer', { a: 1 }, undefined)).toBe('');
  });
});
