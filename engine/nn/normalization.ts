/**
 * GroupNorm as a module (torch.nn.GroupNorm: weight ones, bias zeros), written with tensor
 * ops so gradients and backends come for free. BatchNorm and LayerNorm modules are in
 * conv.ts; the functional group norm is ops/spatial.ts.
 */
import type { Tensor } from '../core/tensor.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { constant_ } from './init.ts';
import { emptyParam } from './linear.ts';
import { Module } from './module.ts';
import type { Parameter } from './module.ts';

export class GroupNorm extends Module {
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly opts: { eps?: number; affine?: boolean } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new FlowgradError('bad-argument', `GroupNorm: ${numChannels} channels are not divisible by ${numGroups} groups`);
    if (opts.affine ?? true) {
      this.weight = constant_(emptyParam([numChannels]), 1) as Parameter;
      this.bias = constant_(emptyParam([numChannels]), 0) as Parameter;
    }
  }
  override forward(x: Tensor): Tensor {
    if (x.shape.length < 2 || x.shape[1] !== this.numChannels) throw new FlowgradError('shape', `GroupNorm: expected [N, ${this.numChannels}, ...], got ${fmtShape(x.shape)}`);
    const n = x.shape[0]!;
    const g = x.reshape([n, this.numGroups, -1]);
    const mean = g.mean(2, true);
    const d = g.sub(mean);
    let y = d.mul(d.square().mean(2, true).add(this.opts.eps ?? 1e-5).rsqrt()).reshape(x.shape);
    const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
    if (this.weight) y = y.mul(this.weight.reshape(bshape));
    if (this.bias) y = y.add(this.bias.reshape(bshape));
    return y;
  }
}
