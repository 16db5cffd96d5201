/**
 * The fast CPU backend: Float32Array kernels (int32/bool/float64 work too) with a buffer pool
 * in size buckets, so a training loop that allocates the same shapes every step stops
 * touching the garbage collector after the first step. Buckets round a size up by at most
 * 25% (four buckets per power of two); the pool is capped so it cannot hoard memory.
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import { makeArray } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import type { Backend, BackendBuffer, KernelArgs, KernelName, MemoryInfo } from '../types.ts';
import { ELEMENTWISE_KERNELS } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { REDUCE_KERNELS } from './reduce.ts';
import { MISC_KERNELS } from './misc.ts';

export class CpuBuffer implements BackendBuffer {
  constructor(readonly dtype: DType, readonly size: number, readonly data: TypedArray, readonly raw: TypedArray) {}
}

const POOL_CAP_BYTES = 256 * 1024 * 1024;

/** Bucket capacity for n elements: n rounded up to a quarter of its power of two. */
export function bucketSize(n: number): number {
  if (n <= 16) return 16;
  const step = 2 ** Math.max(0, Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

type Kernels = { [K in KernelName]: (a: KernelArgs[K]) => void };
const KERNELS: Kernels = { ...ELEMENTWISE_KERNELS, ...REDUCE_KERNELS, ...MISC_KERNELS, matmul };

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly canReadSync = true;
  private pool = new Map<string, TypedArray[]>();
  private inUse = 0;
  private pooled = 0;

  alloc(dtype: DType, size: number): BackendBuffer {
    const cap = bucketSize(size);
    const key = dtype + cap;
    const free = this.pool.get(key);
    let raw = free?.pop();
    if (raw) this.pooled -= raw.byteLength;
    else raw = makeArray(dtype, cap);
    this.inUse += raw.byteLength;
    return new CpuBuffer(dtype, size, raw.length === size ? raw : raw.subarray(0, size), raw);
  }

  free(buf: BackendBuffer): void {
    const raw = (buf as CpuBuffer).raw;
    this.inUse -= raw.byteLength;
    if (this.pooled + raw.byteLength > POOL_CAP_BYTES) return;
    const key = buf.dtype + raw.length;
    let list = this.pool.get(key);
    if (!list) this.pool.set(key, (list = []));
    list.push(raw);
    this.pooled += raw.byteLength;
  }

  write(buf: BackendBuffer, data: ArrayLike<number>): void {
    const d = (buf as CpuBuffer).data;
    if (ArrayBuffer.isView(data) && data.constructor === d.constructor) d.set(data as TypedArray);
    else if (buf.dtype === 'bool') for (let i = 0; i < buf.size; i++) d[i] = data[i] ? 1 : 0;
    else for (let i = 0; i < buf.size; i++) d[i] = data[i];
  }

  read(buf: BackendBuffer): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buf));
  }

  readSync(buf: BackendBuffer): TypedArray {
    return (buf as CpuBuffer).data.slice();
  }

  run<K extends KernelName>(kernel: K, args: KernelArgs[K]): void {
    const k = KERNELS[kernel] as ((a: KernelArgs[K]) => void) | undefined;
    if (!k) throw new FlowgradError('unsupported', `cpu backend: no kernel '${kernel}'`);
    k(args);
  }

  flush(): void {}

  memory(): MemoryInfo {
    return { bytesInUse: this.inUse, bytesPooled: this.pooled };
  }

  /** Drops every pooled buffer (e.g. after a large model is released). */
  trimPool(): void {
    this.pool.clear();
    this.pooled = 0;
  }
}
