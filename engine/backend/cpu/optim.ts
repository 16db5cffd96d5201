/**
 * CPU optimizer kernels: SGD and Adam/AdamW in place over a parameter, with every option
 * test and constant hoisted out of the per-element loop and a branch-free loop for the
 * common configuration (no weight decay, no amsgrad, no maximize). Arithmetic follows the
 * reference kernels expression for expression, so both backends agree bit for bit.
 */
import type { TypedArray } from '../../core/dtype.ts';
import type { BackendBuffer, KernelArgs } from '../types.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;
/** An optimizer kernel's gradScale buffer as [multiplier, skip, steps skipped so far] (see KernelArgs['sgd']). */
const gradScale = (b?: BackendBuffer | null): [number, boolean, number] => (b ? [d(b)[0]!, d(b)[1] !== 0, d(b)[2]!] : [1, false, 0]);

function adam(a: KernelArgs['adam']): void {
  const p = d(a.param), g = d(a.grad), m = d(a.m), v = d(a.v), vMax = a.vMax ? d(a.vMax) : null;
  const n = a.param.size;
  const b1 = a.beta1, b2 = a.beta2, c1 = 1 - b1, c2 = 1 - b2, eps = a.eps;
  const [mul, skip, skipped] = gradScale(a.gradScale);
  if (skip) return;
  const t = a.step - skipped;
  const { sbc2, stepSize } = adamConstants(a.lr, b1, b2, t);
  if (!vMax && a.weightDecay === 0 && !a.maximize && mul === 1) {
    adamPlainRange(p, 0, g, 0, m, 0, v, 0, 0, n, b1, b2, eps, stepSize, sbc2);
    return;
  }
  const sign = a.maximize ? -1 : 1, wd = a.weightDecay;
  const decay = a.decoupled ? 1 - a.lr * wd : 1, l2 = a.decoupled ? 0 : wd;
  for (let i = 0; i < n; i++) {
    let gi = sign * (g[i] * mul);
    if (wd !== 0) {
      if (decay !== 1) p[i] *= decay;
      gi += l2 * p[i];
    }
    m[i] = b1 * m[i] + c1 * gi;
    v[i] = b2 * v[i] + c2 * gi * gi;
    let vv = v[i];
    if (vMax) vv = vMax[i] = Math.max(vMax[i], v[i]);
    p[i] -= stepSize * (m[i] / (Math.sqrt(vv) / sbc2 + eps));
  }
}

/** The module's `adam` export (wasmAdam.ts) bound to this thread's instance. */
export type WasmAdam = (p: number, g: number, m: number, v: number, pairs: number, b1: number, c1: number, b2: number, c2: number, eps: number, stepSize: number, sbc2: number) => void;
let wasmAdam: WasmAdam | null = null;

/** Installs this thread's SIMD Adam step (wasm.ts on binding an instance, threadLoop.ts in each pool thread). */
export function useWasmAdam(fn: WasmAdam | null): void {
  wasmAdam = fn;
}

/**
 * Adam's common configuration over elements [i0, i1) of arrays at the given offsets (the
 * step constants computed by the caller): each element's arithmetic does not depend on the
 * range, so threads over parameter ranges give the one-thread results bit for bit. When all
 * four are the kernel's float32 memory (one array, as the thread jobs pass it), pairs of
 * elements go to the SIMD step, which rounds as this loop does, and the loop does any last one.
 */
export function adamPlainRange(
  p: TypedArray, po: number, g: TypedArray, go: number, m: TypedArray, mo: number, v: TypedArray, vo: number,
  i0: number, i1: number, b1: number, b2: number, eps: number, stepSize: number, sbc2: number,
): void {
  const c1 = 1 - b1, c2 = 1 - b2;
  if (wasmAdam && p === g && p === m && p === v && p.byteOffset === 0 && p instanceof Float32Array && i1 - i0 >= 2) {
    const pairs = (i1 - i0) >> 1;
    wasmAdam(4 * (po + i0), 4 * (go + i0), 4 * (mo + i0), 4 * (vo + i0), pairs, b1, c1, b2, c2, eps, stepSize, sbc2);
    i0 += 2 * pairs;
  }
  // Values are kept in locals, rounded as the buffer would store them (re-reading the
  // typed arrays right after writing them costs ~3× in V8).
  const f32 = p instanceof Float32Array;
  for (let i = i0; i < i1; i++) {
    const gi = g[go + i];
    let mi = b1 * m[mo + i] + c1 * gi, vi = b2 * v[vo + i] + c2 * gi * gi;
    if (f32) { mi = Math.fround(mi); vi = Math.fround(vi); }
    m[mo + i] = mi;
    v[vo + i] = vi;
    p[po + i] -= stepSize * (mi / (Math.sqrt(vi) / sbc2 + eps));
  }
}

/** Adam's step constants for step `t` (bias corrections folded in). */
export function adamConstants(lr: number, b1: number, b2: number, t: number): { sbc2: number; stepSize: number } {
  return { sbc2: Math.sqrt(1 - Math.pow(b2, t)), stepSize: lr / (1 - Math.pow(b1, t)) };
}

function sgd(a: KernelArgs['sgd']): void {
  const [mul, skip] = gradScale(a.gradScale);
  if (skip) return;
  sgdRange(d(a.param), 0, d(a.grad), 0, a.buf ? d(a.buf) : null, 0, 0, a.param.size, sgdConstants(a, mul));
}

/** SGD's per-call constants: [lr, weightDecay, momentum, 1 − dampening, sign, grad multiplier, first, nesterov]. */
export function sgdConstants(a: KernelArgs['sgd'], mul: number): number[] {
  return [a.lr, a.weightDecay, a.momentum, 1 - a.dampening, a.maximize ? -1 : 1, mul, a.first ? 1 : 0, a.nesterov ? 1 : 0];
}

/** SGD over elements [i0, i1) (buf null: no momentum); per-element arithmetic independent of the range. */
export function sgdRange(p: TypedArray, po: number, g: TypedArray, go: number, buf: TypedArray | null, bo: number, i0: number, i1: number, c: readonly number[]): void {
  const [lr, wd, mu, damp, sign, mul, first, nesterov] = c;
  if (!buf || mu === 0) {
    if (wd === 0) for (let i = i0; i < i1; i++) p[po + i] -= lr * (sign * (g[go + i] * mul));
    else for (let i = i0; i < i1; i++) p[po + i] -= lr * (sign * (g[go + i] * mul) + wd * p[po + i]);
    return;
  }
  for (let i = i0; i < i1; i++) {
    const gi = wd === 0 ? sign * (g[go + i] * mul) : sign * (g[go + i] * mul) + wd * p[po + i];
    buf[bo + i] = first ? gi : mu * buf[bo + i] + damp * gi;
    p[po + i] -= lr * (nesterov ? gi + mu * buf[bo + i] : buf[bo + i]);
  }
}

export { gradScale };
export const OPTIM_KERNELS = { adam, sgd };
