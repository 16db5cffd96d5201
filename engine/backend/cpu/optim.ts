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
  const sbc2 = Math.sqrt(1 - Math.pow(b2, t)), stepSize = a.lr / (1 - Math.pow(b1, t));
  if (!vMax && a.weightDecay === 0 && !a.maximize && mul === 1) {
    // Values are kept in locals, rounded as the buffer would store them (re-reading the
    // typed arrays right after writing them costs ~3× in V8).
    const f32 = p instanceof Float32Array;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      let mi = b1 * m[i] + c1 * gi, vi = b2 * v[i] + c2 * gi * gi;
      if (f32) { mi = Math.fround(mi); vi = Math.fround(vi); }
      m[i] = mi;
      v[i] = vi;
      p[i] -= stepSize * (mi / (Math.sqrt(vi) / sbc2 + eps));
    }
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

function sgd(a: KernelArgs['sgd']): void {
  const p = d(a.param), g = d(a.grad), buf = a.buf ? d(a.buf) : null;
  const n = a.param.size, lr = a.lr, wd = a.weightDecay, mu = a.momentum, damp = 1 - a.dampening, sign = a.maximize ? -1 : 1;
  const [mul, skip] = gradScale(a.gradScale);
  if (skip) return;
  if (!buf || mu === 0) {
    if (wd === 0) for (let i = 0; i < n; i++) p[i] -= lr * (sign * (g[i] * mul));
    else for (let i = 0; i < n; i++) p[i] -= lr * (sign * (g[i] * mul) + wd * p[i]);
    return;
  }
  for (let i = 0; i < n; i++) {
    const gi = wd === 0 ? sign * (g[i] * mul) : sign * (g[i] * mul) + wd * p[i];
    buf[i] = a.first ? gi : mu * buf[i] + damp * gi;
    p[i] -= lr * (a.nesterov ? gi + mu * buf[i] : buf[i]);
  }
}

export const OPTIM_KERNELS = { adam, sgd };
