/**
 * One training step's forward, loss and backward, compiled when it can be. The compiled path
 * traces the step once per batch shape (engine/compile) and replays the plan afterwards: no
 * autograd graph is built per step, elementwise chains run fused and buffers are reused from
 * an arena. Steps that are not static train eagerly, with the reason kept: Custom Code
 * (arbitrary user code), a replaced loss (distillation's teacher), `compiled: false` in the
 * config, and any step whose trace drew random numbers (Dropout) or read values on the host
 * — compile reports those, and the traced call's own result is still exact, so the switch to
 * eager costs nothing but the trace.
 */
import { autocast } from '../amp/autocast.ts';
import type { GradScaler } from '../amp/scaler.ts';
import { compile, type CompiledFunction } from '../compile/compile.ts';
import type { Tensor } from '../core/tensor.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import { zeros } from '../ops/creation.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from './graphModel.ts';

export type LossFn = (x: Tensor, y: Tensor) => { loss: Tensor; prediction: Tensor };

export interface StepOutputs {
  /** The batch's unscaled loss and the model's prediction. */
  loss: Tensor;
  prediction: Tensor;
}

/** Why a run trains eagerly before any step runs, or null when it may compile. */
export function eagerReason(model: GraphModel, cfg: Pick<TrainConfig, 'compiled'>, customLoss: boolean): string | null {
  if (cfg.compiled === false) return 'compiled training is turned off';
  if (model.graph.nodes.some((n) => n.type === 'CustomCode')) return 'the graph has Custom Code';
  if (customLoss) return 'the loss is replaced (distillation)';
  return null;
}

export class TrainStep {
  private plan: CompiledFunction<Tensor[]> | null = null;
  private groupSize = 1;
  /** Why the step runs eagerly (null while compiled). */
  reason: string | null;

  constructor(private readonly model: GraphModel, cfg: Pick<TrainConfig, 'compiled'>, private readonly lossOf: LossFn | null, private readonly scaler: GradScaler | null) {
    this.reason = eagerReason(model, cfg, lossOf !== null);
    if (this.reason) return;
    const params = model.parameters().filter((p) => p.requiresGrad);
    // The scaler's scale must exist before the trace: a buffer made inside it would be the
    // plan's own, replayed at its first value, and never see the updates scaler.step makes.
    if (scaler) noGrad(() => scope(() => scaler.scale(zeros([1]))));
    this.plan = compile((x: Tensor, y: Tensor) => {
      const r = this.forward(x, y);
      const l = this.groupSize > 1 ? r.loss.div(this.groupSize) : r.loss;
      return [scaler ? scaler.scale(l) : l, r.loss, r.prediction];
    }, { params, key: () => `${model.training ? 'train' : 'eval'}|${this.groupSize}` });
  }

  get compiled(): boolean {
    return this.plan !== null;
  }

  /** Forward, loss and backward (gradients added into the parameters' .grad); the loss divided by `groupSize` for accumulation. */
  run(x: Tensor, y: Tensor, groupSize: number): StepOutputs {
    this.groupSize = groupSize;
    if (this.plan) {
      const [, loss, prediction] = this.plan(x, y) as [Tensor, Tensor, Tensor];
      if (this.plan.impure) {
        this.reason = `the step is not static: ${this.plan.impure}`;
        this.dispose();
      }
      return { loss: loss!, prediction: prediction! };
    }
    const r = this.forward(x, y);
    const l = groupSize > 1 ? r.loss.div(groupSize) : r.loss;
    (this.scaler ? this.scaler.scale(l) : l).backward();
    return r;
  }

  private forward(x: Tensor, y: Tensor): StepOutputs {
    const lossOf = this.lossOf ?? ((a: Tensor, b: Tensor) => this.model.lossAndPrediction(a, b));
    return autocast(() => lossOf(x, y), { enabled: this.scaler !== null });
  }

  dispose(): void {
    this.plan?.dispose();
    this.plan = null;
  }
}
