/**
 * The fast CPU backend: Float32Array kernels (int32/bool/float64 work too) with a buffer pool
 * in size buckets, so a training loop that allocates the same shapes every step stops
 * touching the garbage collector after the first step. Buckets round a size up by at most
 * 25% (four buckets per power of two); the pool is capped so it cannot hoard memory.
 * float16 tensors are stored as 16-bit patterns (Uint16Array) and computed in float32.
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import { makeArray } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import { decodeHalf, encodeHalf } from '../../core/half.ts';
import type { AllKernelArgs, AnyKernelName, Backend, BackendBuffer, FusedArgs, HostKernelRows, KernelTable, MemoryInfo, OptionalKernelName } from '../types.ts';
import { crossEntropy, crossEntropyGrad } from './crossEntropy.ts';
import { CONV_GEMM_KERNELS } from './convgemm.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { linear } from './linear.ts';
import { REDUCE_KERNELS } from './reduce.ts';
import { MISC_KERNELS } from './misc.ts';
import { hostLossScaling, splitAdam, splitSgd } from '../multi.ts';
import { arenaAlloc, arenaArray, arenaFree, arenaOn } from './arena.ts';
import type { ArenaArrayType } from './arena.ts';
import { THREADED_KERNELS } from './threaded.ts';
import { THREADED_SPATIAL_KERNELS } from './threadedSpatial.ts';

export class CpuBuffer implements BackendBuffer {
  /**
   * `pooled` false: adopted host memory, dropped on free (its owner may still read it).
   * `addr` ≥ 0: the byte address of float32 storage in the kernels' shared memory (arena.ts),
   * which pool threads read and write in place; −1 for an ordinary ArrayBuffer.
   */
  constructor(readonly dtype: DType, readonly size: number, readonly data: TypedArray, readonly raw: TypedArray, readonly pooled = true, readonly addr = -1) {}
}

/** Buffers of at least this many elements (every bucket) go into the shared memory when it exists: threaded reductions write small outputs (a convolution bias gradient has one value per channel). */
const ARENA_MIN = 16;
/** Dtypes stored in the shared memory (pool threads see it as float32, int32 and bytes). */
const ARENA_TYPES: Partial<Record<DType, ArenaArrayType>> = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };

/** Arena blocks of tensors collected without dispose go back to the arena (pooled ones are unregistered on free). */
const arenaReclaim = new FinalizationRegistry<[number, number]>(([addr, bytes]) => arenaFree(addr, bytes));

const POOL_CAP_BYTES = 256 * 1024 * 1024;

