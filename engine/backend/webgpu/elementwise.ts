/**
 * Elementwise WGSL, generated from one expression table: each unary/binary op maps to a WGSL
 * expression over `x` (or `a`, `b`) — a float form and, where integers need exact math, an
 * integer form — plus whether it yields a boolean. The same generator emits unary, binary
 * (broadcast through per-operand strides), where, cast, fill and strided copy. Operands that
 * match the output's size are read contiguously and size-1 operands as scalars, so the
 * common cases need no index arithmetic; anything else goes through merged strides, with
 * the merged rank in the cache key.
 */
import type { DType } from '../../core/dtype.ts';
import { broadcastStrides, stridesOf } from '../../core/shape.ts';
import type { BinaryOp, KernelArgs, UnaryOp } from '../types.ts';
import { PRELUDE, Params, bindings, checkRank, collapse, convert, kindOf, main1d, stridedOffsets, tag } from './program.ts';
import type { Launch, Program } from './program.ts';

interface Expr { f: string; i?: string; bool?: boolean }

/** THE table: op → WGSL expression. `al`/`be` are the op's alpha/beta parameters. */
export const UNARY_EXPR: Record<UnaryOp, Expr> = {
  neg: { f: '-x', i: '-x' },
  exp: { f: 'exp(x)' },
  log: { f: 'log(x)' },
  sqrt: { f: 'sqrt(x)' },
  rsqrt: { f: 'inverseSqrt(x)' },
  abs: { f: 'abs(x)', i: 'abs(x)' },
  sign: { f: 'sign(x)', i: 'sign(x)' },
  sin: { f: 'sin(x)' },
  cos: { f: 'cos(x)' },
  sigmoid: { f: '1.0 / (1.0 + exp(-x))' },
  tanh: { f: 'tanh_(x)' },
  relu: { f: 'select(0.0, x, x > 0.0 || isnan_(x))', i: 'max(x, 0)' },
  leakyRelu: { f: 'select(al * x, x, x > 0.0 || isnan_(x))' },
  elu: { f: 'select(al * (exp(x) - 1.0), x, x > 0.0 || isnan_(x))' },
  gelu: { f: '0.5 * x * (1.0 + erf_(x * 0.7071067811865476))' },
  silu: { f: 'x / (1.0 + exp(-x))' },
  erf: { f: 'erf_(x)' },
  clamp: { f: 'select(select(select(x, be, x > be), al, x < al), x, isnan_(x))' },
  square: { f: 'x * x', i: 'x * x' },
  reciprocal: { f: '1.0 / x' },
  floor: { f: 'floor(x)', i: 'x' },
  ceil: { f: 'ceil(x)', i: 'x' },
  round: { f: 'round(x)', i: 'x' },
  not: { f: 'x == 0.0', i: 'x == 0', bool: true },
  identity: { f: 'x', i: 'x' },
  asin: { f: 'asin(x)' },
  acos: { f: 'acos(x)' },
  atan: { f: 'atan(x)' },
  // By the bits: WGSL lets compilers assume no inf/NaN in arithmetic (x − x may fold to 0).
  isfinite: { f: '(bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u', i: 'true', bool: true },
};

export const BINARY_EXPR: Record<BinaryOp, Expr> = {
  add: { f: 'a + b', i: 'a + b' },
  sub: { f: 'a - b', i: 'a - b' },
  mul: { f: 'a * b', i: 'a * b' },
  div: { f: 'a / b' },
  pow: { f: 'pow_(a, b)' },
  maximum: { f: 'select(select(b, a, a > b), nan_(), isnan_(a) || isnan_(b))', i: 'max(a, b)' },
  minimum: { f: 'select(select(b, a, a < b), nan_(), isnan_(a) || isnan_(b))', i: 'min(a, b)' },
  eq: { f: 'a == b', i: 'a == b', bool: true },
  ne: { f: 'a != b', i: 'a != b', bool: true },
  gt: { f: 'a > b', i: 'a > b', bool: true },
  lt: { f: 'a < b', i: 'a < b', bool: true },
  ge: { f: 'a >= b', i: 'a >= b', bool: true },
  le: { f: 'a <= b', i: 'a <= b', bool: true },
  and: { f: '(a != 0.0) && (b != 0.0)', i: '(a != 0) && (b != 0)', bool: true },
  or: { f: '(a != 0.0) || (b != 0.0)', i: '(a != 0) || (b != 0)', bool: true },
  reluGrad: { f: 'select(0.0, a, b > 0.0)', i: 'select(0, a, b > 0)' },
  tanhGrad: { f: 'a * (1.0 - b * b)' },
  sigmoidGrad: { f: 'a * b * (1.0 - b)' },
};

