/**
 * GPU buffer pool. Creating a GPUBuffer is expensive (driver allocation, zeroing), and a
 * training step allocates the same sizes every step, so freed buffers go back into size
 * buckets (four per power of two, so at most 25% slack) and the next alloc of that bucket
 * reuses them. The pool is capped: beyond `capBytes` freed buffers are destroyed.
 *
 * Why reuse right after free() is safe without waiting for the GPU: every use of a buffer is
 * a command on the one queue, and queue commands run in order — a kernel that reads buffer X
 * for tensor A and a later kernel that overwrites X for tensor B execute in that order even
 * when both sit in the same unsubmitted command encoder. The only out-of-order path is
 * queue.writeBuffer, which runs before any command still being recorded; the backend
 * therefore flushes the encoder before writing a buffer the pending commands touch
 * (`lastUse`, see backend.ts). Staging buffers for readback have their own pool and return
 * to it only after mapAsync resolved and they were unmapped.
 */

/** Bytes of the bucket that holds `bytes` (≥ 256, rounded up to a quarter of its power of two). */
export function bucketBytes(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}

export interface PooledBuffer {
  readonly gpu: GPUBuffer;
  readonly bytes: number;
  /** Stable id (bind-group cache keys). */
  readonly id: number;
  /** Encoder generation that last bound this buffer (write() flushes when it is the current one). */
  lastUse: number;
}

export class BufferPool {
  private free = new Map<number, PooledBuffer[]>();
  private nextId = 1;
  bytesInUse = 0;
  bytesPooled = 0;
  created = 0;
  /** Called with each buffer the pool destroys (the backend drops cached bind groups). */
  onDestroy: (b: PooledBuffer) => void = () => {};

  constructor(private readonly device: GPUDevice, private readonly usage: number, private readonly capBytes: number) {}

  acquire(bytes: number): PooledBuffer {
    const size = bucketBytes(bytes);
    const list = this.free.get(size);
    let b = list?.pop();
    if (b) this.bytesPooled -= size;
    else {
      b = { gpu: this.device.createBuffer({ size, usage: this.usage }), bytes: size, id: this.nextId++, lastUse: -1 };
      this.created++;
    }
    this.bytesInUse += size;
    return b;
  }

  release(b: PooledBuffer): void {
    this.bytesInUse -= b.bytes;
    if (this.bytesPooled + b.bytes > this.capBytes) {
      this.onDestroy(b);
      b.gpu.destroy();
      return;
    }
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b);
    this.bytesPooled += b.bytes;
  }

  /** Destroys every pooled (free) buffer. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) { this.onDestroy(b); b.gpu.destroy(); }
    this.free.clear();
    this.bytesPooled = 0;
  }
}
