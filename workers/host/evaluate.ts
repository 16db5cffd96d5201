/**
 * The worker's Evaluate: scores a trained model on the test split its data preparation set
 * aside (validation, else training, when there is none) and returns the report with the
 * inputs of the worst-classified samples only (so the app can show those images without
 * receiving the whole split). A model kept as int8 is scored as int8 computes (int8Setup).
 */
import { evaluateProject } from '../../engine/train/evaluation.ts';
import { int8Setup } from '../../engine/compress/int8Model.ts';
import type { DataIO } from '../../engine/data/resolve.ts';
import type { EvaluateRequest, EvaluateResult } from '../api.ts';

export async function evaluateRun(req: EvaluateRequest, io: DataIO): Promise<EvaluateResult> {
  const { split, report, samples } = await evaluateProject({ graph: req.graph, weights: req.weights, dataset: req.dataset, config: req.config, worst: req.worst ?? 12, setup: int8Setup(req.int8) }, io);
  const per = samples ? samples.sampleShape.reduce((a, b) => a * b, 1) : 0;
  const worstInputs = samples && report.worst
    ? report.worst.map((w) => samples.x.slice(w.index * per, (w.index + 1) * per))
    : [];
  return { split, report, sampleShape: samples?.sampleShape ?? [], worstInputs };
}