/** Scalar math used by the table (erf as the CPU backend: Abramowitz–Stegun 7.1.26). */
export const MATH = /* wgsl */ `
fn erf_(x: f32) -> f32 {
  let ax = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-ax * ax);
  return select(y, -y, x < 0.0);
}
fn tanh_(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.0625) { let x2 = x * x; return x * (1.0 + x2 * (-0.3333333333 + x2 * (0.1333333333 + x2 * -0.0539682540))); }
  let e = exp(-2.0 * ax);
  let y = (1.0 - e) / (1.0 + e);
  return select(y, -y, x < 0.0);
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (floor(b) == b && abs(b) <= 64.0) {
    // integer exponents by squaring: exact for integers, and defined for negative bases
    var e = u32(abs(b)); var base = a; var r = 1.0;
    loop { if ((e & 1u) != 0u) { r *= base; } e >>= 1u; if (e == 0u) { break; } base *= base; }
    return select(r, 1.0 / r, b < 0.0);
  }
  if (a == 0.0) { return select(0.0, inf_(), b < 0.0); }
  let r = exp2(b * log2(abs(a)));
  if (a > 0.0) { return r; }
  if (floor(b) != b) { return nan_(); }
  return select(r, -r, fract(b * 0.5) != 0.0);
}
`;

/**
 * Evaluates `e` for inputs of dtype `d`: returns [WGSL expression, its kind]. Integer
 * inputs without an integer form are computed in f32 (`cvt` converts the named variables).
 */
export function evalExpr(e: Expr, d: DType): { expr: string; kind: 'f32' | 'i32' | 'bool'; asFloat: boolean } {
  const k = kindOf(d);
  if (k === 'f32' || e.i !== undefined) return { expr: k === 'f32' ? e.f : e.i!, kind: e.bool ? 'bool' : k, asFloat: false };
  return { expr: e.f, kind: e.bool ? 'bool' : 'f32', asFloat: true };
}

type Mode = 'c' | 's' | 'g';

/** Per-operand access modes plus, for 'g', merged shape and strides (operand 0 = output). */
function access(shapes: readonly (readonly number[])[], outShape: readonly number[], sizes: readonly number[], outSize: number) {
  const modes: Mode[] = sizes.map((s) => (s === outSize ? 'c' : s === 1 ? 's' : 'g'));
  if (!modes.includes('g')) return { modes, rank: 0, shape: [] as number[], strides: [] as number[][] };
  const c = collapse(outShape, [stridesOf(outShape), ...shapes.map((s) => broadcastStrides(s, outShape))]);
  checkRank('elementwise', c.shape.length);
  return { modes: modes.map(() => 'g' as Mode), rank: c.shape.length, shape: c.shape, strides: c.strides.slice(1) };
}

/** WGSL loading operand `name` from buffer `buf` under its mode (offset variable `o_name` for 'g'). */
function load(mode: Mode, buf: string, name: string): string {
  return mode === 'c' ? `${buf}[gid]` : mode === 's' ? `${buf}[0]` : `${buf}[o_${name}]`;
}

/** Shared skeleton: bind inputs, compute offsets when strided, evaluate `bodyExpr` into out. */
function elementwise(
  key: string, inputs: { name: string; dtype: DType }[], outDtype: DType, ax: ReturnType<typeof access>,
  compute: (loads: string[]) => string,
): Program {
  const names = inputs.map((x) => `in_${x.name}`);
  const prog: Program = {
    key: `${key}:${ax.modes.join('')}${ax.rank ? `:r${ax.rank}` : ''}`,
    access: inputs.map(() => 'r').join('') + 'w',
    source: () => {
      const offs = ax.rank ? stridedOffsets(ax.rank, inputs.length, 3, inputs.map((x) => `o_${x.name}`)) : '';
      const loads = inputs.map((x, i) => load(ax.modes[i], names[i], x.name));
      return PRELUDE + MATH + bindings(prog.access, [...names, 'out'], [...inputs.map((x) => kindOf(x.dtype)), kindOf(outDtype)]) +
        main1d(`  if (gid >= pu(0u)) { return; }\n  let al = pf(1u); let be = pf(2u);\n${offs}\n${compute(loads)}`);
    },
  };
  return prog;
}

function stridedParams(p: Params, ax: ReturnType<typeof access>): Params {
  if (ax.rank) {
    p.u(...ax.shape);
    for (const s of ax.strides) p.s(...s);
  }
  return p;
}

