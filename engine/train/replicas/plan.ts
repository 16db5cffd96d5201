/**
 * The Threads setting's mode: how a count of CPU workers is spent. 'kernel' splits each
 * large matmul and convolution across threads of one engine (backend/cpu/pool.ts); 'replicas'
 * runs one engine per worker, each on a shard of every batch (group.ts); 'auto' picks by the
 * model's size, from the measurements in docs/ARCHITECTURE.md ("Threads: kernel threads or
 * replicas"). Graphs replicas cannot reproduce (replicaRefusal) always get kernel threads.
 */
import type { GraphJSON } from '../../graph/types.ts';
import type { GraphAnalysis } from '../../graph/types.ts';
import type { TrainConfig } from '../../project/config.ts';
import { MIN_WORK } from '../../backend/cpu/pool.ts';
import { SPLIT_MIN } from '../../backend/cpu/matmul.ts';
import { replicaRefusal } from './safety.ts';

export type ThreadMode = 'auto' | 'kernel' | 'replicas';
export const THREAD_MODES: readonly ThreadMode[] = ['auto', 'kernel', 'replicas'];

/** How a run uses its workers: kernel threads of the leader, replicas (each on one thread), and why. */
export interface ParallelPlan { threads: number; replicas: number; why: string }

/**
 * Auto's rule, from the measurements (docs/ARCHITECTURE.md): kernel threads where most of a
 * step's work is in kernels big enough for the pool to split (splitFlops: the MLP and LeNet-5,
 * where they were faster than replicas); replicas where it is not (small layers, recurrences,
 * whose one product a step the pool leaves on one thread: the LSTM template, 1.5× faster as
 * replicas) and the step does enough work per parameter for the weight copy and the gradient
 * sum to be a small part of it.
 */
export const AUTO_SPLIT_SHARE = 0.5, AUTO_WORK_PER_PARAM = 64;

/**
 * FLOPs per sample in operations the pool splits across n threads: a layer's kernel when each
 * thread gets MIN_WORK multiply-adds (FLOPs are 2 per multiply-add), or, for a layer that lists
 * its products (a recurrent layer's one per step), each product of at least SPLIT_MIN (smaller
 * ones stay on one thread, matmul.ts) — an LSTM's steps are small whatever its total.
 */
function splitFlops(analysis: Pick<GraphAnalysis, 'flops' | 'products'>, n: number, batch: number): number {
  const macs = (flops: number) => (flops * batch) / 2;
  let sum = 0;
  for (const [id, f] of Object.entries(analysis.flops)) {
    const products = analysis.products?.[id];
    if (!products) sum += macs(f) >= MIN_WORK * n ? f : 0;
    else for (const [pf, count] of products) sum += macs(pf) >= Math.max(SPLIT_MIN, MIN_WORK * n) ? pf * count : 0;
  }
  return sum;
}

/** The plan for `workers` CPU workers (the Threads count) under `mode`. */
export function parallelPlan(mode: ThreadMode | undefined, workers: number, graph: GraphJSON, analysis: Pick<GraphAnalysis, 'totalParams' | 'totalFlops' | 'flops' | 'products'>, cfg: Pick<TrainConfig, 'batchSize' | 'mixedPrecision'>): ParallelPlan {
  const n = Math.max(1, Math.floor(workers));
  if (n === 1) return { threads: 1, replicas: 1, why: 'one worker' };
  const m = mode ?? 'auto';
  if (m === 'kernel') return { threads: n, replicas: 1, why: 'kernel threads (as set)' };
  const refused = replicaRefusal(graph, cfg, false);
  if (refused) return { threads: n, replicas: 1, why: `kernel threads, not replicas: ${refused}` };
  if (m === 'replicas') return { threads: 1, replicas: n, why: 'replicas (as set)' };
  const splittable = splitFlops(analysis, n, cfg.batchSize);
  const share = splittable / Math.max(1, analysis.totalFlops);
  const perParam = (analysis.totalFlops * cfg.batchSize) / Math.max(1, analysis.totalParams);
  if (share >= AUTO_SPLIT_SHARE) return { threads: n, replicas: 1, why: `Auto: kernel threads, which split ${Math.round(share * 100)}% of the work` };
  if (perParam >= AUTO_WORK_PER_PARAM) return { threads: 1, replicas: n, why: `Auto: replicas, since kernel threads would split only ${Math.round(share * 100)}% of the work` };
  // No layer the pool would split and too little work for replicas: more workers only add
  // overhead (bench:ui, the 354-parameter starter: 308K samples/s on one thread, 214K on two).
  if (splittable === 0) return { threads: 1, replicas: 1, why: 'Auto: one thread (no layer big enough to split, too little work per step for replicas)' };
  return { threads: n, replicas: 1, why: 'Auto: kernel threads (too little work per step for replicas)' };
}
