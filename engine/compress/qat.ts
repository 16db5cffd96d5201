/**
 * Quantization-aware fine-tuning (QAT): the model trains on for a few epochs while computing
 * as its int8 version will, so its weights adapt to the rounding before the int8 file is made.
 * Gradients pass the rounding by the straight-through estimator (STE): the rounding counts as
 * the identity, except where the value is clamped to the int8 range (no gradient there).
 *
 * - Activations (each quantized layer's input, per tensor): fake-quantized with the ranges
 *   calibrated before fine-tuning and kept fixed. Fixed, not tracked by an EMA as PyTorch's
 *   observers do, because the model starts trained (its ranges are already meaningful), a few
 *   epochs give an EMA little to settle, and training against exactly the ranges the int8 file
 *   will hold means the model adapts to the quantization it is deployed with.
 * - Weights (per output channel, symmetric, scale = max|w|/127 of the current weights, rounded
 *   to float16 as the int8 file stores it):
 *   the optimizer moves float "master" weights; the layers compute with their fake-quantized
 *   values. After each optimizer step the step's change is added to the masters and the
 *   parameters are set back to fake-quant(master) — the STE for weights, since with the
 *   max-scale every weight lies inside the range (identity gradient everywhere). Weights that
 *   are exactly zero (pruned) stay zero. The quantized layers' biases are held the same way at
 *   their float16 values (the int8 file stores them as F16).
 * At the end the parameters hold the fine-tuned masters, from which the int8 weights are made
 * exactly as post-training quantization makes them (quantize.ts), so exports are unchanged.
 */
import { FlowgradError } from '../core/errors.ts';
import { roundHalf } from '../core/half.ts';
import { noGrad } from '../autograd/mode.ts';
import { scope } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import type { TrainConfig } from '../project/config.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { fit, type FitCallbacks } from '../train/fit.ts';
import type { FitContext, TrainCallback } from '../train/callbacks/types.ts';
import type { LoadedData } from '../train/session.ts';
import { compressRow } from './layers.ts';
import { fakeQuant, storedScale, type ActQuant } from './quantize.ts';

/**
 * QAT trains at this fraction of the project's learning rate: the model starts trained, and at
 * the full rate a fresh Adam's first steps move every weight by about the rate — more than an
 * int8 step of most weights — undoing more than the fine-tuning recovers (LeNet-5 lost 1.33 pp
 * in one epoch at 0.001; PyTorch's and TF-MOT's QAT recipes also fine-tune at a small rate).
 */
export const QAT_LR_FACTOR = 0.1;

/** Most QAT epochs a run may ask for (a fine-tune, not a training run). */
export const MAX_QAT_EPOCHS = 100;

/** Throws a 'bad-argument' error naming the problem with the quantization options' qatEpochs. */
export function checkQatEpochs(o: { kind: string; qatEpochs?: number }): void {
  const n = o.qatEpochs;
  if (n === undefined || n === 0) return;
  if (!Number.isInteger(n) || n < 0 || n > MAX_QAT_EPOCHS) throw new FlowgradError('bad-argument', `quantization-aware fine-tuning: epochs must be a whole number from 0 to ${MAX_QAT_EPOCHS} (got ${n})`);
  if (o.kind !== 'int8') throw new FlowgradError('bad-argument', 'quantization-aware fine-tuning is for int8 (float16 needs none)');
}

/** The float range an activation's int8 grid covers: [(−128 − z)·s, (127 − z)·s]. */
export function activationRange(a: Pick<ActQuant, 'scale' | 'zeroPoint'>): [number, number] {
  return [(-128 - a.zeroPoint) * a.scale, (127 - a.zeroPoint) * a.scale];
}

/**
 * Fake-quant for training: the forward value is exactly fakeQuant(x) (quantize → dequantize);
 * the gradient is the identity where lo ≤ x ≤ hi and zero where the clamp cuts x off.
 * c − c is exactly 0, so adding it changes no value but carries clamp's gradient.
 */
export function fakeQuantSTE(x: Tensor, a: Pick<ActQuant, 'scale' | 'zeroPoint'>): Tensor {
  const [lo, hi] = activationRange(a);
  const c = x.clamp(lo, hi);
  return c.sub(c.detach()).add(fakeQuant(x.detach(), a));
}

/** Per-output-channel symmetric fake-quant of a weight (channels on `axis`), as quantizePerChannel then dequantizePerChannel compute it. */
export function fakeQuantWeight(w: Tensor, axis: number): Tensor {
  const others = w.shape.map((_, i) => i).filter((i) => i !== axis);
  const max = others.length > 0 ? w.abs().max(others, true) : w.abs();
  // The very scales quantizePerChannel stores (float16-rounded, 1 for a channel of zeros), made
  // on the host: QAT, like calibration, runs on a backend that reads synchronously.
  const scale = tensor(Float32Array.from(max.dataSync(), (m) => (m > 0 ? storedScale(m / 127) : 1)), { shape: [...max.shape] });
  return w.div(scale).round().clamp(-127, 127).mul(scale);
}

