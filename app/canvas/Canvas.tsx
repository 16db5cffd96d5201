/**
 * The model canvas: a controlled React Flow view of the store's graph. Nodes and edges are
 * derived (convert.ts); every change React Flow reports is read back into graph commands
 * (moves, deletes, connects) or UI state (selection, measured sizes). Palette items are
 * dropped here with HTML5 drag and drop.
 */
import { useCallback, useEffect, useMemo, useRef, type DragEvent } from 'react';
import {
  Background, BackgroundVariant, ControlButton, Controls, ReactFlow, ReactFlowProvider, useReactFlow,
  type Connection, type EdgeChange, type IsValidConnection, type NodeChange,
} from '@xyflow/react';
import { getLayer } from '../../engine/graph/catalog.ts';
import { moveNodes } from '../commands/graph.ts';
import { arrange } from '../commands/layout.ts';
import { useApp } from '../store/index.ts';
import { useAnalysis } from '../store/analysis.ts';
import { canvasBridge } from './bridge.ts';
import { connectionToArgs, readChanges, toFlowEdges, toFlowNodes, type LayerFlowNode, type ShapeFlowEdge } from './convert.ts';
import { edgeTypes, LAYER_MIME, nodeTypes } from './types.ts';

const FIT = { padding: 0.15, maxZoom: 1.1 };

function isLayerType(t: string): boolean {
  try {
    return !!getLayer(t);
  } catch {
    return false;
  }
}

function Flow() {
  const graph = useApp((s) => s.graph);
  const selection = useApp((s) => s.selection);
  const measured = useApp((s) => s.measured);
  const engineErrors = useApp((s) => s.engineErrors);
  const focus = useApp((s) => s.focus);
  const loadSeq = useApp((s) => s.loadSeq);
  const analysis = useAnalysis();
  const rf = useReactFlow<LayerFlowNode, ShapeFlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const cache = useRef(new Map<string, LayerFlowNode>());

  const view = useMemo(
    () => ({ selectedNodes: new Set(selection.nodes), selectedEdges: new Set(selection.edges), measured, engineErrors }),
    [selection, measured, engineErrors],
  );
  const nodes = useMemo(() => toFlowNodes(graph, analysis, view, cache.current), [graph, analysis, view]);
  const edges = useMemo(() => toFlowEdges(graph, analysis, view), [graph, analysis, view]);

  const apply = useCallback((nc: NodeChange<LayerFlowNode>[], ec: EdgeChange<ShapeFlowEdge>[]) => {
    const s = useApp.getState();
    const r = readChanges(nc, ec, { selection: s.selection, measured: s.measured });
    if (r.measured) s.setMeasured(r.measured);
    if (r.moves.size) s.edit((g) => moveNodes(g, r.moves));
    if (r.removedNodes.length || r.removedEdges.length) s.deleteElements({ nodeIds: r.removedNodes, edgeIds: r.removedEdges });
    if (r.selection) {
      const left = useApp.getState().graph;
      const nodeIds = new Set(left.nodes.map((n) => n.id));
      const edgeIds = new Set(left.edges.map((e) => e.id));
      s.select({ nodes: r.selection.nodes.filter((id) => nodeIds.has(id)), edges: r.selection.edges.filter((id) => edgeIds.has(id)) });
    }
  }, []);
  const onNodesChange = useCallback((c: NodeChange<LayerFlowNode>[]) => apply(c, []), [apply]);
  const onEdgesChange = useCallback((c: EdgeChange<ShapeFlowEdge>[]) => apply([], c), [apply]);

  const onConnect = useCallback((c: Connection) => {
    const args = connectionToArgs(c);
    if (args) useApp.getState().connectPorts(args);
  }, []);
  const isValidConnection = useCallback<IsValidConnection<ShapeFlowEdge>>((c) => c.source !== c.target, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_MIME) && !e.dataTransfer.types.includes('text/plain')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(LAYER_MIME) || e.dataTransfer.getData('text/plain');
      if (!type || !isLayerType(type)) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useApp.getState().addLayer(type, { x: Math.round(p.x - 70), y: Math.round(p.y - 24) });
    },
    [rf],
  );

  useEffect(() => {
    canvasBridge.viewCenter = () => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r) return { x: 0, y: 0 };
      return rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    };
    return () => {
      canvasBridge.viewCenter = null;
    };
  }, [rf]);

  useEffect(() => {
    if (!focus) return;
    const n = rf.getNode(focus.nodeId);
    if (!n) return;
    const w = n.measured?.width ?? 150;
    const h = n.measured?.height ?? 60;
    void rf.setCenter(n.position.x + w / 2, n.position.y + h / 2, { zoom: rf.getZoom(), duration: 250 });
  }, [focus, rf]);

  useEffect(() => {
    if (loadSeq === 0) return;
    const t = setTimeout(() => void rf.fitView({ ...FIT, duration: 200 }), 30);
    return () => clearTimeout(t);
  }, [loadSeq, rf]);

  return (
    <div className="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<LayerFlowNode, ShapeFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={['Delete', 'Backspace']}
        colorMode="dark"
        fitView
        fitViewOptions={FIT}
        minZoom={0.3}
        maxZoom={2}
        attributionPosition="bottom-left"
        aria-label="Model canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls showInteractive={false} position="bottom-right">
          <ControlButton
            onClick={() => {
              useApp.getState().edit(arrange);
              setTimeout(() => void rf.fitView({ ...FIT, duration: 200 }), 30);
            }}
            title="Arrange layers"
            aria-label="Arrange layers"
          >
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 2h5v4H1zM10 2h5v4h-5zM1 10h5v4H1zM10 10h5v4h-5z" /></svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas-empty">
          <strong>Empty canvas</strong>
          <span>Drag layers here from the palette, or click one to add it.</span>
        </div>
      )}
    </div>
  );
}

export function Canvas() {
  return (
    <ReactFlowProvider>
      <Flow />
    </ReactFlowProvider>
  );
}
