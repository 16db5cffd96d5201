/** Module-level node and edge type maps (React Flow warns when these change identity). */
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { BlockNode, FrameNode } from './BlockNode.tsx';
import { LayerNode } from './LayerNode.tsx';
import { ShapeEdge } from './ShapeEdge.tsx';

export const nodeTypes: NodeTypes = { layer: LayerNode, block: BlockNode, frame: FrameNode };
export const edgeTypes: EdgeTypes = { shape: ShapeEdge };

/** MIME type carried by palette drags. */
export const LAYER_MIME = 'application/x-flowgrad-layer';
