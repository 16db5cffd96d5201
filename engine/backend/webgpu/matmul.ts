/**
 * Batched matmul with register blocking: each thread computes a 4×4 block of C in registers
 * (4 loads of A and 4 of B per k step feed 16 FMAs), a workgroup covers (4·wx)×(4·wy) of C,
 * and the batch runs along z. No workgroup memory: on SwiftShader shared-memory tiling is
 * slower than this, and real GPUs cache these reads well at the sizes Flowgrad trains. Loads
 * are not bounds-checked — an out-of-range row or column only feeds accumulators that are
 * never stored (and WebGPU clamps out-of-buffer reads) — only the stores are.
 *
 * Transposes are folded into the index math (four variants in the cache key). Batch offsets
 * that form an arithmetic progression (the usual contiguous or broadcast-to-one case) go in
 * the parameters; anything else is uploaded as an int32 table. The workgroup shape (wx, wy)
 * is chosen per adapter (see backend.ts) and is part of the key.
 */
import type { KernelArgs } from '../types.ts';
import { PRELUDE, Params, bindings } from './program.ts';
import type { Launch, Program } from './program.ts';

export interface MatmulConfig { wx: number; wy: number; maxZ: number }

/** [first, step] when offs[i] = first + i·step for all i, else null. */
function progression(offs: Int32Array): [number, number] | null {
  if (offs.length === 0) return [0, 0];
  const step = offs.length > 1 ? offs[1] - offs[0] : 0;
  for (let i = 1; i < offs.length; i++) if (offs[i] !== offs[0] + i * step) return null;
  return [offs[0], step];
}

function source(cfg: MatmulConfig, transA: boolean, transB: boolean, table: boolean): string {
  const aIdx = (i: string) => (transA ? `aoff + p * M + ${i}` : `aoff + ${i} * K + p`);
  const bIdx = (j: string) => (transB ? `boff + ${j} * K + p` : `boff + p * N + ${j}`);
  const names = table ? ['A', 'B', 'T', 'C'] : ['A', 'B', 'C'];
  const types = table ? ['f32', 'f32', 'i32', 'f32'] : ['f32', 'f32', 'f32'];
  return PRELUDE + bindings(table ? 'rrrw' : 'rrw', names, types) + `
@compute @workgroup_size(${cfg.wx}, ${cfg.wy})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let M = pu(0u); let K = pu(1u); let N = pu(2u);
  let bz = g.z + pu(3u);
  let batch = pu(4u);
  let aoff = u32(${table ? 'T[bz]' : 'pi(5u) + i32(bz) * pi(6u)'});
  let boff = u32(${table ? 'T[batch + bz]' : 'pi(7u) + i32(bz) * pi(8u)'});
  let r0 = g.y * 4u; let c0 = g.x * 4u;
  if (r0 >= M || c0 >= N) { return; }
  let r1 = min(r0 + 1u, M - 1u); let r2 = min(r0 + 2u, M - 1u); let r3 = min(r0 + 3u, M - 1u);
  let c1 = min(c0 + 1u, N - 1u); let c2 = min(c0 + 2u, N - 1u); let c3 = min(c0 + 3u, N - 1u);
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  for (var p = 0u; p < K; p++) {
    let b = vec4<f32>(B[${bIdx('c0')}], B[${bIdx('c1')}], B[${bIdx('c2')}], B[${bIdx('c3')}]);
    acc0 += A[${aIdx('r0')}] * b;
    acc1 += A[${aIdx('r1')}] * b;
    acc2 += A[${aIdx('r2')}] * b;
    acc3 += A[${aIdx('r3')}] * b;
  }
  let o = bz * M * N;
  let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = r0 + i;
    if (r >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      if (c0 + j < N) { C[o + r * N + c0 + j] = rows[i][j]; }
    }
  }
}`;
}

export function matmulLaunches(a: KernelArgs['matmul'], cfg: MatmulConfig): Launch[] {
  const pa = progression(a.aOffsets), pb = progression(a.bOffsets);
  const table = !(pa && pb);
  const program: Program = {
    key: `matmul:${a.transA ? 'T' : 'N'}${a.transB ? 'T' : 'N'}:${table ? 'tab' : 'ap'}:${cfg.wx}x${cfg.wy}`,
    access: table ? 'rrrw' : 'rrw',
    source: () => source(cfg, a.transA, a.transB, table),
  };
  const gx = Math.ceil(a.n / (4 * cfg.wx)), gy = Math.ceil(a.m / (4 * cfg.wy));
  const out: Launch[] = [];
  for (let z0 = 0; z0 < a.batch; z0 += cfg.maxZ) {
    const nz = Math.min(cfg.maxZ, a.batch - z0);
    const params = new Params().u(a.m, a.k, a.n, z0, a.batch);
    if (!table) params.s(pa![0], pa![1], pb![0], pb![1]);
    out.push({ program, bufs: [a.a, a.b, a.out], params, groups: [gx, gy, nz], table: table ? offsetTable(a) : undefined });
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
