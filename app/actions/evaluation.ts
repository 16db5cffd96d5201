/**
 * Evaluate: scores the current trained model on the test split its data preparation set
 * aside (the validation split when there is none) through the worker's `evaluate` — routed
 * like training, so a graph with Custom Code runs only in the sandbox and only once allowed.
 * The report lands in the store for the Evaluate view (EvaluateDialog.tsx). A model kept as int8
 * is scored as int8 computes, so its accuracy is the compression report's.
 */
import { getEngine } from '../../workers/client.ts';
import { useApp } from '../store/index.ts';
import { untrustedNodes } from './codeTrust.ts';

/** How many of the worst-classified samples the view shows. */
export const WORST_SHOWN = 12;

/** Runs Evaluate on the current model (again, when `force`); the result goes to `evaluation`. */
export function evaluateModel(force = false): void {
  const s = useApp.getState();
  const model = s.model;
  if (!model) return;
  if (!force && s.evaluation?.model === model && s.evaluation.status !== 'error') return;
  if (untrustedNodes(model.graph).length > 0) {
    s.patchRun({ evaluation: { status: 'error', model, message: 'This model holds Custom Code that has not been allowed to run: review and allow it first.' } });
    return;
  }
  s.patchRun({ evaluation: { status: 'running', model } });
  const mine = () => useApp.getState().model === model;
  getEngine()
    .evaluate({ graph: model.graph, weights: model.weights, dataset: model.dataset, config: model.config ?? s.training, worst: WORST_SHOWN, int8: model.int8 ?? null })
    .then((result) => {
      if (mine()) useApp.getState().patchRun({ evaluation: { status: 'done', model, result } });
    })
    .catch((e: unknown) => {
      if (mine()) useApp.getState().patchRun({ evaluation: { status: 'error', model, message: (e as Error)?.message ?? String(e) } });
    });
}

/** Opens the Evaluate view and scores the current model (once per model). */
export function openEvaluation(): void {
  useApp.getState().openDialog('evaluate');
  evaluateModel();
}
