/**
 * Tensor storage inside the kernels' shared WebAssembly.Memory, so pool threads read and
 * write tensors where they lie (no copy in or out per kernel call). Active once the memory
 * is shared (pool.ts: wherever threads could run, SharedArrayBuffer and isolation, at one
 * thread too); before that, and wherever sharing is impossible, the CPU backend keeps plain
 * ArrayBuffers and the same kernels run on one thread with the same results.
 * A shared memory can grow but never shrink or move, so views made before a grow stay
 * valid; blocks are handed out from a bump pointer and recycled through exact-size free
 * lists (the backend already rounds sizes to buckets). The memory's own scratch (operand
 * packing, row tables) is one more block here, regrown on demand.
 */
import type { BackendBuffer } from '../types.ts';
import { wasmMatmul } from './wasm.ts';

/** A buffer's element offset in the shared memory when it is stored there as `dtype` (4-byte elements), else −1. */
export function sharedAt(b: BackendBuffer, dtype: 'float32' | 'int32'): number {
  const addr = (b as { addr?: number }).addr ?? -1;
  return addr >= 0 && b.dtype === dtype ? addr / 4 : -1;
}

/** Block alignment (bytes): a cache line, and f32x4 loads stay aligned. */
const ALIGN = 64;
/** Bytes kept free past every block: the micro-kernel reads up to 8 floats past a row-major operand's end. */
const SLACK = 64;
/** Blocks start above the first page (address 0 stays unused). */
const BASE = 65536;

const freeLists = new Map<number, number[]>();
let top = BASE;
let scratchAddr = -1, scratchBytes = 0;

const round = (bytes: number): number => Math.ceil((bytes + SLACK) / ALIGN) * ALIGN;

/** Whether tensor storage can live in the shared memory now. */
export function arenaOn(): boolean {
  return wasmMatmul?.sharedMemory() != null;
}

/** A block of at least `bytes` bytes: its byte address, or −1 (not shared, or the memory is full). */
export function arenaAlloc(bytes: number): number {
  const mem = wasmMatmul?.sharedMemory();
  if (!mem) return -1;
  const size = round(bytes);
  const list = freeLists.get(size);
  if (list?.length) return list.pop()!;
  const need = top + size - mem.buffer.byteLength;
  if (need > 0) {
    try {
      mem.grow(Math.ceil(need / 65536));
    } catch {
      return -1;
    }
  }
  const addr = top;
  top += size;
  return addr;
}

/** Gives a block back (its address and the size it was asked with). */
export function arenaFree(addr: number, bytes: number): void {
  const size = round(bytes);
  let list = freeLists.get(size);
  if (!list) freeLists.set(size, (list = []));
  list.push(addr);
}

/** Element types kept in the arena (what pool threads can address: threadOps.ts Views). */
export type ArenaArray = Float32Array | Int32Array | Uint8Array;
export type ArenaArrayType = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArenaArray;

/** An array of `n` elements at block `addr` (over the memory's current buffer). */
export function arenaArray(type: ArenaArrayType, addr: number, n: number): ArenaArray {
  return new type(wasmMatmul!.sharedMemory()!.buffer, addr, n);
}

/** Bytes the arena has taken from the memory (blocks in use, free or scratch). */
export function arenaBytes(): number {
  return top - BASE;
}

/**
 * Scratch for `floats` floats in the kernels' memory: its offset in floats. In a shared
 * memory it is an arena block (grown by half again when too small, so tensors are never
 * overwritten); otherwise the memory is scratch from offset 0, as before sharing.
 */
export function scratch(floats: number): number {
  const w = wasmMatmul!;
  const bytes = floats * 4;
  if (!w.sharedMemory()) {
    w.view(floats);
    return 0;
  }
  if (bytes > scratchBytes) {
    if (scratchAddr >= 0) arenaFree(scratchAddr, scratchBytes);
    const want = Math.max(bytes, Math.ceil(scratchBytes * 1.5));
    scratchAddr = arenaAlloc(want);
    if (scratchAddr < 0) throw new RangeError(`CPU backend: no room for ${bytes} bytes of kernel scratch in the shared memory`);
    scratchBytes = want;
  }
  w.view(scratchAddr / 4 + floats);
  return scratchAddr / 4;
}
