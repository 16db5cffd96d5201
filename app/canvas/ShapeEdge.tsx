/**
 * An edge labelled with the tensor shape it carries ("N×16"), drawn as a bezier. The label is
 * HTML (EdgeLabelRenderer) so it stays crisp at any zoom; a missing shape shows as "?".
 */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import type { ShapeFlowEdge } from './convert.ts';

function ShapeEdgeView(props: EdgeProps<ShapeFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const shape = data?.shape ?? null;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={shape ? undefined : 'edge-unknown'} />
      <EdgeLabelRenderer>
        <div
          className={`edge-shape${selected ? ' selected' : ''}${shape ? '' : ' unknown'}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid="edge-shape"
        >
          {shape ?? '?'}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
