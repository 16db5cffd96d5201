/**
 * Basic layers: Linear (PyTorch's default init), activations, Dropout, Flatten, Sequential.
 * Convolution, pooling, batch/layer norm and embedding modules live in conv.ts, GroupNorm in
 * normalization.ts, LSTM/GRU in recurrent.ts.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { zeros } from '../ops/creation.ts';
import * as F from './functional.ts';
import { kaimingUniform_, uniform_ } from './init.ts';
import { Module, Parameter } from './module.ts';

/** A new Parameter of `shape` (float32 zeros, to be initialised). */
export function emptyParam(shape: number[]): Parameter {
  const z = zeros(shape);
  const p = new Parameter(z);
  z.dispose();
  return p;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  /** weight [out, in] ~ kaiming_uniform(a=√5) = U(±1/√in); bias ~ U(±1/√in), as torch.nn.Linear. */
  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    if (!(inFeatures > 0 && outFeatures > 0)) throw new FlowgradError('bad-argument', `Linear: features must be positive (got ${inFeatures}, ${outFeatures})`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = emptyParam([outFeatures, inFeatures]);
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = null;
    if (opts.bias ?? true) {
      this.bias = emptyParam([outFeatures]);
      const b = 1 / Math.sqrt(inFeatures);
      uniform_(this.bias, -b, b);
    }
  }

  override forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

/** Wraps a tensor → tensor function as a parameter-free module. */
class Fn extends Module {
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class ReLU extends Fn { constructor() { super((x) => x.relu()); } }
export class Tanh extends Fn { constructor() { super((x) => x.tanh()); } }
export class Sigmoid extends Fn { constructor() { super((x) => x.sigmoid()); } }
export class GELU extends Fn { constructor() { super((x) => x.gelu()); } }
export class SiLU extends Fn { constructor() { super((x) => x.silu()); } }
export class Identity extends Fn { constructor() { super((x) => x); } }
export class ELU extends Fn { constructor(alpha = 1) { super((x) => x.elu(alpha)); } }
export class LeakyReLU extends Fn { constructor(negativeSlope = 0.01) { super((x) => x.leakyRelu(negativeSlope)); } }
export class Softmax extends Fn { constructor(dim = -1) { super((x) => x.softmax(dim)); } }
export class LogSoftmax extends Fn { constructor(dim = -1) { super((x) => x.logSoftmax(dim)); } }
export class Flatten extends Fn { constructor(startDim = 1, endDim = -1) { super((x) => x.flatten(startDim, endDim)); } }

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training);
  }
}

/** Runs modules in order; children are named '0', '1', ... like torch.nn.Sequential. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }
  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}
