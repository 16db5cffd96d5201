/**
 * Groups on the canvas, layered over the plain layer view (convert.ts): an expanded group
 * gets a labelled frame behind its members; a collapsed group hides its members and shows
 * one block node (name, input/output shapes, total parameters) with the edges that cross
 * its boundary re-attached to it. Edge ids are kept, so deleting a re-attached edge deletes
 * the real one. A graph without groups passes through untouched (same arrays).
 */
import type { Node } from '@xyflow/react';
import type { GraphAnalysis, GraphJSON } from '../../engine/graph/types.ts';
import { groupNodeId, groupOrigin, summarizeGroup } from '../commands/groups.ts';
import { formatShape, type FlowViewState, type LayerFlowNode, type ShapeFlowEdge } from './convert.ts';

export type BlockNodeData = {
  groupId: string;
  name: string;
  layers: number;
  inputs: string[];
  outputs: string[];
  params: number;
  flops: number;
  /** How many member layers have errors. */
  errors: number;
};

export type FrameNodeData = { groupId: string; name: string };

export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type FrameFlowNode = Node<FrameNodeData, 'frame'>;
export type FlowNode = LayerFlowNode | BlockFlowNode | FrameFlowNode;

const DEFAULT_SIZE = { width: 150, height: 60 };
const PAD = 14;
const HEAD = 22;

export function applyGroups(
  graph: GraphJSON,
  analysis: GraphAnalysis,
  nodes: LayerFlowNode[],
  edges: ShapeFlowEdge[],
  view: Pick<FlowViewState, 'selectedNodes' | 'measured'>,
): { nodes: FlowNode[]; edges: ShapeFlowEdge[] } {
  const groups = graph.groups;
  if (!groups?.length) return { nodes, edges };
  const hiddenBy = new Map<string, string>();
  for (const g of groups) if (g.collapsed) for (const m of g.nodeIds) hiddenBy.set(m, groupNodeId(g.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const frames: FrameFlowNode[] = [];
  const blocks: BlockFlowNode[] = [];
  for (const g of groups) {
    if (g.collapsed) {
      const id = groupNodeId(g.id);
      const s = summarizeGroup(graph, g, analysis);
      const errors = g.nodeIds.filter((m) => (byId.get(m)?.data.errors.length ?? 0) > 0).length;
      const measured = view.measured[id];
      blocks.push({
        id,
        type: 'block',
        position: groupOrigin(graph, g),
        data: {
          groupId: g.id, name: g.name, layers: s.layers, params: s.params, flops: s.flops, errors,
          inputs: s.inputs.map((x) => formatShape(x) ?? '?'),
          outputs: s.outputs.map((x) => formatShape(x) ?? '?'),
        },
        selected: view.selectedNodes.has(id),
        ...(measured ? { measured } : {}),
        ariaLabel: `${g.name} block`,
        className: `block${errors ? ' has-error' : ''}`,
      });
      continue;
    }
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const m of g.nodeIds) {
      const n = byId.get(m);
      if (!n) continue;
      const size = view.measured[m] ?? DEFAULT_SIZE;
      minX = Math.min(minX, n.position.x);
      minY = Math.min(minY, n.position.y);
      maxX = Math.max(maxX, n.position.x + size.width);
      maxY = Math.max(maxY, n.position.y + size.height);
    }
    if (minX === Infinity) continue;
    frames.push({
      id: `frame:${g.id}`,
      type: 'frame',
      position: { x: minX - PAD, y: minY - PAD - HEAD },
      width: maxX - minX + 2 * PAD,
      height: maxY - minY + 2 * PAD + HEAD,
      data: { groupId: g.id, name: g.name },
      selectable: false,
      draggable: false,
      focusable: false,
      zIndex: -1,
      className: 'group-frame-wrap',
    });
  }
  const shown = hiddenBy.size ? nodes.filter((n) => !hiddenBy.has(n.id)) : nodes;
  const routed = hiddenBy.size
    ? edges.flatMap((e): ShapeFlowEdge[] => {
      const s = hiddenBy.get(e.source);
      const t = hiddenBy.get(e.target);
      if (!s && !t) return [e];
      if (s && s === t) return [];
      return [{
        ...e,
        ...(s ? { source: s, sourceHandle: 'out' } : {}),
        ...(t ? { target: t, targetHandle: 'in' } : {}),
      }];
    })
    : edges;
  return { nodes: [...frames, ...shown, ...blocks], edges: routed };
}
