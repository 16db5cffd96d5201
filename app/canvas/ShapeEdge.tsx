/**
 * An edge labelled with the tensor shape it carries ("N×16"), drawn as a bezier. An edge that
 * runs backwards (a chain wrapped onto the next row) is drawn as steps through the gap between
 * the rows, its label in that gap, not as a long diagonal across the nodes. The label is HTML
 * (EdgeLabelRenderer) so it stays crisp at any zoom; a missing shape shows as "?".
 */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import type { ShapeFlowEdge } from './convert.ts';

function ShapeEdgeView(props: EdgeProps<ShapeFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const ends = { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition };
  const backwards = targetX < sourceX - 20 && Math.abs(targetY - sourceY) > 20;
  const [path, labelX, labelY] = backwards
    ? getSmoothStepPath({ ...ends, borderRadius: 10, offset: 18, centerY: (sourceY + targetY) / 2 })
    : getBezierPath(ends);
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
