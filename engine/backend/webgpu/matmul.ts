/**
 * Batched matmul with register blocking and vec4 loads: each thread computes a tm×tn block of C
 * in registers (tm rows × tn/4 column quads of vec4 accumulators) and walks K four at a time,
 * so one step loads tm + tn values' worth of vec4s and feeds 4·tm·tn multiply-adds. No
 * workgroup memory: on SwiftShader (a CPU running the shader) loads are per-lane gathers and
 * barriers are expensive, so the win is FLOPs per load; real GPUs cache these reads well at the
 * sizes Flowgrad trains. Tile shapes are chosen per adapter (backend.ts: large tiles on a
 * software adapter, 4×4 with 16×16 workgroups on a GPU) and shrunk per shape so skinny
 * products (a conv layer's 6 output channels) do not compute padding.
 *
 * Each operand is read as vec4 along its contiguous dimension (A: K, or M when transposed;
 * B: N, or K when transposed) when that dimension and every batch offset are multiples of 4,
 * else as scalars; K not a multiple of 4 adds a scalar tail loop. When the tile divides M and
 * N ("exact" variant) there are no clamps and no store checks (threads past the edge of the
 * last workgroup still return early); otherwise loads clamp to the last row/column (feeding
 * accumulators that are never stored) and stores are checked.
 * Transposes, load modes, tail and exactness are all part of the pipeline key.
 *
 * Batch offsets that form an arithmetic progression (contiguous or broadcast-to-one) go in the
 * parameters; anything else is uploaded as an int32 table.
 */
import type { KernelArgs } from '../types.ts';
import type { AdapterDescription } from './backend.ts';
import { PRELUDE, Params, bindings } from './program.ts';
import type { Launch, Program } from './program.ts';

export interface MatmulConfig {
  wx: number;
  wy: number;
  maxZ: number;
  /** Largest rows per thread (4, 8 or 16) and columns per thread (4 or 8). */
  tm: number;
  tn: number;
}

/**
 * Matmul tiles per adapter. A software adapter (SwiftShader) runs each invocation's loads as
 * gathers on a CPU: big register tiles (16×8 per thread, measured fastest there: 2–3× the 4×4
 * tile) with small workgroups. A GPU gets 4×4 per thread in 16×16 workgroups (8×8 when the
 * adapter allows fewer than 256 invocations).
 */
export function matmulConfig(adapter: AdapterDescription, lim: GPUSupportedLimits): MatmulConfig {
  const maxZ = lim.maxComputeWorkgroupsPerDimension;
  if (adapter.isFallbackAdapter) return { wx: 8, wy: 4, maxZ, tm: 16, tn: 8 };
  const big = lim.maxComputeInvocationsPerWorkgroup >= 256;
  return { wx: big ? 16 : 8, wy: big ? 16 : 8, maxZ, tm: 4, tn: 4 };
}

/** [first, step] when offs[i] = first + i·step for all i, else null. */
function progression(offs: Int32Array): [number, number] | null {
  if (offs.length === 0) return [0, 0];
  const step = offs.length > 1 ? offs[1] - offs[0] : 0;
  for (let i = 1; i < offs.length; i++) if (offs[i] !== offs[0] + i * step) return null;
  return [offs[0], step];
}

/** Everything that changes the generated code (and so the pipeline key). */
export interface MatmulVariant {
  transA: boolean;
  transB: boolean;
  /** vec4 loads of A / B along their contiguous dimension. */
  vecA: boolean;
  vecB: boolean;
  /** K % 4 === 0: no scalar tail loop. */
  k4: boolean;
  /** The tile divides M and N: no clamps, no store checks. */
  exact: boolean;
  table: boolean;
  tm: number;
  tn: number;
  wx: number;
  wy: number;
}

export function variantKey(v: MatmulVariant): string {
  return `matmul:${v.transA ? 'T' : 'N'}${v.transB ? 'T' : 'N'}:${v.vecA ? 'v' : 's'}${v.vecB ? 'v' : 's'}${v.k4 ? '' : 't'}` +
    `:${v.exact ? 'x' : 'b'}:${v.table ? 'tab' : 'ap'}:${v.tm}x${v.tn}:${v.wx}x${v.wy}`;
}

/**
 * Statements loading U consecutive k values (from p) of the A block and B block, and the
 * accumulate step. Names: a{i}_{kk} scalars, b{kk}_{q} vec4s.
 */
