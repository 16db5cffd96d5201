/**
 * Direct convolution (the optional kernels `conv2d` and `conv2dWeightGrad` of
 * backend/types.ts: stride 1, one group) as implicit GEMM: the im2col matrix is never
 * stored — each thread reads its patch values straight from the image, with the padding
 * test folded into a select. One dispatch per convolution over the whole batch, instead of an
 * im2col dispatch per image plus a matmul (and, backwards, col2im per image).
 *
 *  - forward: C[o, (n, pixel)] = Σ_k W[o, k] · X̂[k, (n, pixel)], k = (c, ki, kj); bias added
 *    in the epilogue. Each thread holds a tm×tn tile (output channels × pixels) in registers;
 *    the pixel decomposition is hoisted out of the k loop, k advances as (c, ki, kj) counters.
 *  - weight gradient: dW[o, (c, ki, kj)] = Σ_{(n, pixel)} dY[o, (n, pixel)] · X̂[(c, ki, kj), (n, pixel)].
 *    Its K (batch × pixels) is long and M·N (weights) small, so K is split over S workgroup
 *    layers (z) into partial sums [S, M, N], then reduced in a fixed order by the reduce
 *    kernel — deterministic, no atomics.
 * The input gradient is itself a forward convolution (the op layer flips the weights).
 */
import type { DType } from '../../core/dtype.ts';
import type { BackendBuffer, OptionalKernelArgs } from '../types.ts';
import type { MatmulConfig } from './matmul.ts';
import { reduceLaunch } from './reduce.ts';
import { PRELUDE, Params, bindings } from './program.ts';
import type { Launch, Program } from './program.ts';

type Geometry = OptionalKernelArgs['conv2d'];

const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
const fit = (extent: number, sizes: readonly number[], cap: number): number => sizes.find((s) => s >= extent && s <= cap) ?? cap;


/** Output size of a stride-1 convolution. */
export const convOut = (g: Pick<Geometry, 'h' | 'w' | 'kh' | 'kw' | 'ph' | 'pw' | 'dh' | 'dw'>): [number, number] =>
  [g.h + 2 * g.ph - g.dh * (g.kh - 1), g.w + 2 * g.pw - g.dw * (g.kw - 1)];

/**
 * Tile and workgroup for an M×N output: the matmul's per-adapter rows per thread (shrunk for
 * skinny shapes) and always 4 pixel columns — each column is a bounds-checked gather, and 8 of
 * them made SwiftShader's shader compiler take 15–20 s per pipeline (4: 0.2–0.4 s).
 */
function tiles(m: number, n: number, cfg: MatmulConfig) {
  const tm = fit(m, [4, 8, 16], cfg.tm), tn = 4;
  const total = cfg.wx * cfg.wy;
  const wy = Math.min(cfg.wy, pow2(Math.ceil(m / tm)));
  const wx = Math.min(total / wy, pow2(Math.ceil(n / tn)));
  return { tm, tn, wx, wy };
}

/** Words 0..10: M N K | c h w | kh kw | ph pw | dh dw | oh ow | kBegin-chunk… (see each kernel). */
const GEOM = `let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let C_ = pu(3u); let H = i32(pu(4u)); let W = i32(pu(5u)); let KH = pu(6u); let KW = pu(7u);
  let PH = i32(pu(8u)); let PW = i32(pu(9u)); let DH = i32(pu(10u)); let DW = i32(pu(11u));
  let OH = pu(12u); let OW = pu(13u); let P = OH * OW;`;

function geomParams(m: number, n: number, k: number, g: Geometry | OptionalKernelArgs['conv2dWeightGrad']): Params {
  const [oh, ow] = convOut(g);
  return new Params().u(m, n, k, g.c, g.h, g.w, g.kh, g.kw).s(g.ph, g.pw, g.dh, g.dw).u(oh, ow);
}

function accDecl(tm: number, tn: number): string {
  const out: string[] = [];
  for (let i = 0; i < tm; i++) for (let q = 0; q < tn / 4; q++) out.push(`var acc${i}_${q} = vec4<f32>();`);
  return out.join('\n  ');
}

/** acc{i}_{q} += a{i} * vec4(b{4q..4q+3}). */
function fma(tm: number, tn: number): string {
  const out: string[] = [];
  for (let q = 0; q < tn / 4; q++) out.push(`let bq${q} = vec4<f32>(b${4 * q}, b${4 * q + 1}, b${4 * q + 2}, b${4 * q + 3});`);
  for (let i = 0; i < tm; i++) for (let q = 0; q < tn / 4; q++) out.push(`acc${i}_${q} += a${i} * bq${q};`);
  return out.join('\n    ');
}

