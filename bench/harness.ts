/**
 * The benchmark's common ground: the entry list, the contract every implementation fills in
 * (set up a workload, then run one step of it per call, results read back), seeded input data
 * that Flowgrad and its peers share, and the timing loop.
 *
 * Timing: each workload is set up outside the clock, warmed up (at least one step, and steps
 * until ~WARMUP_MS has passed, so that pools, JIT tiers and lazily compiled kernels settle),
 * then timed over whole steps in ROUNDS rounds that together last at least the entry's minMs
 * and minIters. The rounds of Flowgrad and its peers alternate (F, cpu, wasm, F, cpu, wasm,
 * ...), so that a burst of load from another process hits all of them alike. Every timed call
 * awaits its output's data (CPU entries: every step; WebGPU entries: the last of `inner`
 * queued steps), so the clock covers all the work on every backend. The value reported is
 * the median round's rate (GFLOP/s or steps/s: higher is better); the lowest and highest go to
 * the details file as a noise indication.
 * This file has no DOM and no engine imports, so the Node profiler (bench/profile.ts) uses it too.
 */

export type ImplName = 'flowgrad' | 'tfjs-cpu' | 'tfjs-wasm' | 'flowgrad-webgpu' | 'tfjs-webgpu' | 'flowgrad-1t' | 'flowgrad-2t' | 'flowgrad-4t' | 'flowgrad-8t' | 'flowgrad-compiled' | 'flowgrad-eager';
export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu', 'flowgrad-1t', 'flowgrad-4t', 'flowgrad-8t', 'flowgrad-eager'] as const;
export type PeerName = (typeof PEERS)[number];

/**
 * Two sections: 'cpu' (Flowgrad's cpu backend vs TF.js cpu and wasm) and 'webgpu' (Flowgrad's
 * webgpu backend vs TF.js webgpu, both on the page's one adapter). In latest.json every row's
 * `flowgrad` is its section's Flowgrad implementation and `peers` holds that section's peers.
 */
export type Group = 'cpu' | 'webgpu' | 'threads' | 'compiled';
export const GROUPS: Record<Group, { flowgrad: ImplName; peers: readonly PeerName[] }> = {
  cpu: { flowgrad: 'flowgrad', peers: ['tfjs-cpu', 'tfjs-wasm'] },
  webgpu: { flowgrad: 'flowgrad-webgpu', peers: ['tfjs-webgpu'] },
  // Flowgrad's cpu backend at 2 threads against itself at 1 (the speedup), at 4 and 8 where the
  // machine has the cores (else null), and TF.js wasm with its threads.
  threads: { flowgrad: 'flowgrad-2t', peers: ['flowgrad-1t', 'flowgrad-4t', 'flowgrad-8t', 'tfjs-wasm'] },
  // The product's training step (TrainStep) with TrainConfig.compiled true against false: the ratio is the compiled plan's gain.
  compiled: { flowgrad: 'flowgrad-compiled', peers: ['flowgrad-eager'] },
};

export type WorkloadKind = 'matmul' | 'conv2d' | 'mlp-train' | 'lenet-train';
export type EntryId =
  | 'matmul-256' | 'matmul-512' | 'matmul-1024' | 'conv2d' | 'mlp-train' | 'lenet-train'
  | 'gpu-matmul-256' | 'gpu-matmul-512' | 'gpu-matmul-1024' | 'gpu-conv2d' | 'gpu-mlp-train' | 'gpu-lenet-train'
  | 'threads-matmul-1024' | 'threads-conv2d' | 'threads-mlp-train' | 'threads-lenet-train' | 'threads-mlp-compiled' | 'threads-lenet-compiled'
  | 'compiled-mlp-train' | 'compiled-lenet-train';

