/**
 * The initialisers init.ts does not have, with torch.nn.init's formulas and defaults:
 * xavier normal, Kaiming uniform/normal with mode and nonlinearity, orthogonal, zeros, ones,
 * calculateGain — plus `initWeight_`, which applies one by name (the graph's per-layer `init`
 * attribute). All draw from the global seeded generator, so manualSeed() reproduces them.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Tensor } from '../core/tensor.ts';
import { globalRng } from '../ops/creation.ts';
import { constant_, fans, normal_, uniform_, xavierUniform_ } from './init.ts';

export type Nonlinearity = 'linear' | 'conv' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** torch.nn.init.calculate_gain. `param` is leaky ReLU's negative slope (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': {
      const s = param ?? 0.01;
      return Math.sqrt(2 / (1 + s * s));
    }
    case 'selu': return 3 / 4;
  }
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leakyRelu only). Default 0. */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const [fanIn, fanOut] = fans(t.shape);
  const gain = calculateGain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0);
  return gain / Math.sqrt((o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut);
}

/** kaiming_uniform_(a=0, mode='fan_in', nonlinearity='leaky_relu'): U(±gain·√(3/fan)). */
export function kaimingUniformWith_(t: Tensor, o: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, o);
  return uniform_(t, -bound, bound);
}

/** kaiming_normal_(a=0, mode='fan_in', nonlinearity='leaky_relu'): N(0, gain/√fan). */
export function kaimingNormal_(t: Tensor, o: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, o));
}

/** xavier_normal_(gain=1): N(0, gain·√(2/(fan_in+fan_out))). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/**
 * orthogonal_(gain=1): the weight, viewed as [rows, rest], gets orthonormal rows (or columns,
 * whichever are fewer) from the QR decomposition of a standard normal matrix, with Q's
 * signs fixed by R's diagonal as PyTorch does; then scaled by gain.
 */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  if (t.shape.length < 2) throw new FlowgradError('shape', `orthogonal_: needs a tensor with at least 2 dimensions (got ${t.shape.length})`);
  const rows = t.shape[0]!, cols = t.size / rows;
  const rng = globalRng();
  // A is [m, n] with m ≥ n (transposed when rows < cols), stored column-major for Gram-Schmidt.
  const transpose = rows < cols;
  const m = Math.max(rows, cols), n = Math.min(rows, cols);
  const flat = new Float64Array(rows * cols);
  for (let i = 0; i < flat.length; i++) flat[i] = rng.normal();
  const col = (j: number) => Float64Array.from({ length: m }, (_, i) => (transpose ? flat[j * cols + i]! : flat[i * cols + j]!));
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = col(j);
    for (const u of q) {
      let d = 0;
      for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    // R's diagonal entry is this norm (positive), so PyTorch's sign fix keeps the column as is.
    for (let i = 0; i < m; i++) v[i] = norm > 0 ? v[i]! / norm : 0;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (transpose ? q[r]![c]! : q[c]![r]!);
  }
  return t.assign(out);
}

export type InitName =
  | 'default' | 'xavierUniform' | 'xavierNormal' | 'kaimingUniform' | 'kaimingNormal' | 'orthogonal' | 'normal' | 'uniform' | 'zeros' | 'ones';

/**
 * Re-initialises a weight by name with torch.nn.init's defaults ('normal' is N(0,1), 'uniform'
 * U(0,1), Kaiming is for leaky_relu with a=0, i.e. gain √2). 'default' leaves it as the layer
 * initialised it (PyTorch's layer default).
 */
export function initWeight_(t: Tensor, name: InitName | string): Tensor {
  switch (name) {
    case 'default': return t;
    case 'xavierUniform': return xavierUniform_(t);
    case 'xavierNormal': return xavierNormal_(t);
    case 'kaimingUniform': return kaimingUniformWith_(t);
    case 'kaimingNormal': return kaimingNormal_(t);
    case 'orthogonal': return orthogonal_(t);
    case 'normal': return normal_(t);
    case 'uniform': return uniform_(t);
    case 'zeros': return zeros_(t);
    case 'ones': return ones_(t);
    default: throw new FlowgradError('bad-argument', `unknown initializer '${name}'`);
  }
}