export function conv2dLaunch(a: OptionalKernelArgs['conv2d'], cfg: MatmulConfig): Launch {
  const [oh, ow] = convOut(a);
  const M = a.o, N = a.n * oh * ow, K = a.c * a.kh * a.kw;
  const { tm, tn, wx, wy } = tiles(M, N, cfg);
  const bias = a.bias !== null;
  const access = bias ? 'rrrw' : 'rrw';
  const program: Program = {
    key: `conv2d:${bias ? 'b' : 'nb'}:${tm}x${tn}:${wx}x${wy}`,
    access,
    source: () => {
      const cols: string[] = [], loadB: string[] = [], loadA: string[] = [], store: string[] = [];
      for (let j = 0; j < tn; j++) {
        cols.push(`let col${j} = min(c0 + ${j}u, N - 1u); let nn${j} = col${j} / P; let px${j} = col${j} % P;` +
          ` let iy${j} = i32(px${j} / OW) - PH; let ix${j} = i32(px${j} % OW) - PW; let xb${j} = nn${j} * C_ * u32(H * W);`);
        loadB.push(`let y${j} = iy${j} + dy; let x${j} = ix${j} + dx;` +
          ` let b${j} = select(0.0, X[xb${j} + cb + u32(clamp(y${j}, 0, H - 1) * W + clamp(x${j}, 0, W - 1))], y${j} >= 0 && y${j} < H && x${j} >= 0 && x${j} < W);`);
      }
      for (let i = 0; i < tm; i++) loadA.push(`let a${i} = Wt[min(r0 + ${i}u, M - 1u) * K + k];`);
      for (let i = 0; i < tm; i++) {
        for (let j = 0; j < tn; j++) {
          const v = `acc${i}_${j >> 2}[${j & 3}]${bias ? ` + BIAS[r0 + ${i}u]` : ''}`;
          store.push(`if (r0 + ${i}u < M && c0 + ${j}u < N) { OUT[(nn${j} * M + r0 + ${i}u) * P + px${j}] = ${v}; }`);
        }
      }
      return PRELUDE + bindings(access, bias ? ['X', 'Wt', 'BIAS', 'OUT'] : ['X', 'Wt', 'OUT'], ['f32', 'f32', 'f32', 'f32']) + `
@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  ${GEOM}
  let r0 = g.y * ${tm}u; let c0 = g.x * ${tn}u;
  if (r0 >= M || c0 >= N) { return; }
  ${cols.join('\n  ')}
  ${accDecl(tm, tn)}
  var ci = 0u; var ki = 0u; var kj = 0u;
  for (var k = 0u; k < K; k++) {
    let dy = i32(ki) * DH; let dx = i32(kj) * DW; let cb = ci * u32(H * W);
    ${loadA.join('\n    ')}
    ${loadB.join('\n    ')}
    ${fma(tm, tn)}
    kj++;
    if (kj == KW) { kj = 0u; ki++; if (ki == KH) { ki = 0u; ci++; } }
  }
  ${store.join('\n  ')}
}`;
    },
  };
  const bufs = bias ? [a.x, a.weight, a.bias!, a.out] : [a.x, a.weight, a.out];
  return { program, bufs, params: geomParams(M, N, K, a), groups: [Math.ceil(N / (tn * wx)), Math.ceil(M / (tm * wy)), 1] };
}

/** Split-K layers for the weight gradient: enough workgroups to fill the device, chunks ≥ 256. */
export function weightGradSplit(m: number, n: number, k: number, cfg: MatmulConfig): number {
  const { tm, tn, wx, wy } = tiles(m, n, cfg);
  const groups = Math.ceil(n / (tn * wx)) * Math.ceil(m / (tm * wy));
  return Math.max(1, Math.min(Math.ceil(64 / groups), Math.floor(k / 256), 256));
}

