/**
 * Recurrent layers, batch first, one layer, as torch.nn.LSTM / torch.nn.GRU with
 * batch_first=True: the same gate order (LSTM i,f,g,o; GRU r,z,n), parameter names
 * (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`) and init U(±1/√hidden).
 * Written with tensor ops only, so autograd differentiates through time and any backend runs
 * it; the input projection for all steps is one matmul, the loop does the hidden one.
 */
import type { Tensor } from '../core/tensor.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { zeros } from '../ops/creation.ts';
import { stack } from '../ops/shape.ts';
import * as F from './functional.ts';
import { uniform_ } from './init.ts';
import { emptyParam } from './linear.ts';
import { Module } from './module.ts';
import type { Parameter } from './module.ts';

export interface RecurrentOptions {
  bias?: boolean;
  /** Return every step's hidden state [N, L, H] instead of the last one [N, H]. */
  returnSequences?: boolean;
}

abstract class Recurrent extends Module {
  weight_ih_l0: Parameter;
  weight_hh_l0: Parameter;
  bias_ih_l0: Parameter | null = null;
  bias_hh_l0: Parameter | null = null;

  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, readonly opts: RecurrentOptions = {}) {
    super();
    const k = 1 / Math.sqrt(hiddenSize);
    this.weight_ih_l0 = uniform_(emptyParam([gates * hiddenSize, inputSize]), -k, k) as Parameter;
    this.weight_hh_l0 = uniform_(emptyParam([gates * hiddenSize, hiddenSize]), -k, k) as Parameter;
    if (opts.bias ?? true) {
      this.bias_ih_l0 = uniform_(emptyParam([gates * hiddenSize]), -k, k) as Parameter;
      this.bias_hh_l0 = uniform_(emptyParam([gates * hiddenSize]), -k, k) as Parameter;
    }
  }

  /** One step: new state from the projected input gi [N, gH] and the state. */
  protected abstract cell(gi: Tensor, state: Tensor[]): Tensor[];
  protected abstract stateCount: number;

  override forward(x: Tensor): Tensor {
    if (x.shape.length !== 3 || x.shape[2] !== this.inputSize) {
      throw new FlowgradError('shape', `${this.constructor.name}: expected input [N, L, ${this.inputSize}], got ${fmtShape(x.shape)}`);
    }
    const [n, l] = x.shape as [number, number, number];
    const gh = this.weight_ih_l0.shape[0]!;
    const xs = F.linear(x, this.weight_ih_l0, this.bias_ih_l0);
    let state = Array.from({ length: this.stateCount }, () => zeros([n, this.hiddenSize], { backend: x.backend }));
    const outs: Tensor[] = [];
    for (let t = 0; t < l; t++) {
      state = this.cell(xs.narrow(1, t, 1).reshape([n, gh]), state);
      outs.push(state[0]!);
    }
    return this.opts.returnSequences ? stack(outs, 1) : state[0]!;
  }

  protected hidden(h: Tensor): Tensor {
    return F.linear(h, this.weight_hh_l0, this.bias_hh_l0);
  }
}

/** c' = f·c + i·g, h' = o·tanh(c'), gates [i, f, g, o] from W_ih·x + b_ih + W_hh·h + b_hh. */
export class LSTM extends Recurrent {
  protected stateCount = 2;
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 4, opts);
  }
  protected cell(gi: Tensor, [h, c]: Tensor[]): Tensor[] {
    const H = this.hiddenSize;
    const g = gi.add(this.hidden(h!));
    const i = g.narrow(1, 0, H).sigmoid(), f = g.narrow(1, H, H).sigmoid();
    const gg = g.narrow(1, 2 * H, H).tanh(), o = g.narrow(1, 3 * H, H).sigmoid();
    const c2 = f.mul(c!).add(i.mul(gg));
    return [o.mul(c2.tanh()), c2];
  }
}

/** r, z = σ(...), n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)), h' = (1 − z)·n + z·h. */
export class GRU extends Recurrent {
  protected stateCount = 1;
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 3, opts);
  }
  protected cell(gi: Tensor, [h]: Tensor[]): Tensor[] {
    const H = this.hiddenSize;
    const gh = this.hidden(h!);
    const r = gi.narrow(1, 0, H).add(gh.narrow(1, 0, H)).sigmoid();
    const z = gi.narrow(1, H, H).add(gh.narrow(1, H, H)).sigmoid();
    const nn = gi.narrow(1, 2 * H, H).add(r.mul(gh.narrow(1, 2 * H, H))).tanh();
    return [nn.add(z.mul(h!.sub(nn)))];
  }
}
