/**
 * Reductions and softmax over [outer, n, inner] views. Two reduce shapes: one thread per
 * output looping over n (many outputs, or short rows), and one workgroup per output with a
 * tree reduction in workgroup memory (few outputs over long rows — e.g. a loss's final sum),
 * which is also more accurate in float32. Each op is a (init, combine, final) triple in WGSL;
 * argmax/argmin carry (value, index) pairs with ties going to the lower index like the
 * reference. Sums of ints accumulate in i32, float results in f32.
 */
import type { DType } from '../../core/dtype.ts';
import { isFloat } from '../../core/dtype.ts';
import type { KernelArgs, ReduceOp } from '../types.ts';
import { PRELUDE, Params, bindings, kindOf, main1d, tag } from './program.ts';
import type { Launch, Program } from './program.ts';

const RWG = 64;

interface Rule { init: string; comb: string; fin?: string }

/** op → WGSL init value, combine(x, y) and final(acc) for accumulator type `t`. */
function rule(op: ReduceOp, t: 'f32' | 'i32'): Rule {
  const f = t === 'f32';
  switch (op) {
    case 'sum': return { init: f ? '0.0' : '0', comb: 'x + y' };
    case 'mean': return { init: '0.0', comb: 'x + y', fin: 'acc / f32(pu(1u))' };
    case 'prod': return { init: f ? '1.0' : '1', comb: 'x * y' };
    case 'max': return f
      ? { init: '-inf_()', comb: 'select(select(max(x, y), y, isnan_(y)), x, isnan_(x))' }
      : { init: 'i32(-2147483647 - 1)', comb: 'max(x, y)' };
    case 'min': return f
      ? { init: 'inf_()', comb: 'select(select(min(x, y), y, isnan_(y)), x, isnan_(x))' }
      : { init: '2147483647', comb: 'min(x, y)' };
    default: throw new Error(`reduce rule for ${op}`);
  }
}

/** Accumulator WGSL type: float outputs accumulate in f32, integer outputs in i32. */
function accType(op: ReduceOp, x: DType, out: DType): 'f32' | 'i32' {
  if (op === 'max' || op === 'min') return kindOf(x);
  return isFloat(out) ? 'f32' : 'i32';
}

/** Whether a workgroup per output beats a thread per output. */
function useWorkgroup(n: number, outputs: number): boolean {
  return n >= 256 && (outputs <= 1024 || n >= 4096);
}