export interface EntrySpec {
  readonly id: EntryId;
  readonly group: Group;
  readonly workload: WorkloadKind;
  /** Matrix size of matmul entries. */
  readonly n?: number;
  /** Name printed in the table and written to latest.json (webgpu entries get the adapter appended). */
  readonly name: string;
  readonly unit: 'GFLOP/s' | 'steps/s';
  /** Floating-point operations in one step (multiply-add = 2), for GFLOP/s entries. */
  readonly flopsPerStep?: number;
  /** Flowgrad's training step as a compiled plan (compileModule), whatever its implementation's default; peers are unaffected. */
  readonly compiled?: boolean;
  /** Shortest timed run. */
  readonly minMs: number;
  /** Fewest timed steps. */
  readonly minIters: number;
  /**
   * Steps per timed call (default 1). WebGPU entries queue this many steps and then await
   * the last step's output once — reads are asynchronous and cost a mapAsync round trip, so a
   * GPU training loop reads its loss every N steps, never per step; the threads section's
   * products read their big results once per N too. Rates count steps.
   */
  readonly inner?: number;
  /** Timed rounds (default ROUNDS); WebGPU entries use fewer, their steps being slow on a software adapter. */
  readonly rounds?: number;
  /** Left out of a full run (slow on a software adapter); run it with --only=<id>. */
  readonly optional?: boolean;
}

/** The matmul sizes, and the conv2d layer: a CIFAR-sized 3×3 convolution. */
export const CONV = { n: 16, cin: 32, cout: 64, h: 32, w: 32, k: 3, pad: 1 } as const;
export const MLP = { batch: 128, sizes: [784, 256, 256, 10] } as const;
export const LENET = { batch: 64 } as const;

const convFlops = 2 * CONV.n * CONV.cout * CONV.h * CONV.w * CONV.cin * CONV.k * CONV.k;
const mm = (n: number): EntrySpec => ({
  id: `matmul-${n}` as EntryId, group: 'cpu', workload: 'matmul', n, name: `matmul ${n}`, unit: 'GFLOP/s', flopsPerStep: 2 * n ** 3, minMs: 1500, minIters: 3,
});
/**
 * WebGPU entries: iteration counts sized for SwiftShader (a CPU emulating a GPU: ~1 GFLOP/s),
 * where a 512³ matmul takes ~0.3 s and a conv2d step ~1 s, so the section stays within a few
 * minutes. On a real GPU the same counts finish in a fraction of a second.
 */
const GPU_ROUNDS = 3;
const gmm = (n: number, inner: number, rounds: number, optional = false): EntrySpec => ({
  id: `gpu-matmul-${n}` as EntryId, group: 'webgpu', workload: 'matmul', n, name: `matmul ${n}`, unit: 'GFLOP/s', flopsPerStep: 2 * n ** 3,
  minMs: 1000, minIters: 1, inner, rounds, optional,
});

