/**
 * Optimizer kernels: fused in-place SGD and Adam/AdamW updates with PyTorch semantics, their
 * multi-tensor forms, and the two kernels behind clipping and loss scaling (sumSquares,
 * ampUpdate). Scalars that depend only on the step (bias corrections, the decoupled decay
 * factor) are computed on the host in float64 and passed as parameters — except under a
 * gradScale, where the bias corrections depend on the steps skipped so far, a device value.
 *
 * One dispatch per parameter costs ~25–70 µs of API overhead on a real GPU, so the multi
 * forms update many parameters per dispatch: parameters and each optimizer state live in a
 * flat arena (allocGroup: one buffer, every tensor a view at an aligned offset, the same
 * layout for parameters and state), bound whole; gradients come from backward() as separate
 * buffers and are bound one each, so a dispatch takes as many parameters as the device's
 * storage-binding limit and the 64-word parameter block leave room for (Adam: 9 on
 * SwiftShader's 12 bindings, 10 on lavapipe's 16). Each thread finds its parameter by the
 * prefix sums in the parameter block, and a switch picks its gradient binding (WGSL cannot
 * index bindings).
 *
 * `gradScale` (a float32 [multiplier, skip, skipped so far] buffer computed on the device by
 * clipping or a loss scaler) multiplies the gradient, and a non-zero skip leaves everything
 * untouched, so a step with a non-finite scaled gradient is dropped without reading anything
 * back.
 */
import type { BackendBuffer, KernelArgs, OptionalKernelArgs } from '../types.ts';
import { splitAdam, splitSgd } from '../multi.ts';
import type { GpuBuffer } from './backend.ts';
import { PRELUDE, Params, bindings, main1d } from './program.ts';
import type { Launch, Program } from './program.ts';

/** Multi-tensor parameter block: header words, then `stride` words per tensor from `base`. */
const ADAM_BASE = 12, ADAM_STRIDE = 5, SGD_BASE = 8, SGD_STRIDE = 3;
const maxPerDispatch = (base: number, stride: number) => Math.floor((64 - base) / stride);

/** WGSL: the scaled gradient `g` (f32) from `load`, or an early return when the step is skipped. */
const scaled = (hasScale: boolean, load: string) => hasScale
  ? `if (S[1] != 0.0) { return; }\n  var g = ${load} * S[0];`
  : `var g = ${load};`;

/**
 * WGSL: the Adam update of element `i` of P/M/V(/VMAX), given g, the host's stepSize and
 * sqrtBc2, and — under a gradScale — lr and the step count t, from which both are recomputed
 * for the steps actually taken (t − skipped so far).
 */
function adamBody(ams: boolean, hasScale: boolean): string {
  return `${hasScale ? `let te = t - S[2];
  let stepSize = lr / (1.0 - pow(b1, te));
  let sqrtBc2 = sqrt(1.0 - pow(b2, te));` : ''}
  if ((flags & 1u) != 0u) { g = -g; }
  var pv = P[i];
  if (wd != 0.0) {
    if ((flags & 2u) != 0u) { pv = pv * decay; } else { g += wd * pv; }
  }
  let mi = b1 * M[i] + b1c * g;
  M[i] = mi;
  let vi = b2 * V[i] + b2c * g * g;
  V[i] = vi;
  ${ams ? 'let vv = max(VMAX[i], vi); VMAX[i] = vv;' : 'let vv = vi;'}
  let denom = sqrt(vv) / sqrtBc2 + eps;
  P[i] = pv - stepSize * (mi / denom);`;
}

/** WGSL: the SGD update of element `i` of P(/BUF), given g and `first`. */
function sgdBody(hasBuf: boolean): string {
  return `if ((flags & 4u) != 0u) { g = -g; }
  if (wd != 0.0) { g += wd * P[i]; }
  ${hasBuf ? `let b = select(mom * BUF[i] + damp1 * g, g, first);
  BUF[i] = b;
  g = select(b, g + mom * b, (flags & 1u) != 0u);` : ''}
  P[i] = P[i] - lr * g;`;
}

