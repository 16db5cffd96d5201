/**
 * The status bar under the canvas: layers, parameters, FLOPs per sample, the estimated memory
 * of a training step at the current batch size (commands/stats.ts), and whether the model is
 * ready to train. Clicking the error count jumps to the first problem.
 */
import { formatCount } from '../canvas/convert.ts';
import { formatBytes, modelStats } from '../commands/stats.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';

export function StatusBar() {
  const analysis = useAnalysis();
  const layers = useApp((s) => s.graph.nodes.length);
  const batch = useApp((s) => s.training.batchSize);
  const optimizer = useApp((s) => s.training.optimizer);
  const selected = useApp((s) => s.selection.nodes.length);
  const stats = modelStats(analysis, batch, optimizer);
  const errors = analysis.issues.filter((i) => i.severity === 'error');
  const first = errors.find((i) => i.nodeId);
  return (
    <footer className="statusbar" role="status" aria-label="Model summary">
      <span>{layers} layers{selected ? ` (${selected} selected)` : ''}</span>
      <span title={`${stats.params.toLocaleString('en-US')} trainable parameters (${formatBytes(stats.paramBytes)})`}>{formatCount(stats.params)} params</span>
      <span title={`${stats.flopsPerSample.toLocaleString('en-US')} forward FLOPs per sample; ≈${formatCount(stats.flopsPerStep)} per training step`}>{formatCount(stats.flopsPerSample)} FLOPs</span>
      <span title={`Parameters, gradients and ${optimizer} state plus activations and their gradients, float32, at batch size ${batch}`}>
        ≈{formatBytes(stats.trainingBytes)} @ batch {batch}
      </span>
      {errors.length ? (
        <button type="button" className="link text-error" onClick={() => first?.nodeId && useApp.getState().focusNode(first.nodeId)}>
          {errors.length} error{errors.length > 1 ? 's' : ''}
        </button>
      ) : (
        <span className="text-ok">ready to train</span>
      )}
    </footer>
  );
}
