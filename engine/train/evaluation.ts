/**
 * Scoring a trained model on a split: `evaluateReport` runs the model over a dataset in eval
 * mode (asynchronous reads: every backend) and builds the report of metrics/report.ts;
 * `evaluateProject` does it from plain data (graph, weights, dataset spec, config) on the
 * test split the data preparation set aside — the validation split when there is none —
 * or on rows given directly (the CLI's `--data FILE`). Used by the worker and the CLI.
 */
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import { FlowgradError } from '../core/errors.ts';
import type { GraphJSON } from '../graph/types.ts';
import type { DataIO } from '../data/resolve.ts';
import { classificationReport, regressionReport, type EvaluationReport } from '../metrics/report.ts';
import type { DatasetSpec, TrainConfig } from '../project/config.ts';
import { batchTensors, metricPlan } from './evaluate.ts';
import type { GraphModel } from './graphModel.ts';
import { loadData, modelWithWeights, type ModelSetup } from './session.ts';
import type { ArrayDataset } from '../data/split.ts';

/** Loss, predictions and the report of `model` on every row of `d`. */
export async function evaluateReport(model: GraphModel, d: ArrayDataset, cfg: TrainConfig, opts: { classNames?: string[] | null; worst?: number; batchSize?: number } = {}): Promise<EvaluationReport> {
  if (d.rows === 0) throw new FlowgradError('bad-argument', 'there are no rows to evaluate');
  const plan = metricPlan(model, d, cfg);
  const batch = opts.batchSize ?? 256;
  const idx = Int32Array.from({ length: d.rows }, (_, i) => i);
  const preds: Float32Array[] = [];
  let lossSum = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let from = 0; from < d.rows; from += batch) {
      const to = Math.min(d.rows, from + batch);
      const { loss, prediction: pred } = noGrad(() => scope(() => {
        const b = batchTensors(d, idx, from, to);
        return model.lossAndPrediction(b.x, b.y);
      }));
      try {
        const [l, p] = await Promise.all([loss.data(), pred.data()]);
        lossSum += l[0]! * (to - from);
        preds.push(Float32Array.from(p));
      } finally {
        loss.dispose();
        pred.dispose();
      }
    }
  } finally {
    model.train(wasTraining);
  }
  const pred = new Float32Array(preds.reduce((a, p) => a + p.length, 0));
  preds.reduce((o, p) => (pred.set(p, o), o + p.length), 0);
  const loss = lossSum / d.rows;
  if (plan.classification) {
    const report = classificationReport(pred, d.y as Int32Array, { classes: plan.classes, logits: plan.logits, loss, classNames: opts.classNames ?? null, worst: opts.worst ?? 12 });
    // A label per token: the metrics count tokens; a worst-classified token points at its sample (the row shown).
    const perRow = d.y.length / d.rows;
    if (perRow > 1 && report.worst) report.worst = report.worst.map((w) => ({ ...w, index: Math.floor(w.index / perRow) }));
    return report;
  }
  return regressionReport(pred, d.y instanceof Float32Array ? d.y : Float32Array.from(d.y), d.rows, loss);
}

export interface EvaluateJob {
  graph: GraphJSON;
  weights: Uint8Array;
  dataset: DatasetSpec;
  config: TrainConfig;
  /** Rows to score instead of a split of the dataset (already prepared as the model expects). */
  rows?: ArrayDataset;
  worst?: number;
  /** Applied to the model once its weights are in (an int8 model's simulation). */
  setup?: ModelSetup;
}

export interface ProjectEvaluation {
  /** Which rows were scored. */
  split: 'test' | 'validation' | 'training' | 'given';
  report: EvaluationReport;
  /** The scored rows' inputs (to show the worst samples), and their sample shape. */
  samples: { x: Float32Array; sampleShape: number[] } | null;
}

/** Scores the test split (the validation split, else the training split, when there is none). */
export async function evaluateProject(job: EvaluateJob, io?: DataIO): Promise<ProjectEvaluation> {
  let rows: ArrayDataset, split: ProjectEvaluation['split'], classNames: string[] | null = null, sampleShape: number[];
  if (job.rows) {
    rows = job.rows;
    split = 'given';
    sampleShape = job.rows.sampleShape ?? [job.rows.features];
  } else {
    const data = await loadData(job.dataset, job.config, io);
    const pick = data.test ? (['test', data.test] as const) : data.val ? (['validation', data.val] as const) : (['training', data.train] as const);
    [split, rows] = pick;
    rows = { ...rows, sampleShape: data.sampleShape };
    classNames = data.classNames;
    sampleShape = data.sampleShape;
  }
  const model = modelWithWeights(job.graph, job.weights, job.setup);
  try {
    const report = await evaluateReport(model, rows, job.config, { classNames, worst: job.worst ?? 12 });
    return { split, report, samples: { x: rows.x, sampleShape } };
  } finally {
    model.dispose();
  }
}