const adamScalars = (a: Omit<KernelArgs['adam'], 'param' | 'grad' | 'm' | 'v' | 'vMax' | 'step'>): number[] =>
  [a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, a.weightDecay, 1 - a.lr * a.weightDecay];
const adamFlags = (a: { maximize: boolean; decoupled: boolean }) => (a.maximize ? 1 : 0) | (a.decoupled ? 2 : 0);
/** [stepSize, √(bias correction 2)] of a parameter at step `t`. */
const adamStep = (a: { lr: number; beta1: number; beta2: number }, t: number): [number, number] =>
  [a.lr / (1 - Math.pow(a.beta1, t)), Math.sqrt(1 - Math.pow(a.beta2, t))];

export function adamLaunch(a: KernelArgs['adam']): Launch {
  const ams = a.vMax !== null, sc = Boolean(a.gradScale);
  const names = ['P', 'G', 'M', 'V', ...(ams ? ['VMAX'] : []), ...(sc ? ['S'] : [])];
  const access = `wrww${ams ? 'w' : ''}${sc ? 'r' : ''}`;
  const program: Program = {
    key: `adam:${ams ? 'ams' : 'std'}${sc ? ':s' : ''}`,
    access,
    source: () => PRELUDE + bindings(access, names, names.map(() => 'f32')) + main1d(`
  let i = gid;
  if (i >= pu(0u)) { return; }
  let b1 = pf(1u); let b1c = pf(2u); let b2 = pf(3u); let b2c = pf(4u); let eps = pf(5u);
  let wd = pf(6u); let decay = pf(7u); let flags = pu(10u); let lr = pf(11u); let t = pf(12u);
  ${sc ? '' : 'let stepSize = pf(8u); let sqrtBc2 = pf(9u);'}
  ${scaled(sc, 'G[i]')}
  ${adamBody(ams, sc)}`),
  };
  const params = new Params().u(a.param.size).fl(...adamScalars(a), ...adamStep(a, a.step)).u(adamFlags(a)).fl(a.lr, a.step);
  const bufs = [a.param, a.grad, a.m, a.v, ...(ams ? [a.vMax!] : []), ...(sc ? [a.gradScale!] : [])];
  return { program, bufs, params, threads: a.param.size };
}

export function sgdLaunch(a: KernelArgs['sgd']): Launch {
  const hasBuf = a.buf !== null && a.momentum !== 0, sc = Boolean(a.gradScale);
  const names = ['P', 'G', ...(hasBuf ? ['BUF'] : []), ...(sc ? ['S'] : [])];
  const access = `wr${hasBuf ? 'w' : ''}${sc ? 'r' : ''}`;
  const program: Program = {
    key: `sgd:${hasBuf ? 'mom' : 'plain'}${sc ? ':s' : ''}`,
    access,
    source: () => PRELUDE + bindings(access, names, names.map(() => 'f32')) + main1d(`
  let i = gid;
  if (i >= pu(0u)) { return; }
  let lr = pf(1u); let mom = pf(2u); let damp1 = pf(3u); let wd = pf(4u); let flags = pu(5u);
  let first = (flags & 2u) != 0u;
  ${scaled(sc, 'G[i]')}
  ${sgdBody(hasBuf)}`),
  };
  const flags = (a.nesterov ? 1 : 0) | (a.first ? 2 : 0) | (a.maximize ? 4 : 0);
  const params = new Params().u(a.param.size).fl(a.lr, a.momentum, 1 - a.dampening, a.weightDecay).u(flags);
  const bufs = [a.param, a.grad, ...(hasBuf ? [a.buf!] : []), ...(sc ? [a.gradScale!] : [])];
  return { program, bufs, params, threads: a.param.size };
}

/** The arena root of `views` when they are views of one group laid out like `like` (same offsets), else null. */
function arenaOf(views: readonly BackendBuffer[], like?: readonly BackendBuffer[]): GpuBuffer | null {
  const first = views[0] as GpuBuffer | undefined;
  const group = first?.group;
  if (!group) return null;
  for (let i = 0; i < views.length; i++) {
    const v = views[i] as GpuBuffer;
    if (v.group !== group || v.freed || v.dtype !== 'float32') return null;
    if (like && (like[i] as GpuBuffer).offset !== v.offset) return null;
  }
  return group.root;
}

