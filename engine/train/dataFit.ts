/**
 * Checks that a compiled graph fits the dataset before any step runs, so the user sees the
 * mismatch on the node that must change (the Input's shape, the last layer's size) instead
 * of a shape error deep in the first batch.
 */
import { FlowgradError } from '../core/errors.ts';
import type { GraphModel } from './graphModel.ts';

export function shapesFit(model: GraphModel, features: number, classes: number): void {
  const inShape = model.analysis.shapes[model.inputId] ?? [];
  const perSample = inShape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
  if (inShape.length !== 2 || perSample !== features) {
    throw new FlowgradError('graph', `Input: the dataset has ${features} features per sample, but this Input's shape is [${inShape.slice(1).join(',')}] — set it to [${features}]`, { nodeId: model.inputId });
  }
  if (model.lossKind === 'crossEntropy' && model.outputSize !== classes) {
    const lossId = model.graph.nodes.find((n) => n.type === 'Loss')!.id;
    throw new FlowgradError('graph', `Output / Loss: the dataset has ${classes} classes, but the model predicts ${model.outputSize} — make the last Dense layer ${classes} units`, { nodeId: lossId });
  }
}