export function unaryLaunch(a: KernelArgs['unary']): Launch {
  const e = UNARY_EXPR[a.op];
  const ev = evalExpr(e, a.x.dtype);
  const program: Program = {
    key: `unary:${a.op}:${tag(a.x.dtype)}>${tag(a.out.dtype)}`,
    access: 'rw',
    source: () => PRELUDE + MATH + bindings('rw', ['xs', 'out'], [kindOf(a.x.dtype), kindOf(a.out.dtype)]) +
      main1d(`  if (gid >= pu(0u)) { return; }\n  let al = pf(1u); let be = pf(2u);\n  let x = ${ev.asFloat ? 'f32(xs[gid])' : 'xs[gid]'};\n  out[gid] = ${convert(ev.expr, ev.kind, a.out.dtype)};`),
  };
  return { program, bufs: [a.x, a.out], params: new Params().u(a.out.size).fl(a.alpha ?? 0, a.beta ?? 0), threads: a.out.size };
}

export function binaryLaunch(a: KernelArgs['binary']): Launch {
  const ev = evalExpr(BINARY_EXPR[a.op], a.a.dtype);
  const ax = access([a.aShape, a.bShape], a.outShape, [a.a.size, a.b.size], a.out.size);
  const cv = ev.asFloat ? (s: string) => `f32(${s})` : (s: string) => s;
  const program = elementwise(`binary:${a.op}:${tag(a.a.dtype)}>${tag(a.out.dtype)}`, [{ name: 'a', dtype: a.a.dtype }, { name: 'b', dtype: a.b.dtype }], a.out.dtype, ax,
    ([la, lb]) => `  let a = ${cv(la)};\n  let b = ${cv(lb)};\n  out[gid] = ${convert(ev.expr, ev.kind, a.out.dtype)};`);
  return { program, bufs: [a.a, a.b, a.out], params: stridedParams(new Params().u(a.out.size).fl(0, 0), ax), threads: a.out.size };
}

export function whereLaunch(a: KernelArgs['where']): Launch {
  const ax = access([a.condShape, a.aShape, a.bShape], a.outShape, [a.cond.size, a.a.size, a.b.size], a.out.size);
  const zero = kindOf(a.cond.dtype) === 'f32' ? '0.0' : '0';
  const program = elementwise(`where:${tag(a.cond.dtype)}${tag(a.out.dtype)}`,
    [{ name: 'c', dtype: a.cond.dtype }, { name: 'a', dtype: a.out.dtype }, { name: 'b', dtype: a.out.dtype }], a.out.dtype, ax,
    ([lc, la, lb]) => `  out[gid] = select(${lb}, ${la}, ${lc} != ${zero});`);
  return { program, bufs: [a.cond, a.a, a.b, a.out], params: stridedParams(new Params().u(a.out.size).fl(0, 0), ax), threads: a.out.size };
}

export function castLaunch(a: KernelArgs['cast']): Launch {
  const program: Program = {
    key: `cast:${tag(a.x.dtype)}>${tag(a.out.dtype)}`,
    access: 'rw',
    source: () => PRELUDE + bindings('rw', ['xs', 'out'], [kindOf(a.x.dtype), kindOf(a.out.dtype)]) +
      main1d(`  if (gid >= pu(0u)) { return; }\n  out[gid] = ${a.x.dtype === a.out.dtype ? 'xs[gid]' : convert('xs[gid]', kindOf(a.x.dtype), a.out.dtype)};`),
  };
  return { program, bufs: [a.x, a.out], params: new Params().u(a.out.size), threads: a.out.size };
}

export function fillLaunch(a: KernelArgs['fill']): Launch {
  const k = kindOf(a.out.dtype);
  const program: Program = {
    key: `fill:${k}`,
    access: 'w',
    source: () => PRELUDE + bindings('w', ['out'], [k]) +
      main1d(`  if (gid >= pu(0u)) { return; }\n  out[gid] = ${k === 'f32' ? 'pf(1u)' : 'pi(1u)'};`),
  };
  const p = new Params().u(a.out.size);
  if (k === 'f32') p.fl(a.value);
  else p.s(a.out.dtype === 'bool' ? (a.value !== 0 ? 1 : 0) : a.value);
  return { program, bufs: [a.out], params: p, threads: a.out.size };
}

export function copyLaunch(a: KernelArgs['copy']): Launch {
  const c = collapse(a.shape, [a.dstStrides, a.srcStrides]);
  const rank = c.shape.length;
  checkRank('copy', rank);
  const k = kindOf(a.x.dtype);
  const count = a.shape.reduce((p, d) => p * d, 1);
  const program: Program = {
    key: `copy:${k}:r${rank}`,
    access: 'rw',
    source: () => PRELUDE + bindings('rw', ['xs', 'out'], [k, k]) +
      main1d(`  if (gid >= pu(0u)) { return; }\n${stridedOffsets(rank, 2, 3, ['od', 'os'])}\n  out[pi(1u) + od] = xs[pi(2u) + os];`),
  };
  const p = new Params().u(count).s(a.dstOffset, a.srcOffset).u(...c.shape).s(...c.strides[0]).s(...c.strides[1]);
  return { program, bufs: [a.x, a.out], params: p, threads: count };
}