/** Index ranges of at most `per` tensors each. */
function chunks(n: number, per: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += per) out.push([s, Math.min(n, s + per)]);
  return out;
}

/** WGSL: find this thread's tensor j (prefix sums at base + stride·j), its element `i` in the arena and its gradient. */
function locate(k: number, base: number, stride: number): string {
  const cases = Array.from({ length: k }, (_, j) => `case ${j}u: { gr = G${j}[local]; }`).join('\n    ');
  return `let k = pu(1u);
  var j = 0u;
  for (var t = 1u; t < k; t++) { if (gid >= pu(${base}u + ${stride}u * t)) { j = t; } }
  let w0 = ${base}u + ${stride}u * j;
  let local = gid - pu(w0);
  let i = pu(w0 + 1u) + local;
  var gr = 0.0;
  switch j {
    ${cases}
    default: { }
  }`;
}

/** Multi-tensor Adam: null when the tensors are not laid out in arenas (the caller runs per-tensor kernels). */
export function adamMultiLaunches(a: OptionalKernelArgs['adamMulti'], maxBindings: number): Launch[] | null {
  const ams = a.vMax !== null, sc = Boolean(a.gradScale);
  const P = arenaOf(a.params), M = arenaOf(a.m, a.params), V = arenaOf(a.v, a.params), VM = ams ? arenaOf(a.vMax!, a.params) : null;
  const fixed = 3 + (ams ? 1 : 0) + (sc ? 1 : 0);
  const per = Math.min(maxPerDispatch(ADAM_BASE, ADAM_STRIDE), maxBindings - fixed);
  if (!P || !M || !V || (ams && !VM) || per < 1 || a.grads.length !== a.params.length) return null;
  const out: Launch[] = [];
  for (const [s, e] of chunks(a.params.length, per)) {
    const k = e - s;
    const names = ['P', 'M', 'V', ...(ams ? ['VMAX'] : []), ...(sc ? ['S'] : []), ...Array.from({ length: k }, (_, j) => `G${j}`)];
    const access = `www${ams ? 'w' : ''}${sc ? 'r' : ''}${'r'.repeat(k)}`;
    const program: Program = {
      key: `adamMulti:${ams ? 'ams' : 'std'}${sc ? ':s' : ''}:k${k}`,
      access,
      source: () => PRELUDE + bindings(access, names, names.map(() => 'f32')) + main1d(`
  if (gid >= pu(0u)) { return; }
  ${locate(k, ADAM_BASE, ADAM_STRIDE)}
  let b1 = pf(2u); let b1c = pf(3u); let b2 = pf(4u); let b2c = pf(5u); let eps = pf(6u);
  let wd = pf(7u); let decay = pf(8u); let flags = pu(9u); let lr = pf(10u); let t = pf(w0 + 4u);
  ${sc ? '' : 'let stepSize = pf(w0 + 2u); let sqrtBc2 = pf(w0 + 3u);'}
  ${scaled(sc, 'gr')}
  ${adamBody(ams, sc)}`),
    };
    const params = new Params();
    let total = 0;
    const words: number[][] = [];
    for (let t = s; t < e; t++) {
      words.push([total, (a.params[t] as GpuBuffer).offset / 4, ...adamStep(a, a.steps[t]!), a.steps[t]!]);
      total += a.params[t]!.size;
    }
    params.u(total, k).fl(...adamScalars(a)).u(adamFlags(a)).fl(a.lr).u(0);
    for (const [start, off, stepSize, sqrtBc2, t] of words) params.u(start!, off!).fl(stepSize!, sqrtBc2!, t!);
    const bufs = [P, M, V, ...(VM ? [VM] : []), ...(sc ? [a.gradScale!] : []), ...a.grads.slice(s, e)];
    if (total > 0) out.push({ program, bufs, params, threads: total });
  }
  return out;
}

