/**
 * Weight initialisers (PyTorch's formulas), drawing from the global seeded generator so a
 * manualSeed() reproduces a model exactly.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { globalRng } from '../ops/creation.ts';

/** fan_in and fan_out of a weight [out, in, ...kernel]. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) throw new FlowgradError('shape', `init: fan in/out needs a weight of rank ≥ 2 (got rank ${shape.length})`);
  const rf = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * rf, shape[0] * rf];
}

function fillWith(t: Tensor, draw: () => number): Tensor {
  const v = new Float64Array(t.size);
  for (let i = 0; i < v.length; i++) v[i] = draw();
  return t.assign(v);
}

export function uniform_(t: Tensor, lo = 0, hi = 1): Tensor {
  const rng = globalRng();
  return fillWith(t, () => rng.uniform(lo, hi));
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  const rng = globalRng();
  return fillWith(t, () => mean + std * rng.normal());
}

export function constant_(t: Tensor, value: number): Tensor {
  return fillWith(t, () => value);
}

/** kaiming_uniform_(a, mode='fan_in', leaky_relu): U(-b, b), b = gain·sqrt(3/fan_in). */
export function kaimingUniform_(t: Tensor, a = 0): Tensor {
  const [fanIn] = fans(t.shape);
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = gain * Math.sqrt(3 / fanIn);
  return uniform_(t, -bound, bound);
}

/** xavier_uniform_: U(-b, b), b = gain·sqrt(6/(fan_in+fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}
