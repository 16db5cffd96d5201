/**
 * The model canvas: a controlled React Flow view of the store's graph. Nodes and edges are
 * derived (convert.ts); every change React Flow reports is read back into graph commands
 * (moves, deletes, connects) or UI state (selection, measured sizes). Palette items are
 * dropped here with HTML5 drag and drop. Shift-drag box-selects, Shift/Ctrl-click adds to the
 * selection; a whole drag is one undo step. Minimap and snap-to-grid follow the preferences.
 */
import { useCallback, useEffect, useMemo, useRef, type DragEvent } from 'react';
import {
  Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow,
  type Connection, type EdgeChange, type IsValidConnection, type NodeChange,
} from '@xyflow/react';
import { getLayer } from '../../engine/graph/catalog.ts';
import { moveNodes } from '../commands/graph.ts';
import { expandGroupMoves, expandGroupNodeIds, groupIdOfNode, groupNodeId, groupOfNode } from '../commands/groups.ts';
import { autoLayout } from '../actions/autoLayout.ts';
import { useApp } from '../store/index.ts';
import { useAnalysis } from '../store/analysis.ts';
import { canvasBridge } from './bridge.ts';
import { connectionToArgs, readChanges, toFlowEdges, toFlowNodes, type LayerFlowNode, type ShapeFlowEdge } from './convert.ts';
import { applyGroups, type FlowNode } from './groupView.ts';
import { edgeTypes, LAYER_MIME, nodeTypes } from './types.ts';

const FIT = { padding: 0.15, maxZoom: 1.1 };
const GRID: [number, number] = [20, 20];
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];
const MINIMAP_SIZE = { width: 150, height: 96 };

function isLayerType(t: string): boolean {
  try {
    return !!getLayer(t);
  } catch {
    return false;
  }
}

const minimapColor = (n: FlowNode) => (n.type === 'layer' ? `var(--grp-${n.data.group}, var(--cat-${n.data.category}, #888))` : n.type === 'block' ? 'var(--accent)' : 'transparent');

/** Each drag gets its own undo key, so one drag is one undo step however long it lasts. */
let dragSeq = 0;
let dragging = false;