/** Multi-tensor SGD: null when the tensors are not laid out in arenas. */
export function sgdMultiLaunches(a: OptionalKernelArgs['sgdMulti'], maxBindings: number): Launch[] | null {
  const hasBuf = a.bufs !== null && a.momentum !== 0, sc = Boolean(a.gradScale);
  const P = arenaOf(a.params), B = hasBuf ? arenaOf(a.bufs!, a.params) : null;
  const fixed = 1 + (hasBuf ? 1 : 0) + (sc ? 1 : 0);
  const per = Math.min(maxPerDispatch(SGD_BASE, SGD_STRIDE), maxBindings - fixed);
  if (!P || (hasBuf && !B) || per < 1 || a.grads.length !== a.params.length) return null;
  const out: Launch[] = [];
  for (const [s, e] of chunks(a.params.length, per)) {
    const k = e - s;
    const names = ['P', ...(hasBuf ? ['BUF'] : []), ...(sc ? ['S'] : []), ...Array.from({ length: k }, (_, j) => `G${j}`)];
    const access = `w${hasBuf ? 'w' : ''}${sc ? 'r' : ''}${'r'.repeat(k)}`;
    const program: Program = {
      key: `sgdMulti:${hasBuf ? 'mom' : 'plain'}${sc ? ':s' : ''}:k${k}`,
      access,
      source: () => PRELUDE + bindings(access, names, names.map(() => 'f32')) + main1d(`
  if (gid >= pu(0u)) { return; }
  ${locate(k, SGD_BASE, SGD_STRIDE)}
  let lr = pf(2u); let mom = pf(3u); let damp1 = pf(4u); let wd = pf(5u); let flags = pu(6u);
  let first = pu(w0 + 2u) != 0u;
  ${scaled(sc, 'gr')}
  ${sgdBody(hasBuf)}`),
    };
    const params = new Params();
    let total = 0;
    const words: number[][] = [];
    for (let t = s; t < e; t++) {
      words.push([total, (a.params[t] as GpuBuffer).offset / 4, a.first[t] ? 1 : 0]);
      total += a.params[t]!.size;
    }
    params.u(total, k).fl(a.lr, a.momentum, 1 - a.dampening, a.weightDecay).u((a.nesterov ? 1 : 0) | (a.maximize ? 4 : 0), 0);
    for (const w of words) params.u(...w);
    const bufs = [P, ...(B ? [B] : []), ...(sc ? [a.gradScale!] : []), ...a.grads.slice(s, e)];
    if (total > 0) out.push({ program, bufs, params, threads: total });
  }
  return out;
}

/** The per-tensor fallback of a multi-tensor kernel. */
export function perTensor(kernel: 'adamMulti' | 'sgdMulti', a: OptionalKernelArgs['adamMulti'] | OptionalKernelArgs['sgdMulti']): Launch[] {
  const launches = kernel === 'adamMulti'
    ? splitAdam(a as OptionalKernelArgs['adamMulti']).map(adamLaunch)
    : splitSgd(a as OptionalKernelArgs['sgdMulti']).map(sgdLaunch);
  return launches.filter((l) => (l.threads ?? 0) > 0);
}

/** Workgroups (of SS_WG threads) per sumSquares dispatch: each writes one partial sum. */
const SS_GROUPS = 64, SS_WG = 256, SS_BASE = 4;

/**
 * sumSquares as launches: each dispatch covers as many tensors as the bindings allow, its
 * SS_GROUPS workgroups stride over their elements and leave one partial sum each in a
 * temporary buffer; `finish(partials, count)` then sums the partials into out (the reduce
 * kernel). Deterministic: a fixed grid and a fixed order of additions.
 */
