/**
 * Groups on the canvas: a collapsed group drawn as one block node (name, layer count, input
 * and output shapes, total parameters; one input and one output handle), and the labelled
 * frame drawn behind an expanded group's members.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { formatCount } from './convert.ts';
import type { BlockFlowNode, FrameFlowNode } from './groupView.ts';

function BlockNodeView({ data, selected }: NodeProps<BlockFlowNode>) {
  const { name, layers, inputs, outputs, params, flops, errors } = data;
  return (
    <div className={`layer-node block-node${selected ? ' selected' : ''}${errors ? ' error' : ''}`}>
      <Handle id="in" type="target" position={Position.Left} aria-label={`${name} input`} />
      <div className="layer-node-head">
        <span className="layer-node-swatch" aria-hidden="true" />
        <span className="layer-node-label">{name}</span>
        {params > 0 && <span className="layer-node-params" title={`${params.toLocaleString('en-US')} trainable parameters`}>{formatCount(params)} params</span>}
      </div>
      <div className="layer-node-summary">{layers} layer{layers === 1 ? '' : 's'}{inputs.length ? ` · in ${inputs.join(', ')}` : ''}</div>
      <div className="layer-node-shape">
        <span>{outputs.length ? `→ ${outputs.join(', ')}` : '→ ?'}</span>
        {flops > 0 && <span className="layer-node-flops" title={`${flops.toLocaleString('en-US')} FLOPs per sample (forward)`}>{formatCount(flops)} FLOPs</span>}
      </div>
      {errors > 0 && <div className="layer-node-error" role="note">{errors} layer{errors === 1 ? ' has' : 's have'} problems</div>}
      <Handle id="out" type="source" position={Position.Right} aria-label={`${name} output`} />
    </div>
  );
}

function FrameNodeView({ data }: NodeProps<FrameFlowNode>) {
  return (
    <div className="group-frame" aria-hidden="true">
      <span className="group-frame-label">{data.name}</span>
    </div>
  );
}

export const BlockNode = memo(BlockNodeView);
export const FrameNode = memo(FrameNodeView);