export const ENTRIES: readonly EntrySpec[] = [
  mm(256),
  mm(512),
  mm(1024),
  { id: 'conv2d', group: 'cpu', workload: 'conv2d', name: 'conv2d 3x3 32->64 32x32 b16', unit: 'GFLOP/s', flopsPerStep: convFlops, minMs: 2500, minIters: 3 },
  { id: 'mlp-train', group: 'cpu', workload: 'mlp-train', name: 'MLP 784-256-256-10 train b128', unit: 'steps/s', minMs: 3000, minIters: 3 },
  { id: 'lenet-train', group: 'cpu', workload: 'lenet-train', name: 'LeNet-5 train b64', unit: 'steps/s', minMs: 3000, minIters: 3 },
  gmm(256, 4, 5),
  gmm(512, 2, GPU_ROUNDS),
  gmm(1024, 2, GPU_ROUNDS, true),
  { id: 'gpu-conv2d', group: 'webgpu', workload: 'conv2d', name: 'conv2d 3x3 32->64 32x32 b16', unit: 'GFLOP/s', flopsPerStep: convFlops, minMs: 1000, minIters: 1, inner: 2, rounds: GPU_ROUNDS },
  { id: 'gpu-mlp-train', group: 'webgpu', workload: 'mlp-train', name: 'MLP 784-256-256-10 train b128', unit: 'steps/s', minMs: 1500, minIters: 1, inner: 2, rounds: GPU_ROUNDS },
  // Eight products per timed call, the last one read back. Reading a 4 MB result into a fresh
  // array costs 15–30 ms in Chromium on this VM (11 ms in Node), on one thread at any count:
  // the copy takes 0.2 ms, the rest is first touch of fresh pages (~10–15 µs a page under this
  // VM's hypervisor; a fraction of a microsecond on bare metal). At four products a call that
  // was a tenth of the 2-thread time, a cost of the machine rather than of the product.
  { id: 'threads-matmul-1024', group: 'threads', workload: 'matmul', n: 1024, name: 'matmul 1024 threads', unit: 'GFLOP/s', flopsPerStep: 2 * 1024 ** 3, minMs: 3000, minIters: 1, inner: 8 },
  { id: 'threads-conv2d', group: 'threads', workload: 'conv2d', name: 'conv2d 3x3 32->64 32x32 b16 threads', unit: 'GFLOP/s', flopsPerStep: convFlops, minMs: 3000, minIters: 1, inner: 4 },
  // Training: four steps per timed call, the last loss read, as the IDE's worker trains (it reads the
  // loss every few steps and never waits on the page between steps). One call per step made every
  // step a page → worker → page round trip during which no core trained, a serial gap that grew
  // with the thread count (the eager MLP's 7 ms step: 1.1–1.3× at 2 threads in the worker).
  { id: 'threads-mlp-train', group: 'threads', workload: 'mlp-train', name: 'MLP 784-256-256-10 train b128 threads', unit: 'steps/s', minMs: 3000, minIters: 3, inner: 4 },
  { id: 'threads-lenet-train', group: 'threads', workload: 'lenet-train', name: 'LeNet-5 train b64 threads', unit: 'steps/s', minMs: 3000, minIters: 3, inner: 4 },
  // The IDE's training step is a compiled plan (fused kernels, less JavaScript per op): the same models through it.
  { id: 'threads-mlp-compiled', group: 'threads', workload: 'mlp-train', name: 'MLP 784-256-256-10 train b128 threads compiled', unit: 'steps/s', minMs: 3000, minIters: 3, compiled: true, inner: 4 },
  { id: 'threads-lenet-compiled', group: 'threads', workload: 'lenet-train', name: 'LeNet-5 train b64 threads compiled', unit: 'steps/s', minMs: 3000, minIters: 3, compiled: true, inner: 4 },
  { id: 'compiled-mlp-train', group: 'compiled', workload: 'mlp-train', name: 'MLP 784-256-256-10 train b128 compiled', unit: 'steps/s', minMs: 3000, minIters: 3 },
  { id: 'compiled-lenet-train', group: 'compiled', workload: 'lenet-train', name: 'LeNet-5 train b64 compiled', unit: 'steps/s', minMs: 3000, minIters: 3 },
  { id: 'gpu-lenet-train', group: 'webgpu', workload: 'lenet-train', name: 'LeNet-5 train b64', unit: 'steps/s', minMs: 1500, minIters: 1, inner: 2, rounds: GPU_ROUNDS },
];

/** One prepared workload: step() does one unit of work and awaits its result's data. */
export interface Workload {
  step(): Promise<void>;
  /** Makes this workload's backend current again (TF.js has one global backend). */
  activate?(): Promise<void>;
  /** Output of one step as float32 in a layout both sides agree on (for the cross-check). */
  output?(): Promise<Float32Array>;
  dispose(): void;
  /** Anything worth printing next to the number (threads, optimizer, ...). */
  notes?: string;
  /** A note measured during the timed rounds (how the pool threads shared the work), read after them. */
  afterNote?(): Promise<string | undefined>;
  /** GFLOP/s of perfectly parallel work on this workload's threads now (bench/ceiling.ts), null where it cannot run. */
  ceiling?(): Promise<number | null>;
}

/** An implementation either prepares the workload or says why it cannot. */
export type Setup = Workload | { unavailable: string };

export interface Implementation {
  readonly name: ImplName;
  /** Called once before the first entry (backend selection, wasm download). */
  init(): Promise<string | void>;
  setup(entry: EntrySpec, inputs: Inputs): Promise<Setup>;
}

/** One measured (or unavailable) cell. */
export interface Cell {
  value: number | null;
  /** Lowest and highest round rate. */
  min?: number;
  max?: number;
  /** Timed steps and milliseconds over all rounds. */
  iters?: number;
  ms?: number;
  note?: string;
}