export function sumSquaresLaunches(a: OptionalKernelArgs['sumSquares'], maxBindings: number, partials: BackendBuffer): Launch[] {
  const sc = a.scale !== null;
  const per = Math.min(64 - SS_BASE, maxBindings - 1 - (sc ? 1 : 0));
  const out: Launch[] = [];
  let chunk = 0;
  for (const [s, e] of chunks(a.xs.length, per)) {
    const k = e - s;
    const names = [...(sc ? ['S'] : []), ...Array.from({ length: k }, (_, j) => `G${j}`), 'PART'];
    const access = `${sc ? 'r' : ''}${'r'.repeat(k)}w`;
    const cases = Array.from({ length: k }, (_, j) => `case ${j}u: { v = G${j}[i - pu(${SS_BASE}u + ${j}u)]; }`).join('\n      ');
    const program: Program = {
      key: `sumSquares:${sc ? 's' : 'n'}:k${k}`,
      access,
      source: () => PRELUDE + bindings(access, names, names.map(() => 'f32')) + `
var<workgroup> part: array<f32, ${SS_WG}>;
@compute @workgroup_size(${SS_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let total = pu(0u); let k = pu(1u);
  let m = ${sc ? '1.0 / S[0]' : '1.0'};
  var acc = 0.0;
  for (var i = wid.x * ${SS_WG}u + li; i < total; i += ${SS_GROUPS * SS_WG}u) {
    var j = 0u;
    for (var t = 1u; t < k; t++) { if (i >= pu(${SS_BASE}u + t)) { j = t; } }
    var v = 0.0;
    switch j {
      ${cases}
      default: { }
    }
    let y = v * m;
    acc += y * y;
  }
  part[li] = acc;
  workgroupBarrier();
  for (var w = ${SS_WG / 2}u; w > 0u; w >>= 1u) {
    if (li < w) { part[li] += part[li + w]; }
    workgroupBarrier();
  }
  if (li == 0u) { PART[pu(2u) + wid.x] = part[0]; }
}`,
    };
    const params = new Params();
    let total = 0;
    const starts: number[] = [];
    for (let t = s; t < e; t++) { starts.push(total); total += a.xs[t]!.size; }
    params.u(total, k, chunk * SS_GROUPS, 0).u(...starts);
    out.push({ program, bufs: [...(sc ? [a.scale!] : []), ...a.xs.slice(s, e), partials], params, groups: [SS_GROUPS, 1, 1] });
    chunk++;
  }
  return out;
}

/** Partial sums sumSquaresLaunches writes for `count` tensors. */
export const sumSquaresPartials = (count: number, maxBindings: number, hasScale: boolean): number =>
  chunks(count, Math.min(64 - SS_BASE, maxBindings - 1 - (hasScale ? 1 : 0))).length * SS_GROUPS;

/** ampUpdate: one thread (see OptionalKernelArgs['ampUpdate']); isfinite by the bits, as WGSL may assume no inf/NaN. */
export function ampUpdateLaunch(a: OptionalKernelArgs['ampUpdate']): Launch {
  const program: Program = {
    key: 'ampUpdate',
    access: 'rwww',
    source: () => PRELUDE + bindings('rwww', ['N2', 'SC', 'CT', 'GS'], ['f32', 'f32', 'f32', 'f32']) + main1d(`
  if (gid > 0u) { return; }
  let maxNorm = pf(0u); let growth = pf(1u); let backoff = pf(2u); let interval = pf(3u);
  let s = SC[0]; let good = CT[0]; let skipped = CT[1]; let n2 = N2[0];
  let found = (bitcast<u32>(n2) & 0x7f800000u) == 0x7f800000u;
  var coef = 1.0;
  if (maxNorm > 0.0 && !found) { coef = min(1.0, maxNorm / (sqrt(n2) + 1e-6)); }
  GS[0] = coef / s; GS[1] = select(0.0, 1.0, found); GS[2] = skipped;
  if (found) { SC[0] = s * backoff; CT[0] = 0.0; CT[1] = skipped + 1.0; return; }
  let g = good + 1.0;
  let grow = g >= interval;
  SC[0] = select(s, s * growth, grow); CT[0] = select(g, 0.0, grow);`),
  };
  const params = new Params().fl(a.maxNorm, a.growthFactor, a.backoffFactor, a.growthInterval);
  return { program, bufs: [a.norm2, a.scale, a.counts, a.gradScale], params, threads: 1 };
}
