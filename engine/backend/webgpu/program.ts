/**
 * What a kernel launch is, independent of the device: a Program (WGSL source, built lazily,
 * and a cache key naming kernel + dtypes + rank + variant — never exact shapes), the buffers
 * it binds and its parameters. Parameters (sizes, strides, scalars) are 32-bit words written
 * into one uniform arena per submit and read in WGSL with pu/pi/pf(i); this keeps one
 * compiled pipeline valid for every shape of its kind.
 *
 * Binding layout of every program: binding 0 = the parameter block (uniform, dynamic
 * offset), bindings 1..k = storage buffers, 'r' read-only or 'w' read-write, in the order of
 * `Program.access`. dtypes: float32 → f32; int32 and bool → i32 (bool as 0/1 in 32 bits,
 * since WGSL storage has no 8-bit type).
 */
import type { DType } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import type { BackendBuffer } from '../types.ts';

export interface Program {
  readonly key: string;
  /** One letter per storage binding: 'r' read-only, 'w' read-write. */
  readonly access: string;
  readonly source: () => string;
}

/** Largest parameter block per dispatch, in 32-bit words (256 bytes = uniform offset alignment). */
export const PARAM_WORDS = 64;
/** Threads per workgroup of the 1-D kernels. */
export const WG = 64;
/** Highest rank the strided kernels support after merging contiguous dims. */
export const MAX_RANK = 12;

/**
 * WGSL type a kernel computes a dtype's values in. float16 computes in f32: its buffers are
 * declared f16 and converted on every access by half.ts (only with shader-f16).
 */
export function wgslType(d: DType): 'f32' | 'i32' {
  if (d === 'float32' || d === 'float16') return 'f32';
  if (d === 'int32' || d === 'bool') return 'i32';
  throw new FlowgradError('dtype', `webgpu: ${d} tensors are not supported on the GPU (float32, float16 with shader-f16, int32 and bool are); keep ${d} work on the 'cpu' or 'reference' backend`);
}

/** Bytes of a dtype's element in GPU storage. */
export const storageBytes = (d: DType): number => (d === 'float16' ? 2 : 4);

/** Short dtype tag for cache keys. */
export const tag = (d: DType): string => (d === 'float32' ? 'f' : d === 'int32' ? 'i' : d === 'bool' ? 'b' : d === 'float16' ? 'h' : d);

/**
 * Converts a value expression `e` of WGSL type `from` ('f32' | 'i32' | 'bool') to what `to`
 * stores; float16 values are rounded to half precision (kept in an f32), so a fused chain
 * rounds like the chain of kernels that store each step.
 */
export function convert(e: string, from: 'f32' | 'i32' | 'bool', to: DType): string {
  if (to === 'float16') return `f32(f16(${convert(e, from, 'float32')}))`;
  if (to === 'bool') return from === 'bool' ? `select(0, 1, ${e})` : from === 'f32' ? `select(0, 1, (${e}) != 0.0)` : `select(0, 1, (${e}) != 0)`;
  if (to === 'int32') return from === 'i32' ? e : from === 'bool' ? `select(0, 1, ${e})` : `i32(${e})`;
  return from === 'f32' ? e : from === 'bool' ? `select(0.0, 1.0, ${e})` : `f32(${e})`;
}

export function checkRank(kernel: string, rank: number): void {
  if (rank > MAX_RANK) throw new FlowgradError('unsupported', `webgpu ${kernel}: rank ${rank} after merging contiguous dimensions exceeds ${MAX_RANK}`);
}

/** Storage binding declarations: `names[i]` bound at i+1 with element type `types[i]`. */
export function bindings(access: string, names: readonly string[], types: readonly string[]): string {
  return names.map((n, i) =>
    `@group(0) @binding(${i + 1}) var<storage, ${access[i] === 'w' ? 'read_write' : 'read'}> ${n}: array<${types[i]}>;`).join('\n');
}

/** Parameter block and helpers shared by every program. */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<uniform> prm: array<vec4<u32>, ${PARAM_WORDS / 4}>;
fn pu(i: u32) -> u32 { return prm[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
fn inf_() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }
fn nan_() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }
// NaN by the bits: compilers may assume no NaN and fold x != x to false.
fn isnan_(x: f32) -> bool { let u = bitcast<u32>(x) & 0x7fffffffu; return u > 0x7f800000u; }
`;

/** Entry point of a 1-D kernel over `count` threads (2-D grid past 65535 workgroups); body sees `gid`. */
export function main1d(body: string, wg = WG): string {
  return `
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let gid = (wid.y * nwg.x + wid.x) * ${wg}u + li;
${body}
}`;
}

/** Builds parameter words: unsigned, signed and float32 values share one Uint32Array. */
export class Params {
  readonly words = new Uint32Array(PARAM_WORDS);
  private readonly f = new Float32Array(this.words.buffer);
  private readonly i = new Int32Array(this.words.buffer);
  n = 0;

  private at(kernel: string): number {
    if (this.n >= PARAM_WORDS) throw new FlowgradError('internal', `webgpu ${kernel}: more than ${PARAM_WORDS} parameter words`);
    return this.n++;
  }
  u(...vs: number[]): this { for (const v of vs) this.words[this.at('u')] = v >>> 0; return this; }
  s(...vs: number[]): this { for (const v of vs) this.i[this.at('s')] = v | 0; return this; }
  fl(...vs: number[]): this { for (const v of vs) this.f[this.at('f')] = v; return this; }
}

/** Drops size-1 dims and merges dims contiguous in every operand (see core/shape.ts). */
export { collapseDims as collapse } from '../../core/shape.ts';

/**
 * WGSL that turns flat index `i` (u32) into offsets: `offs[k] = base_k + Σ idx_d·stride_k[d]`.
 * Parameters from word `at`: shape[rank], then for each operand strides[rank] (as i32).
 */
export function stridedOffsets(rank: number, operands: number, at: number, names: readonly string[]): string {
  const lines = [`  var rem = gid;`];
  for (const n of names) lines.push(`  var ${n} = 0;`);
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let sz = pu(${at + d}u); let c = i32(rem % sz); rem = rem / sz;`);
    for (let k = 0; k < operands; k++) lines.push(`    ${names[k]} += c * pi(${at + rank * (k + 1) + d}u);`);
    lines.push('  }');
  }
  return lines.join('\n');
}

/** One kernel launch: a program, its storage buffers in binding order, its parameters and its grid. */
export interface Launch {
  readonly program: Program;
  readonly bufs: readonly BackendBuffer[];
  readonly params: Params;
  /** 1-D launch: this many threads, `wg` (default WG) per workgroup. */
  readonly threads?: number;
  readonly wg?: number;
  /** Explicit workgroup counts (matmul). */
  readonly groups?: readonly [number, number, number];
  /** int32 data uploaded to a temporary buffer and bound just before the last (output) buffer. */
  readonly table?: Int32Array;
}

/** Kind of a dtype's WGSL storage value. */
export const kindOf = (d: DType): 'f32' | 'i32' => wgslType(d);
