/**
 * What the machine's cores allow right now: a job of independent, cache-resident SIMD products
 * (64×256·256×64 each, nothing shared but two read-only operands) run through the CPU pool
 * exactly as kernels run (pool.ts `parallel`, the same micro-kernel, chunk claiming, fork and
 * join). Perfectly parallel work, so its 2-thread / 1-thread rate is the ceiling of any
 * kernel's speedup in that moment: on a VM whose cores the host also runs other guests on,
 * one core can run at half the other's speed for minutes (seen here: 15 vs 26 ms for the
 * same loop pinned to either core), and that caps every row, whatever the code. The threads
 * section times it just before and after each round of each row (bench/main.ts), so a row's
 * speedup can be read against what the cores gave in the same moment.
 */
import { arenaAlloc, arenaFree } from '../engine/backend/cpu/arena.ts';
import { emitGemm, fillTables } from '../engine/backend/cpu/matmul.ts';
import type { Gemm } from '../engine/backend/cpu/matmul.ts';
import { parallel } from '../engine/backend/cpu/pool.ts';
import { wasmMatmul } from '../engine/backend/cpu/wasm.ts';

const M = 64, K = 256, N = 64, PRODUCTS = 64;
/** Floating-point operations of one job. */
const CEILING_FLOPS = 2 * M * K * N * PRODUCTS;

/**
 * GFLOP/s of the independent-products job at the pool's current thread count, over whole
 * jobs for at least `ms` milliseconds; null where the kernels have no shared memory.
 */
export function poolCeiling(ms = 60): number | null {
  const w = wasmMatmul;
  if (!w?.sharedMemory()) return null;
  // Floats: A (M×K), B (K×N + 8 of slack the kernel may read), C per product, then the int tables.
  const aAt = 0, bAt = M * K, cAt = bAt + K * N + 8, tAt = cAt + PRODUCTS * M * N;
  const floats = tAt + M + K;
  const addr = arenaAlloc(floats * 4);
  if (addr < 0) return null;
  try {
    const base = addr / 4;
    const F = w.view(base + floats);
    for (let i = 0; i < M * K + K * N; i++) F[base + i] = ((i * 7919) % 1000) / 1000 - 0.5;
    const g: Gemm = {
      aTab: base + tAt, row: (i) => base + aAt + i * K, m: M, k: K, aStep: 1,
      b: base + bAt, bTab: base + tAt + M, bPanel: 8, nPanels: N / 8, c: base + cAt, ldc: N, accumulate: false,
    };
    fillTables(w, g);
    const T = w.ints();
    for (let p = 0; p < K; p++) T[g.bTab + p] = 4 * p * N;
    const job = (): void => {
      parallel(PRODUCTS, M * K * N * PRODUCTS, (s, u0, u1) => {
        for (let u = u0; u < u1; u++) emitGemm(s, { ...g, c: g.c + u * M * N }, 0, M / 4, 0, N / 8);
      });
    };
    job();
    let jobs = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      job();
      jobs++;
      t = performance.now();
    } while (t - t0 < ms);
    // A ceiling from products that were not computed would be no ceiling: check a corner of each.
    const out = w.view(base + floats);
    let want = 0;
    for (let p = 0; p < K; p++) want += out[base + aAt + p] * out[base + bAt + p * N];
    for (let u = 0; u < PRODUCTS; u++) {
      const got = out[base + cAt + u * M * N];
      if (!(Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want)))) throw new Error(`pool ceiling: product ${u} reads ${got}, not ${want}`);
    }
    return (jobs * CEILING_FLOPS) / ((t - t0) * 1e6);
  } finally {
    arenaFree(addr, floats * 4);
  }
}