/** Bucket capacity for n elements: n rounded up to a quarter of its power of two. */
export function bucketSize(n: number): number {
  if (n <= 16) return 16;
  const step = 2 ** Math.max(0, Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

/** Buffer fields kernels write (float16 shadows of these are stored back). */
const WRITTEN = new Set(['out', 'argmax', 'param', 'm', 'v', 'vMax', 'buf']);

function hasHalf(args: object): boolean {
  for (const v of Object.values(args)) if (v instanceof CpuBuffer && v.dtype === 'float16') return true;
  return false;
}

/**
 * float16 storage, float32 compute: runs `body` with every float16 buffer replaced by a
 * float32 copy, then rounds the written ones back into their 16-bit storage.
 */
function withHalfShadows(args: Record<string, unknown>, body: (a: Record<string, unknown>) => void): void {
  const shadow: Record<string, unknown> = { ...args };
  const back: [CpuBuffer, Float32Array][] = [];
  for (const [key, v] of Object.entries(args)) {
    if (!(v instanceof CpuBuffer) || v.dtype !== 'float16') continue;
    const f = decodeHalf(v.data as Uint16Array, new Float32Array(v.size), v.size);
    shadow[key] = new CpuBuffer('float32', v.size, f, f);
    if (WRITTEN.has(key)) back.push([v, f]);
  }
  body(shadow);
  for (const [h, f] of back) encodeHalf(f, h.data as Uint16Array, h.size);
}

/** Runs kernel `k`, through float32 shadows when a buffer is float16. */
function call<A extends object>(k: (a: A) => void, args: A): void {
  if (!hasHalf(args)) k(args);
  else withHalfShadows(args as Record<string, unknown>, (a) => k(a as A));
}

/**
 * The CPU kernel table, core and optional kernels together (types.ts KernelTable). Optional
 * ones: the implicit-GEMM convolution, the flat cross-entropy loops (crossEntropy.ts) and the
 * linear layer's product with its bias added in the product's chunks (linear.ts).
 */
export const CPU_KERNELS: KernelTable<HostKernelRows> = {
  ...ELEMENTWISE_KERNELS, ...REDUCE_KERNELS, ...MISC_KERNELS, matmul,
  unary: THREADED_KERNELS.unary, binary: THREADED_KERNELS.binary, where: THREADED_KERNELS.where, reduce: THREADED_KERNELS.reduce,
  adam: (a) => THREADED_KERNELS.adam(a), sgd: (a) => THREADED_KERNELS.sgd(a),
  ...THREADED_SPATIAL_KERNELS,
  ...CONV_GEMM_KERNELS,
  crossEntropy, crossEntropyGrad, linear,
  // Adam over all tensors is one pool job where it can be (threaded.ts); otherwise, as SGD, the
  // per-tensor kernel in a loop (a call per tensor costs nothing here).
  adamMulti: (a) => { if (!THREADED_KERNELS.adamMulti(a)) for (const t of splitAdam(a)) call(THREADED_KERNELS.adam, t); },
  sgdMulti: (a) => { for (const t of splitSgd(a)) call(THREADED_KERNELS.sgd, t); },
  ...hostLossScaling((b) => {
    const c = b as CpuBuffer;
    return c.dtype === 'float16' ? decodeHalf(c.data as Uint16Array, new Float32Array(c.size), c.size) : c.data;
  }),
};

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly canReadSync = true;
  private pool = new Map<string, TypedArray[]>();
  private inUse = 0;
  private pooled = 0;

  alloc(dtype: DType, size: number): BackendBuffer {
    const cap = bucketSize(size);
    const type = ARENA_TYPES[dtype];
    if (type && cap >= ARENA_MIN && arenaOn()) {
      const b = this.allocShared(dtype, type, size, cap);
      if (b) return b;
    }
    const key = dtype + cap;
    const free = this.pool.get(key);
    let raw = free?.pop();
    if (raw) this.pooled -= raw.byteLength;
    else raw = dtype === 'float16' ? new Uint16Array(cap) : makeArray(dtype, cap);
    this.inUse += raw.byteLength;
    return new CpuBuffer(dtype, size, raw.length === size ? raw : raw.subarray(0, size), raw);
  }

  /** A buffer in the shared memory (pooled under its own key), or null when the memory is full. */
  private allocShared(dtype: DType, type: ArenaArrayType, size: number, cap: number): CpuBuffer | null {
    const key = 'shared' + dtype + cap;
    let raw = this.pool.get(key)?.pop();
    if (raw) this.pooled -= raw.byteLength;
    else {
      const bytes = (type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const addr = arenaAlloc(cap * bytes);
      if (addr < 0) return null;
      raw = arenaArray(type, addr, cap);
    }
    this.inUse += raw.byteLength;
    const buf = new CpuBuffer(dtype, size, raw.length === size ? raw : raw.subarray(0, size), raw, true, raw.byteOffset);
    arenaReclaim.register(buf, [raw.byteOffset, raw.byteLength], buf);
    return buf;
  }

  /**
   * `data` itself as a buffer, for host memory the caller gives up (a freshly built batch):
   * saves the copy alloc + write would make. Never pooled: the caller may still read it (a
   * batch's labels feed the metrics after the step), so it must not be handed out again.
   * Null for dtypes stored differently (float16) or an array of another type.
   */
  adopt(dtype: DType, data: TypedArray): BackendBuffer | null {
    if (dtype === 'float16' || data.constructor !== makeArray(dtype, 0).constructor) return null;
    this.inUse += data.byteLength;
    return new CpuBuffer(dtype, data.length, data, data, false);
  }

  free(buf: BackendBuffer): void {
    const { raw, addr } = buf as CpuBuffer;
    this.inUse -= raw.byteLength;
    if (!(buf as CpuBuffer).pooled) return;
    if (addr >= 0) arenaReclaim.unregister(buf);
    if (this.pooled + raw.byteLength > POOL_CAP_BYTES) {
      // Past the cap a block goes back to the arena (the memory itself never shrinks).
      if (addr >= 0) arenaFree(addr, raw.byteLength);
      return;
    }
    const key = (addr >= 0 ? 'shared' + buf.dtype : buf.dtype) + raw.length;
    let list = this.pool.get(key);
    if (!list) this.pool.set(key, (list = []));
    list.push(raw);
    this.pooled += raw.byteLength;
  }

  hostBytes(buf: BackendBuffer): number {
    return (buf as CpuBuffer).raw.byteLength;
  }

  /** An undisposed tensor's array went with the GC: it leaves the count, not into the pool. */
  reclaimed(bytes: number): void {
    this.inUse -= bytes;
  }

  write(buf: BackendBuffer, data: ArrayLike<number>): void {
    const d = (buf as CpuBuffer).data;
    if (buf.dtype === 'float16') { encodeHalf(data, d as Uint16Array, buf.size); return; }
    if (ArrayBuffer.isView(data) && data.constructor === d.constructor) d.set(data as TypedArray);
    else if (buf.dtype === 'bool') for (let i = 0; i < buf.size; i++) d[i] = data[i] ? 1 : 0;
    else for (let i = 0; i < buf.size; i++) d[i] = data[i];
  }

  read(buf: BackendBuffer): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buf));
  }

  readSync(buf: BackendBuffer): TypedArray {
    const d = (buf as CpuBuffer).data;
    return buf.dtype === 'float16' ? decodeHalf(d as Uint16Array, new Float32Array(buf.size)) : d.slice();
  }

  run<K extends AnyKernelName>(kernel: K, args: AllKernelArgs[K]): void {
    const k: HostKernelRows[K] | null | undefined = CPU_KERNELS[kernel];
    if (!k) throw new FlowgradError('unsupported', `cpu backend: no kernel '${kernel}'`);
    call(k, args);
  }

  supports(kernel: OptionalKernelName): boolean {
    return CPU_KERNELS[kernel] != null;
  }

  runFused(args: FusedArgs): void {
    THREADED_KERNELS.fused(args);
  }

  flush(): void {}

  memory(): MemoryInfo {
    return { bytesInUse: this.inUse, bytesPooled: this.pooled };
  }

  /** Drops every pooled buffer (e.g. after a large model is released). */
  trimPool(): void {
    for (const [key, list] of this.pool) if (key.startsWith('shared')) for (const raw of list) arenaFree(raw.byteOffset, raw.byteLength);
    this.pool.clear();
    this.pooled = 0;
  }
}