function kstep(v: MatmulVariant, U: number): string {
  const { tm, tn } = v;
  const qn = tn / 4;
  const out: string[] = [];
  const aE: string[][] = []; // aE[i][kk]
  const bE: string[][] = []; // bE[kk][q]
  const row = (i: number) => `ri${i}`;
  const col = (j: number) => `cj${j}`;
  // A
  if (!v.transA && v.vecA && U === 4) {
    for (let i = 0; i < tm; i++) out.push(`let av${i} = A[(aoff + ${row(i)} * K + p) >> 2u];`);
    for (let i = 0; i < tm; i++) aE.push([0, 1, 2, 3].map((kk) => `av${i}[${kk}]`));
  } else if (v.transA && v.vecA) {
    for (let kk = 0; kk < U; kk++) for (let j = 0; j < tm / 4; j++) out.push(`let av${kk}_${j} = A[(aoff + (p + ${kk}u) * M + rq${j}) >> 2u];`);
    for (let i = 0; i < tm; i++) aE.push(Array.from({ length: U }, (_, kk) => `av${kk}_${i >> 2}[${i & 3}]`));
  } else {
    for (let i = 0; i < tm; i++) {
      aE.push([]);
      for (let kk = 0; kk < U; kk++) {
        out.push(`let as${i}_${kk} = A[${v.transA ? `aoff + (p + ${kk}u) * M + ${row(i)}` : `aoff + ${row(i)} * K + p + ${kk}u`}];`);
        aE[i].push(`as${i}_${kk}`);
      }
    }
  }
  // B
  if (v.transB && v.vecB && U === 4) {
    for (let j = 0; j < tn; j++) out.push(`let bv${j} = B[(boff + ${col(j)} * K + p) >> 2u];`);
    for (let kk = 0; kk < 4; kk++) bE.push(Array.from({ length: qn }, (_, q) => `vec4<f32>(${[0, 1, 2, 3].map((j) => `bv${4 * q + j}[${kk}]`).join(', ')})`));
  } else if (!v.transB && v.vecB) {
    for (let kk = 0; kk < U; kk++) {
      bE.push([]);
      for (let q = 0; q < qn; q++) {
        out.push(`let bq${kk}_${q} = B[(boff + (p + ${kk}u) * N + cq${q}) >> 2u];`);
        bE[kk].push(`bq${kk}_${q}`);
      }
    }
  } else {
    const at = (kk: number, j: number) => (v.transB ? `B[boff + ${col(j)} * K + p + ${kk}u]` : `B[boff + (p + ${kk}u) * N + ${col(j)}]`);
    for (let kk = 0; kk < U; kk++) {
      bE.push([]);
      for (let q = 0; q < qn; q++) {
        out.push(`let bs${kk}_${q} = vec4<f32>(${[0, 1, 2, 3].map((j) => at(kk, 4 * q + j)).join(', ')});`);
        bE[kk].push(`bs${kk}_${q}`);
      }
    }
  }
  for (let i = 0; i < tm; i++) {
    for (let q = 0; q < qn; q++) {
      out.push(`acc${i}_${q} += ${Array.from({ length: U }, (_, kk) => `${aE[i][kk]} * ${bE[kk][q]}`).join(' + ')};`);
    }
  }
  return out.join('\n    ');
}

