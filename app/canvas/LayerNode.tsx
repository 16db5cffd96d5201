/**
 * One layer on the canvas: label, key attributes, output shape, parameter count and FLOPs, a
 * named handle per port, coloured by palette section (CSS `grp-*` / `cat-*` classes set on
 * the node wrapper). A node
 * with errors shows the first message on itself (all of them in the tooltip) and a red
 * outline. Reads only its plain-JSON `data`, so it re-renders only when that changes.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { formatCount, type LayerFlowNode } from './convert.ts';

function portTop(i: number, n: number): string {
  return `${((i + 1) / (n + 1)) * 100}%`;
}

/** The node already says which layer it is: drop a leading "Dense: " from its messages. */
function local(message: string, label: string): string {
  return message.startsWith(`${label}: `) ? message.slice(label.length + 2) : message;
}

function LayerNodeView({ data, selected }: NodeProps<LayerFlowNode>) {
  const { label, summary, shape, params, flops, inputs, outputs, errors, warnings } = data;
  const error = errors[0] && local(errors[0], label);
  const title = [...errors, ...warnings].join('\n') || undefined;
  return (
    <div className={`layer-node${selected ? ' selected' : ''}${error ? ' error' : ''}${inputs.length > 1 ? ' multi-in' : ''}`} title={title}>
      {inputs.map((p, i) => (
        <Handle key={p.name} id={p.name} type="target" position={Position.Left} style={{ top: portTop(i, inputs.length) }} aria-label={`${label} input ${p.label}`}>
          {inputs.length > 1 && <span className="port-label in">{p.name}</span>}
        </Handle>
      ))}
      <div className="layer-node-head">
        <span className="layer-node-swatch" aria-hidden="true" />
        <span className="layer-node-label">{label}</span>
        {params > 0 && <span className="layer-node-params" title={`${params.toLocaleString('en-US')} trainable parameters`}>{formatCount(params)} params</span>}
      </div>
      {summary && <div className="layer-node-summary">{summary}</div>}
      {outputs.length > 0 && (
        <div className="layer-node-shape">
          <span>{shape ? `→ ${shape}` : '→ ?'}</span>
          {flops > 0 && <span className="layer-node-flops" title={`${flops.toLocaleString('en-US')} FLOPs per sample (forward)`}>{formatCount(flops)} FLOPs</span>}
        </div>
      )}
      {error ? (
        <div className="layer-node-error" role="note">{error}</div>
      ) : warnings[0] ? (
        <div className="layer-node-warning">{local(warnings[0], label)}</div>
      ) : null}
      {outputs.map((p, i) => (
        <Handle key={p.name} id={p.name} type="source" position={Position.Right} style={{ top: portTop(i, outputs.length) }} aria-label={`${label} output ${p.label}`}>
          {outputs.length > 1 && <span className="port-label out">{p.name}</span>}
        </Handle>
      ))}
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