export function reduceLaunch(a: KernelArgs['reduce']): Launch {
  const outputs = a.outer * a.inner;
  const arg = a.op === 'argmax' || a.op === 'argmin';
  const t = arg ? kindOf(a.x.dtype) : accType(a.op, a.x.dtype, a.out.dtype);
  const wgMode = useWorkgroup(a.n, outputs);
  const load = (r: string) => (kindOf(a.x.dtype) === t ? `xs[base + (${r}) * inner]` : `${t}(xs[base + (${r}) * inner])`);
  const key = `reduce:${a.op}:${tag(a.x.dtype)}>${tag(a.out.dtype)}:${wgMode ? 'wg' : 't'}`;
  const decl = PRELUDE + bindings('rw', ['xs', 'out'], [kindOf(a.x.dtype), kindOf(a.out.dtype)]);
  const head = (o: string) => `  let o = ${o};\n  if (o >= pu(0u)) { return; }\n  let n = pu(1u); let inner = pu(2u);\n  let base = (o / inner) * n * inner + o % inner;`;
  let source: () => string;
  if (arg) {
    const better = a.op === 'argmax' ? '>' : '<';
    // (value, index) pairs; `bi < 0` marks "none yet"; ties keep the lower index.
    const pick = `fn pick(v: ${t}, i: i32, bv: ${t}, bi: i32) -> bool { return bi < 0 || (i >= 0 && (v ${better} bv || (v == bv && i < bi))); }`;
    source = wgMode
      ? () => `${decl}\n${pick}\nvar<workgroup> sv: array<${t}, ${RWG}>;\nvar<workgroup> si: array<i32, ${RWG}>;\n` +
        main1d(`${head('wid.y * nwg.x + wid.x')}
  var bv: ${t} = ${t}(0); var bi = -1;
  for (var r = li; r < n; r += ${RWG}u) { let v = ${load('r')}; if (pick(v, i32(r), bv, bi)) { bv = v; bi = i32(r); } }
  sv[li] = bv; si[li] = bi;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s >>= 1u) {
    if (li < s && pick(sv[li + s], si[li + s], sv[li], si[li])) { sv[li] = sv[li + s]; si[li] = si[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { out[o] = max(si[0], 0); }`, RWG)
      : () => `${decl}\n${pick}\n` + main1d(`${head('gid')}
  var bv: ${t} = ${t}(0); var bi = -1;
  for (var r = 0u; r < n; r++) { let v = ${load('r')}; if (pick(v, i32(r), bv, bi)) { bv = v; bi = i32(r); } }
  out[o] = max(bi, 0);`);
  } else {
    const r = rule(a.op, t);
    const comb = `fn comb(x: ${t}, y: ${t}) -> ${t} { return ${r.comb}; }`;
    const store = `out[o] = ${kindOf(a.out.dtype) === t ? (r.fin ?? 'acc') : `${kindOf(a.out.dtype)}(${r.fin ?? 'acc'})`};`;
    source = wgMode
      ? () => `${decl}\n${comb}\nvar<workgroup> sv: array<${t}, ${RWG}>;\n` + main1d(`${head('wid.y * nwg.x + wid.x')}
  var acc: ${t} = ${r.init};
  for (var r = li; r < n; r += ${RWG}u) { acc = comb(acc, ${load('r')}); }
  sv[li] = acc;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s >>= 1u) {
    if (li < s) { sv[li] = comb(sv[li], sv[li + s]); }
    workgroupBarrier();
  }
  if (li == 0u) { let acc = sv[0]; ${store} }`, RWG)
      : () => `${decl}\n${comb}\n` + main1d(`${head('gid')}
  var acc: ${t} = ${r.init};
  for (var r = 0u; r < n; r++) { acc = comb(acc, ${load('r')}); }
  ${store}`);
  }
  const program: Program = { key, access: 'rw', source };
  const params = new Params().u(outputs, a.n, a.inner);
  return wgMode
    ? { program, bufs: [a.x, a.out], params, threads: outputs * RWG, wg: RWG }
    : { program, bufs: [a.x, a.out], params, threads: outputs };
}

export function softmaxLaunch(a: KernelArgs['softmax']): Launch {
  const rows = a.outer * a.inner;
  const program: Program = {
    key: `softmax:${a.log ? 'log' : 'exp'}`,
    access: 'rw',
    source: () => PRELUDE + bindings('rw', ['xs', 'out'], ['f32', 'f32']) + main1d(`
  if (gid >= pu(0u)) { return; }
  let n = pu(1u); let inner = pu(2u);
  let base = (gid / inner) * n * inner + gid % inner;
  var mx = -inf_();
  var bad = false; // a NaN in the row makes it all NaN, as on the CPU (max() may drop NaN)
  for (var r = 0u; r < n; r++) { let v = xs[base + r * inner]; bad = bad || isnan_(v); mx = max(mx, v); }
  var s = 0.0;
  for (var r = 0u; r < n; r++) { s += exp(xs[base + r * inner] - mx); }
  ${a.log ? 'let ls = log(s);' : 'let inv = 1.0 / s;'}
  for (var r = 0u; r < n; r++) {
    let i = base + r * inner;
    out[i] = select(${a.log ? 'xs[i] - mx - ls' : 'exp(xs[i] - mx) * inv'}, nan_(), bad);
  }`),
  };
  return { program, bufs: [a.x, a.out], params: new Params().u(rows, a.n, a.inner), threads: rows };
}
