/**
 * Layers torch.nn has that the base nn files do not: GroupNorm (torch.nn.GroupNorm, weight
 * ones / bias zeros), nearest-neighbour upsampling (torch.nn.Upsample(mode='nearest') with an
 * integer factor) and 1-D pooling over [N, C, L] (run as 2-D pooling over [N, C, 1, L]).
 * Composed of table ops, so gradients and backends come for free.
 */
import type { Tensor } from '../core/tensor.ts';
import { FlowgradError, fmtShape } from '../core/errors.ts';
import * as F from './functional.ts';
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

/** Repeats each value `scale` times along every spatial dim of [N, C, L] or [N, C, H, W]. */
export function upsampleNearest(x: Tensor, scale: number): Tensor {
  if (x.shape.length === 3) {
    const [n, c, l] = x.shape as [number, number, number];
    return x.reshape([n, c, l, 1]).expand([n, c, l, scale]).reshape([n, c, l * scale]);
  }
  if (x.shape.length !== 4) throw new FlowgradError('shape', `upsample: expected [N, C, L] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return x.reshape([n, c, h, 1, w, 1]).expand([n, c, h, scale, w, scale]).reshape([n, c, h * scale, w * scale]);
}

export interface Pool1dOptions { kernelSize: number; stride?: number; padding?: number }

export function maxPool1d(x: Tensor, o: Pool1dOptions): Tensor {
  const [n, c, l] = x.shape as [number, number, number];
  const y = F.maxPool2d(x.reshape([n, c, 1, l]), { kernelSize: [1, o.kernelSize], stride: [1, o.stride ?? o.kernelSize], padding: [0, o.padding ?? 0] });
  return y.reshape([n, c, y.shape[3]!]);
}

export function avgPool1d(x: Tensor, o: Pool1dOptions): Tensor {
  const [n, c, l] = x.shape as [number, number, number];
  const y = F.avgPool2d(x.reshape([n, c, 1, l]), { kernelSize: [1, o.kernelSize], stride: [1, o.stride ?? o.kernelSize], padding: [0, o.padding ?? 0] });
  return y.reshape([n, c, y.shape[3]!]);
}