export interface EntryResult {
  name: string;
  unit: string;
  flowgrad: number | null;
  /** The entry's section's peers only (cpu: tfjs-cpu, tfjs-wasm; webgpu: tfjs-webgpu). */
  peers: Partial<Record<PeerName, number | null>>;
  notes?: string;
}

// ---------------------------------------------------------------- seeded inputs

/** mulberry32: small, fast, seeded; the same inputs on every run and for every implementation. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller) scaled by `scale`. */
export function normal(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12), v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export function classes(n: number, k: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * k));
}

/** Shared inputs, created lazily and cached, so every implementation gets identical data. */
export class Inputs {
  private cache = new Map<string, Float32Array | Int32Array>();
  private get<T extends Float32Array | Int32Array>(key: string, make: () => T): T {
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = make()));
    return v as T;
  }
  /** Matrix operands for matmul n (row-major n×n). */
  matmul(n: number): { a: Float32Array; b: Float32Array } {
    return { a: this.get(`mm-a${n}`, () => normal(n * n, 1 + n)), b: this.get(`mm-b${n}`, () => normal(n * n, 2 + n)) };
  }
  /** conv2d input in NCHW and weight in OIHW (PyTorch layouts; TF.js transposes its copy). */
  conv(): { x: Float32Array; w: Float32Array } {
    const { n, cin, cout, h, w, k } = CONV;
    return {
      x: this.get('conv-x', () => normal(n * cin * h * w, 11)),
      w: this.get('conv-w', () => normal(cout * cin * k * k, 12, 1 / Math.sqrt(cin * k * k))),
    };
  }
  /** A training batch: x with `features` values per row (or NCHW image), integer labels. */
  batch(rows: number, features: number, k: number): { x: Float32Array; y: Int32Array } {
    return { x: this.get(`bx${rows}x${features}`, () => normal(rows * features, 21 + features)), y: this.get(`by${rows}x${k}`, () => classes(rows, k, 22)) };
  }
}

// ---------------------------------------------------------------- timing

export const WARMUP_MS = 300;
/** Timed rounds per cell; the reported value is the median round's rate. */
export const ROUNDS = 7;

const now = (): number => performance.now();

export interface Timing {
  /** Steps and milliseconds of each timed round. */
  rounds: { iters: number; ms: number }[];
}

/** At least one step, and steps until WARMUP_MS has passed. */
export async function warmUp(w: Workload): Promise<void> {
  const t0 = now();
  let n = 0;
  do {
    await w.step();
    n++;
  } while (now() - t0 < WARMUP_MS && n < 50);
}

export const roundsOf = (spec: EntrySpec): number => spec.rounds ?? ROUNDS;

/** One timed round: whole steps until it lasts minMs / ROUNDS (one step when a step is slower). */
export async function timeRound(w: Workload, spec: EntrySpec): Promise<{ iters: number; ms: number }> {
  const roundMs = spec.minMs / roundsOf(spec);
  const roundIters = Math.ceil(spec.minIters / roundsOf(spec));
  let iters = 0, ms = 0;
  const t0 = now();
  while (ms < roundMs || iters < roundIters) {
    await w.step();
    iters++;
    ms = now() - t0;
  }
  return { iters, ms };
}

/** GFLOP/s or steps/s from a number of timed calls (each `inner` steps) in a time. */
export function rate(spec: EntrySpec, iters: number, ms: number): number {
  const perSec = (iters * (spec.inner ?? 1) * 1000) / ms;
  return spec.flopsPerStep ? (perSec * spec.flopsPerStep) / 1e9 : perSec;
}

/** Median, lowest and highest round rate. */
export function summarize(spec: EntrySpec, t: Timing): { value: number; min: number; max: number; iters: number; ms: number } {
  const rates = t.rounds.map((r) => rate(spec, r.iters, r.ms)).sort((a, b) => a - b);
  return {
    value: rates[Math.floor(rates.length / 2)],
    min: rates[0],
    max: rates[rates.length - 1],
    iters: t.rounds.reduce((a, r) => a + r.iters, 0) * (spec.inner ?? 1),
    ms: t.rounds.reduce((a, r) => a + r.ms, 0),
  };
}

/** Largest |a−b| relative to the largest |b| (outputs compared across implementations). */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 1e-30;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}
