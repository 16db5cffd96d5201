/**
 * Refuses to train a graph that does not fit its dataset, with the error on the node to
 * change (the rule itself lives in engine/graph/dataFit.ts, shared with the canvas).
 */
import { FlowgradError } from '../core/errors.ts';
import { dataFitIssues } from '../graph/dataFit.ts';
import type { DataSignature } from '../graph/dataFit.ts';
import type { GraphModel } from './graphModel.ts';

export function shapesFit(model: GraphModel, data: DataSignature): void {
  const first = dataFitIssues(model.graph, model.analysis, data)[0];
  if (first) throw new FlowgradError('graph', first.message, first.nodeId ? { nodeId: first.nodeId } : {});
}