function Flow() {
  const graph = useApp((s) => s.graph);
  const selection = useApp((s) => s.selection);
  const measured = useApp((s) => s.measured);
  const engineErrors = useApp((s) => s.engineErrors);
  const focus = useApp((s) => s.focus);
  const loadSeq = useApp((s) => s.loadSeq);
  const theme = useApp((s) => s.theme);
  const snapToGrid = useApp((s) => s.snapToGrid);
  const showMinimap = useApp((s) => s.showMinimap);
  const analysis = useAnalysis();
  const rf = useReactFlow<FlowNode, ShapeFlowEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const cache = useRef(new Map<string, LayerFlowNode>());
  const edgeCache = useRef(new Map<string, ShapeFlowEdge>());

  const view = useMemo(
    () => ({ selectedNodes: new Set(selection.nodes), selectedEdges: new Set(selection.edges), measured, engineErrors }),
    [selection, measured, engineErrors],
  );
  const layerNodes = useMemo(() => toFlowNodes(graph, analysis, view, cache.current), [graph, analysis, view]);
  const layerEdges = useMemo(() => toFlowEdges(graph, analysis, view, edgeCache.current), [graph, analysis, view]);
  const { nodes, edges } = useMemo(() => applyGroups(graph, analysis, layerNodes, layerEdges, view), [graph, analysis, layerNodes, layerEdges, view]);

  const apply = useCallback((nc: NodeChange<FlowNode>[], ec: EdgeChange<ShapeFlowEdge>[]) => {
    const s = useApp.getState();
    const r = readChanges(nc, ec, { selection: s.selection, measured: s.measured });
    if (r.measured) s.setMeasured(r.measured);
    // A collapsed group's node stands for its members: moving or deleting it moves or deletes them.
    if (r.moves.size) s.edit((g) => moveNodes(g, expandGroupMoves(g, r.moves)), dragging ? `move:${dragSeq}` : 'move');
    if (r.removedNodes.length || r.removedEdges.length) s.deleteElements({ nodeIds: expandGroupNodeIds(s.graph, r.removedNodes), edgeIds: r.removedEdges });
    if (r.selection) {
      const left = useApp.getState().graph;
      const nodeIds = new Set(left.nodes.map((n) => n.id));
      for (const g of left.groups ?? []) if (g.collapsed) nodeIds.add(groupNodeId(g.id));
      const edgeIds = new Set(left.edges.map((e) => e.id));
      s.select({ nodes: r.selection.nodes.filter((id) => nodeIds.has(id)), edges: r.selection.edges.filter((id) => edgeIds.has(id)) });
    }
  }, []);
  const onNodesChange = useCallback((c: NodeChange<FlowNode>[]) => apply(c, []), [apply]);
  const onEdgesChange = useCallback((c: EdgeChange<ShapeFlowEdge>[]) => apply([], c), [apply]);
  const onDragStart = useCallback(() => {
    dragSeq++;
    dragging = true;
  }, []);
  const onDragStop = useCallback(() => {
    dragging = false;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const args = connectionToArgs(c);
    if (args) useApp.getState().connectPorts(args);
  }, []);
  // A collapsed block's handles show where data crosses it; connect to its layers after expanding it.
  const isValidConnection = useCallback<IsValidConnection<ShapeFlowEdge>>((c) => c.source !== c.target && groupIdOfNode(c.source) === null && groupIdOfNode(c.target) === null, []);

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
      e.stopPropagation();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const snap = useApp.getState().snapToGrid ? (v: number) => Math.round(v / GRID[0]) * GRID[0] : Math.round;
      useApp.getState().addLayer(type, { x: snap(p.x - 70), y: snap(p.y - 24) });
    },
    [rf],
  );

  useEffect(() => {
    canvasBridge.viewCenter = () => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r) return { x: 0, y: 0 };
      return rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    };
    canvasBridge.fitView = () => void rf.fitView({ ...FIT, duration: 200 });
    canvasBridge.size = () => wrapper.current?.getBoundingClientRect() ?? { width: 0, height: 0 };
    return () => {
      canvasBridge.size = null;
      canvasBridge.viewCenter = null;
      canvasBridge.fitView = null;
    };
  }, [rf]);

  useEffect(() => {
    if (!focus) return;
    const group = groupOfNode(useApp.getState().graph, focus.nodeId);
    const n = rf.getNode(focus.nodeId) ?? (group ? rf.getNode(groupNodeId(group.id)) : undefined);
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
      <ReactFlow<FlowNode, ShapeFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={['Delete', 'Backspace']}
        multiSelectionKeyCode={MULTI_KEYS}
        selectionKeyCode="Shift"
        snapToGrid={snapToGrid}
        snapGrid={GRID}
        colorMode={theme}
        fitView
        fitViewOptions={FIT}
        minZoom={0.1}
        maxZoom={2}
        onlyRenderVisibleElements={graph.nodes.length > 200}
        attributionPosition="bottom-left"
        aria-label="Model canvas"
      >
        <Background variant={snapToGrid ? BackgroundVariant.Lines : BackgroundVariant.Dots} gap={20} size={1.2} />
        {showMinimap && (
          <MiniMap<FlowNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={0} nodeBorderRadius={8} position="bottom-left" ariaLabel="Minimap" className="minimap" style={MINIMAP_SIZE} />
        )}
        <Controls showInteractive={false} position="bottom-right" aria-label="Canvas controls">
          <ControlButton onClick={() => void autoLayout()} title="Auto-layout (Ctrl+L)" aria-label="Auto-layout">
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 2h5v4H1zM10 2h5v4h-5zM1 10h5v4H1zM10 10h5v4h-5z" /></svg>
          </ControlButton>
          <ControlButton
            onClick={() => useApp.getState().setPref('snapToGrid', !useApp.getState().snapToGrid)}
            title="Snap to grid (G)"
            aria-label="Snap to grid"
            aria-pressed={snapToGrid}
            className={snapToGrid ? 'on' : undefined}
          >
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 1h2v2H1zM7 1h2v2H7zM13 1h2v2h-2zM1 7h2v2H1zM7 7h2v2H7zM13 7h2v2h-2zM1 13h2v2H1zM7 13h2v2H7zM13 13h2v2h-2z" /></svg>
          </ControlButton>
          <ControlButton
            onClick={() => useApp.getState().setPref('showMinimap', !useApp.getState().showMinimap)}
            title="Minimap (M)"
            aria-label="Minimap"
            aria-pressed={showMinimap}
            className={showMinimap ? 'on' : undefined}
          >
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 2h14v12H1zM3 4v8h10V4zM8 6h4v4H8z" fillRule="evenodd" /></svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas-empty">
          <strong>Empty canvas</strong>
          <span>Drag layers here from the palette, type in its search box and press Enter, or pick a template.</span>
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
