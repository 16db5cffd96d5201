/**
 * Knowledge distillation (Hinton et al. 2015): a student trained on
 * α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE(z_s, y), the teacher's logits softened
 * by the temperature T (T² keeps the soft term's gradient scale independent of T). The student
 * is a graph the user gives or `suggestStudent`'s copy of the teacher with every shrinkable
 * layer at half its width (about a quarter of the parameters).
 */
import { FlowgradError } from '../core/errors.ts';
import { noGrad } from '../autograd/mode.ts';
import type { Tensor } from '../core/tensor.ts';
import type { GraphJSON } from '../graph/types.ts';
import type { ArrayDataset } from '../project/dataTypes.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { channelGroups } from './channels.ts';
import { compressRow } from './layers.ts';

export interface DistillOptions {
  temperature: number;
  alpha: number;
}

export function checkDistillOptions(o: DistillOptions): void {
  if (!(o.temperature > 0)) throw new FlowgradError('bad-argument', `distillation: the temperature must be > 0 (got ${o.temperature})`);
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw new FlowgradError('bad-argument', `distillation: alpha must be in [0, 1] (got ${o.alpha})`);
}

/** The soft term T²·KL(softmax(zt/T) ‖ softmax(zs/T)), averaged over the batch. */
export function softTargetLoss(studentLogits: Tensor, teacherLogits: Tensor, temperature: number): Tensor {
  const logPt = teacherLogits.div(temperature).logSoftmax(-1);
  const logPs = studentLogits.div(temperature).logSoftmax(-1);
  const kl = logPt.exp().mul(logPt.sub(logPs)).sum(-1).mean();
  return kl.mul(temperature * temperature);
}

/** α·T²·KL + (1 − α)·CE, with CE the student's own loss on the labels. */
export function distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, hardLoss: Tensor, o: DistillOptions): Tensor {
  return softTargetLoss(studentLogits, teacherLogits, o.temperature).mul(o.alpha).add(hardLoss.mul(1 - o.alpha));
}

/**
 * The training loss `fit` uses for the student (FitCallbacks.loss): the teacher runs without
 * gradients in eval mode; both models' logits come from GraphModel.logits.
 */
export function distillLossFn(student: GraphModel, teacher: GraphModel, o: DistillOptions): (x: Tensor, y: Tensor) => { loss: Tensor; prediction: Tensor } {
  checkDistillOptions(o);
  if (student.lossKind !== 'crossEntropy' || teacher.lossKind !== 'crossEntropy') throw new FlowgradError('unsupported', 'distillation needs classification models with a cross-entropy loss (teacher and student)');
  if (student.outputSize !== teacher.outputSize) throw new FlowgradError('bad-argument', `the student predicts ${student.outputSize} classes, the teacher ${teacher.outputSize}`);
  teacher.eval();
  return (x, y) => {
    const zt = noGrad(() => teacher.logits(x).detach());
    const { loss, prediction, logits } = student.lossAndPrediction(x, y);
    return { loss: distillationLoss(logits, zt, loss, o), prediction };
  };
}

/** A smaller copy of `graph`: every layer whose channels can shrink keeps `width` of them (half by default, at least 1). */
export function suggestStudent(graph: GraphJSON, width = 0.5): GraphJSON {
  if (!(width > 0 && width <= 1)) throw new FlowgradError('bad-argument', `the student's width must be in (0, 1] (got ${width})`);
  const a = analyzeGraph(graph);
  if (!a.ok) throw new FlowgradError('graph', 'the teacher graph has errors');
  const groups = new Set(channelGroups(graph, a).map((g) => g.producer));
  if (groups.size === 0) throw new FlowgradError('unsupported', 'no layer of this graph can be made narrower: give a student graph');
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const rule = compressRow(n.type)?.channels;
      if (!groups.has(n.id) || rule?.kind !== 'producer') return n;
      return { ...n, attrs: { ...n.attrs, [rule.attr]: Math.max(1, Math.round(Number(n.attrs[rule.attr]) * width)) } };
    }),
  };
}

/**
 * The first `rows` rows of a training split (the split is already shuffled by its seed), for a
 * student trained on fewer rows than its teacher: soft targets carry much of what the other
 * rows taught the teacher (Hinton et al. §3: a student on 3% of the data), and a student on
 * a tenth of the rows trains ten times faster. `rows` ≥ the split's size keeps it whole.
 */
export function studentRowsOf(d: ArrayDataset, rows: number | undefined): ArrayDataset {
  if (rows === undefined) return d;
  if (!(Number.isInteger(rows) && rows >= 1)) throw new FlowgradError('bad-argument', `distillation: the student's rows must be a whole number ≥ 1 (got ${rows})`);
  if (rows >= d.rows) return d;
  const yPer = d.y.length / d.rows;
  return { ...d, rows, x: d.x.subarray(0, rows * d.features), y: d.y.subarray(0, rows * yPer) };
}