export function matmulSource(v: MatmulVariant): string {
  const { tm, tn } = v;
  const qn = tn / 4;
  const aType = v.vecA ? 'vec4<f32>' : 'f32', bType = v.vecB ? 'vec4<f32>' : 'f32';
  const names = v.table ? ['A', 'B', 'T', 'C'] : ['A', 'B', 'C'];
  const types = v.table ? [aType, bType, 'i32', 'f32'] : [aType, bType, 'f32'];
  const clampR = (e: string) => (v.exact ? e : `min(${e}, M - 1u)`);
  const clampC = (e: string) => (v.exact ? e : `min(${e}, N - 1u)`);
  const idx: string[] = [];
  for (let i = 0; i < tm; i++) idx.push(`let ri${i} = ${clampR(`r0 + ${i}u`)};`);
  for (let j = 0; j < tn; j++) idx.push(`let cj${j} = ${clampC(`c0 + ${j}u`)};`);
  // vec4 quads along M (transposed A) or N (B): M, N are multiples of 4 there, so a quad is all in or all out.
  if (v.transA && v.vecA) for (let j = 0; j < tm / 4; j++) idx.push(`let rq${j} = ${v.exact ? `r0 + ${4 * j}u` : `min(r0 + ${4 * j}u, M - 4u)`};`);
  if (!v.transB && v.vecB) for (let q = 0; q < qn; q++) idx.push(`let cq${q} = ${v.exact ? `c0 + ${4 * q}u` : `min(c0 + ${4 * q}u, N - 4u)`};`);
  const acc: string[] = [];
  for (let i = 0; i < tm; i++) for (let q = 0; q < qn; q++) acc.push(`var acc${i}_${q} = vec4<f32>();`);
  const store: string[] = [];
  for (let i = 0; i < tm; i++) {
    const rowStore: string[] = [];
    for (let q = 0; q < qn; q++) {
      for (let j = 0; j < 4; j++) {
        const c = 4 * q + j;
        const s = `C[o + (r0 + ${i}u) * N + c0 + ${c}u] = acc${i}_${q}[${j}];`;
        rowStore.push(v.exact ? s : `if (c0 + ${c}u < N) { ${s} }`);
      }
    }
    store.push(v.exact ? rowStore.join('\n  ') : `if (r0 + ${i}u < M) {\n    ${rowStore.join('\n    ')}\n  }`);
  }
  return PRELUDE + bindings(v.table ? 'rrrw' : 'rrw', names, types) + `
@compute @workgroup_size(${v.wx}, ${v.wy})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let M = pu(0u); let K = pu(1u); let N = pu(2u);
  let bz = g.z + pu(3u);
  let batch = pu(4u);
  let aoff = u32(${v.table ? 'T[bz]' : 'pi(5u) + i32(bz) * pi(6u)'});
  let boff = u32(${v.table ? 'T[batch + bz]' : 'pi(7u) + i32(bz) * pi(8u)'});
  let r0 = g.y * ${tm}u; let c0 = g.x * ${tn}u;
  if (r0 >= M || c0 >= N) { return; }
  ${idx.join('\n  ')}
  ${acc.join('\n  ')}
  let K4 = K & ~3u;
  for (var p = 0u; p < K4; p += 4u) {
    ${kstep(v, 4)}
  }
  ${v.k4 ? '' : `for (var p = K4; p < K; p++) {\n    ${kstep(v, 1)}\n  }`}
  let o = bz * M * N;
  ${store.join('\n  ')}
}`;
}

/** Smallest power of two ≥ n. */
const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Smallest of `sizes` that covers `extent`, at most `cap`. */
const fit = (extent: number, sizes: readonly number[], cap: number): number => sizes.find((s) => s >= extent && s <= cap) ?? cap;

/** The code variant for one matmul call. */
export function chooseVariant(a: KernelArgs['matmul'], cfg: MatmulConfig, table: boolean): MatmulVariant {
  const tm = fit(a.m, [4, 8, 16], cfg.tm), tn = fit(a.n, [4, 8], cfg.tn);
  const all4 = (offs: Int32Array) => offs.every((o) => o % 4 === 0);
  const vecA = all4(a.aOffsets) && (a.transA ? a.m % 4 === 0 : a.k % 4 === 0);
  const vecB = all4(a.bOffsets) && (a.transB ? a.k % 4 === 0 : a.n % 4 === 0);
  const exact = a.m % tm === 0 && a.n % tn === 0;
  // Reshape the workgroup for skinny outputs so its threads are not idle: as few rows of
  // threads as the tiles need, the rest of the invocations along the columns (and vice versa).
  const total = cfg.wx * cfg.wy;
  const wy = Math.min(cfg.wy, pow2(Math.ceil(a.m / tm)));
  const wx = Math.min(total / wy, pow2(Math.ceil(a.n / tn)));
  return { transA: a.transA, transB: a.transB, vecA, vecB, k4: a.k % 4 === 0, exact, table, tm, tn, wx, wy };
}

export function matmulLaunches(a: KernelArgs['matmul'], cfg: MatmulConfig): Launch[] {
  const pa = progression(a.aOffsets), pb = progression(a.bOffsets);
  const table = !(pa && pb);
  const v = chooseVariant(a, cfg, table);
  const prog: Program = { key: variantKey(v), access: table ? 'rrrw' : 'rrw', source: () => matmulSource(v) };
  const gx = Math.ceil(a.n / (v.tn * v.wx)), gy = Math.ceil(a.m / (v.tm * v.wy));
  const out: Launch[] = [];
  for (let z0 = 0; z0 < a.batch; z0 += cfg.maxZ) {
    const nz = Math.min(cfg.maxZ, a.batch - z0);
    const params = new Params().u(a.m, a.k, a.n, z0, a.batch);
    if (!table) params.s(pa![0], pa![1], pb![0], pb![1]);
    out.push({ program: prog, bufs: [a.a, a.b, a.out], params, groups: [gx, gy, nz], table: table ? offsetTable(a) : undefined });
  }
  return out;
}

/** The int32 offset table [aOffsets..., bOffsets...] for batches that are not a progression. */
function offsetTable(a: KernelArgs['matmul']): Int32Array {
  const t = new Int32Array(a.batch * 2);
  t.set(a.aOffsets, 0);
  t.set(a.bOffsets, a.batch);
  return t;
}