/** The partial-sum launch of conv2dWeightGrad: out [S, M, N] (S = 1: the result itself). */
export function conv2dWeightGradLaunch(a: OptionalKernelArgs['conv2dWeightGrad'], out: OptionalKernelArgs['conv2dWeightGrad']['out'], split: number, cfg: MatmulConfig): Launch {
  const [oh, ow] = convOut(a);
  const M = a.o, N = a.c * a.kh * a.kw, K = a.n * oh * ow;
  const { tm, tn, wx, wy } = tiles(M, N, cfg);
  const chunk = Math.ceil(K / split);
  const program: Program = {
    key: `conv2dWeightGrad:${tm}x${tn}:${wx}x${wy}`,
    access: 'rrw',
    source: () => {
      const cols: string[] = [], loadB: string[] = [], loadA: string[] = [], store: string[] = [];
      for (let j = 0; j < tn; j++) {
        cols.push(`let col${j} = min(c0 + ${j}u, N - 1u); let cc${j} = col${j} / (KH * KW); let rr${j} = col${j} % (KH * KW);` +
          ` let oy${j} = i32(rr${j} / KW) * DH - PH; let ox${j} = i32(rr${j} % KW) * DW - PW; let cb${j} = cc${j} * u32(H * W);`);
        loadB.push(`let y${j} = iy + oy${j}; let x${j} = ix + ox${j};` +
          ` let b${j} = select(0.0, X[xb + cb${j} + u32(clamp(y${j}, 0, H - 1) * W + clamp(x${j}, 0, W - 1))], y${j} >= 0 && y${j} < H && x${j} >= 0 && x${j} < W);`);
      }
      for (let i = 0; i < tm; i++) loadA.push(`let a${i} = DY[gb + min(r0 + ${i}u, M - 1u) * P + px];`);
      for (let i = 0; i < tm; i++) {
        for (let j = 0; j < tn; j++) store.push(`if (r0 + ${i}u < M && c0 + ${j}u < N) { OUT[(g.z * M + r0 + ${i}u) * N + c0 + ${j}u] = acc${i}_${j >> 2}[${j & 3}]; }`);
      }
      return PRELUDE + bindings('rrw', ['X', 'DY', 'OUT'], ['f32', 'f32', 'f32']) + `
@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  ${GEOM}
  let chunk = pu(14u);
  let r0 = g.y * ${tm}u; let c0 = g.x * ${tn}u;
  if (r0 >= M || c0 >= N) { return; }
  ${cols.join('\n  ')}
  ${accDecl(tm, tn)}
  let k0 = g.z * chunk; let k1 = min(K, k0 + chunk);
  var nn = k0 / P; var px = k0 % P;
  var oyy = px / OW; var oxx = px % OW;
  for (var k = k0; k < k1; k++) {
    let iy = i32(oyy); let ix = i32(oxx);
    let xb = nn * C_ * u32(H * W); let gb = nn * M * P;
    ${loadA.join('\n    ')}
    ${loadB.join('\n    ')}
    ${fma(tm, tn)}
    px++; oxx++;
    if (oxx == OW) { oxx = 0u; oyy++; if (oyy == OH) { oyy = 0u; px = 0u; nn++; } }
  }
  ${store.join('\n  ')}
}`;
    },
  };
  return { program, bufs: [a.x, a.dy, out], params: geomParams(M, N, K, a).u(chunk), groups: [Math.ceil(N / (tn * wx)), Math.ceil(M / (tm * wy)), split] };
}

/** What the weight gradient needs from the backend: a temporary for its partial sums. */
export interface TempSink {
  alloc(dtype: DType, size: number): BackendBuffer;
  free(b: BackendBuffer): void;
}

/**
 * The launches of one optional conv kernel, in order. The split-K temporary is freed as soon as
 * the launches are built: its reuse is ordered after them on the one queue (see pool.ts).
 */
export function* convLaunches(kernel: string, args: OptionalKernelArgs['conv2d'] | OptionalKernelArgs['conv2dWeightGrad'], cfg: MatmulConfig, be: TempSink): Generator<Launch> {
  if (kernel === 'conv2d') { yield conv2dLaunch(args as OptionalKernelArgs['conv2d'], cfg); return; }
  const a = args as OptionalKernelArgs['conv2dWeightGrad'];
  const [oh, ow] = convOut(a);
  const m = a.o, n = a.c * a.kh * a.kw, k = a.n * oh * ow;
  const split = weightGradSplit(m, n, k, cfg);
  if (split === 1) { yield conv2dWeightGradLaunch(a, a.out, 1, cfg); return; }
  const partial = be.alloc('float32', split * m * n);
  try {
    yield conv2dWeightGradLaunch(a, partial, split, cfg);
    yield reduceLaunch({ op: 'sum', x: partial, out: a.out, outer: 1, n: split, inner: m * n });
  } finally {
    be.free(partial);
  }
}
