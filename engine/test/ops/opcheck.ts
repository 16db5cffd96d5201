/**
 * Op testing harness (like torch.testing): a case declares inputs and a function of them;
 * checkForward compares any backend with the float64 reference, checkGrad compares
 * backward() with finite differences (reference, float64) and a backend's gradients with
 * the reference's. One table of cases is thus run on every registered backend.
 */
import { grad as autogradGrad } from '../../autograd/backward.ts';
import { gradcheck } from '../../autograd/gradcheck.ts';
import type { DType } from '../../core/dtype.ts';
import { scope } from '../../core/memory.ts';
import { Rng } from '../../core/rng.ts';
import type { Tensor } from '../../core/tensor.ts';
import { fromValues } from '../../ops/creation.ts';
import { backend } from '../../backend/registry.ts';

export interface InputSpec {
  shape: number[];
  /** Uniform range; float values closer than 0.1 to zero (or kinks) are pushed away. */
  range?: [number, number];
  dtype?: 'float' | 'int32' | 'bool';
  values?: number[];
  /** Differentiate w.r.t. this input (default: floats yes). */
  grad?: boolean;
}

export interface OpCase {
  name: string;
  /** The op (user-facing function) the case checks; defaults to the name's first word. */
  op?: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  /** false for ops without a gradient (comparisons, argmax, ...). */
  grad?: boolean;
  atol?: number;
  rtol?: number;
}

function values(spec: InputSpec, rng: Rng): number[] {
  if (spec.values) return spec.values;
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const [lo, hi] = spec.range ?? [-2, 2];
  return Array.from({ length: n }, () => {
    if (spec.dtype === 'int32') return Math.floor(rng.uniform(lo, hi));
    if (spec.dtype === 'bool') return rng.next() < 0.5 ? 1 : 0;
    let v = rng.uniform(lo, hi);
    if (Math.abs(v) < 0.1) v += v < 0 ? -0.2 : 0.2;
    return v;
  });
}

/** The case's inputs on `backendName`, floats in `floatDtype`; same seed, same values. */
export function makeInputs(c: OpCase, backendName: string, floatDtype: DType, seed = 7): Tensor[] {
  const rng = new Rng(seed);
  return c.inputs.map((spec) => {
    const dtype: DType = spec.dtype === 'int32' ? 'int32' : spec.dtype === 'bool' ? 'bool' : floatDtype;
    const t = fromValues(values(spec, rng), spec.shape, dtype, { backend: backend(backendName) });
    if (dtype === floatDtype && spec.grad !== false && c.grad !== false) t.requiresGrad = true;
    return t;
  });
}

/** null when close, else a description of the first mismatch. */
export function allclose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return `element ${i}: ${a} vs expected ${e}`;
  }
  return null;
}

/** Output of the case on a backend vs the float64 reference; null when they agree. Async: reads work on every backend. */
export async function checkForward(c: OpCase, backendName: string): Promise<string | null> {
  const [ref, out] = scope(() => [c.fn(...makeInputs(c, 'reference', 'float64')), c.fn(...makeInputs(c, backendName, 'float32'))]);
  try {
    if (out.shape.join() !== ref.shape.join()) return `shape [${out.shape}] vs reference [${ref.shape}]`;
    if ((out.dtype === 'float32') !== (ref.dtype === 'float64')) return `dtype ${out.dtype} vs reference ${ref.dtype}`;
    return allclose(await out.data(), await ref.data(), c.atol ?? 1e-4, c.rtol ?? 1e-4);
  } finally {
    ref.dispose();
    out.dispose();
  }
}

/** Finite differences on the reference backend in float64; null when they agree. */
export function checkGradNumeric(c: OpCase): string | null {
  return scope(() => {
    const xs = makeInputs(c, 'reference', 'float64');
    const r = gradcheck(c.fn, xs);
    return r.ok ? null : `gradcheck failed (${r.worst.toFixed(2)}× tolerance) at ${r.where}`;
  });
}

async function analyticGrads(c: OpCase, backendName: string, dtype: DType): Promise<Float64Array[]> {
  const grads = scope(() => {
    const xs = makeInputs(c, backendName, dtype);
    const y = c.fn(...xs);
    const rng = new Rng(3);
    const proj = fromValues(Array.from({ length: y.size }, () => rng.uniform(0.5, 1.5)), y.shape, y.dtype, { backend: backend(backendName) });
    const wrt = xs.filter((x) => x.requiresGrad);
    return autogradGrad(y, wrt, { gradOutput: proj });
  });
  try {
    return await Promise.all(grads.map(async (g) => Float64Array.from(await g.data())));
  } finally {
    for (const g of grads) g.dispose();
  }
}

/** A backend's float32 gradients vs the reference's float64 ones; null when they agree. */
export async function checkGradBackend(c: OpCase, backendName: string): Promise<string | null> {
  const ref = await analyticGrads(c, 'reference', 'float64');
  const got = await analyticGrads(c, backendName, 'float32');
  for (let i = 0; i < ref.length; i++) {
    const m = allclose(got[i], ref[i], c.atol ?? 2e-4, c.rtol ?? 2e-3);
    if (m) return `gradient of input ${i}: ${m}`;
  }
  return null;
}

/** The op a case checks (its `op`, else the first word of its name). */
export function opOf(c: OpCase): string {
  return c.op ?? c.name.split(/[ (]/)[0];
}