/** The weights QAT fake-quantizes: those COMPRESS_LAYERS quantizes per channel, with their axes. */
export function quantizedWeights(model: GraphModel): [string, Tensor, number][] {
  const own = new Map(model.namedParameters());
  return model.graph.nodes.flatMap((n) => Object.entries(compressRow(n.type)?.weights ?? {}).flatMap(([p, axis]) => {
    const t = own.get(`${n.id}.${p}`);
    return t ? [[`${n.id}.${p}`, t, axis] as [string, Tensor, number]] : [];
  }));
}

/** A tensor's values rounded to float16 values, as quantizeWeights stores a quantized layer's bias. */
export function halfRound(t: Tensor): Tensor {
  return tensor(Float32Array.from(t.dataSync(), roundHalf), { shape: [...t.shape] });
}

/** The float parameters the int8 file holds as float16 values (COMPRESS_LAYERS' `half`: biases). */
export function halfParams(model: GraphModel): [string, Tensor][] {
  const own = new Map(model.namedParameters());
  return model.graph.nodes.flatMap((n) => (compressRow(n.type)?.half ?? []).flatMap((p) => {
    const t = own.get(`${n.id}.${p}`);
    return t ? [[`${n.id}.${p}`, t] as [string, Tensor]] : [];
  }));
}

/**
 * Keeps float masters of the quantized weights (and of the biases stored as float16), the
 * parameters holding their fake-quantized (float16-rounded) values (see the header).
 */
export class QatWeights implements TrainCallback {
  private readonly slots: { param: Tensor; quant: (t: Tensor) => Tensor; master: Tensor; held: Tensor; mask: Tensor | null }[] = [];

  constructor(model: GraphModel) {
    noGrad(() => {
      // Weights keep their pruned zeros (masked); biases have none to keep (a zero bias may move).
      const targets: [Tensor, (t: Tensor) => Tensor, boolean][] = [
        ...quantizedWeights(model).map(([, param, axis]): [Tensor, (t: Tensor) => Tensor, boolean] => [param, (t) => fakeQuantWeight(t, axis), true]),
        ...halfParams(model).map(([, param]): [Tensor, (t: Tensor) => Tensor, boolean] => [param, halfRound, false]),
      ];
      for (const [param, quant, keepZeros] of targets) {
        const data = Float32Array.from(param.dataSync());
        const shape = [...param.shape];
        const mask = keepZeros && data.some((v) => v === 0) ? tensor(data.map((v) => (v === 0 ? 0 : 1)), { shape }) : null;
        const master = tensor(data, { shape });
        const held = scope(() => quant(master).clone());
        param.assign(held);
        this.slots.push({ param, quant, master, held, mask });
      }
    });
  }

  onOptimizerStep(_ctx: FitContext): void {
    noGrad(() => scope(() => {
      for (const s of this.slots) {
        // The optimizer moved the fake-quantized value; the masters take that move.
        const moved = s.master.add(s.param.sub(s.held));
        s.master.assign(s.mask ? moved.mul(s.mask) : moved);
        s.held.assign(s.quant(s.master));
        s.param.assign(s.held);
      }
    }));
  }

  /** Puts the fine-tuned float masters back into the parameters. */
  restore(): void {
    for (const s of this.slots) s.param.assign(s.master);
  }

  dispose(): void {
    for (const s of this.slots) {
      s.master.dispose();
      s.held.dispose();
      s.mask?.dispose();
    }
    this.slots.length = 0;
  }
}

/**
 * Fine-tunes `model` for `epochs` at QAT_LR_FACTOR of `cfg.lr` with fake-quant activations (the
 * fixed calibrated ranges `acts`) and fake-quant weights, through the ordinary fit path. The model ends with its
 * float fine-tuned weights and no hook; quantize them with quantizeWeights.
 */
export async function qatFinetune(model: GraphModel, acts: readonly ActQuant[], data: Pick<LoadedData, 'train' | 'val' | 'augment'>, cfg: TrainConfig, epochs: number, hooks: FitCallbacks = {}): Promise<void> {
  const byNode = new Map(acts.map((a) => [a.node, a]));
  const prev = model.inputHook;
  model.inputHook = (node, inputs) => {
    const a = byNode.get(node.id);
    return a ? [fakeQuantSTE(inputs[0]!, a), ...inputs.slice(1)] : inputs;
  };
  const weights = new QatWeights(model);
  try {
    manualSeed(cfg.seed);
    model.train();
    await fit(model, data.train, data.val, { ...cfg, lr: cfg.lr * QAT_LR_FACTOR, epochs }, { augment: data.augment, ...hooks, callbacks: [weights, ...(hooks.callbacks ?? [])] });
  } finally {
    model.inputHook = prev;
    weights.restore();
    weights.dispose();
  }
}
