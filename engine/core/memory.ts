/**
 * Tensor lifetimes. Three defences, so that users who never call dispose() do not leak:
 *  1. reference counts: a tensor's buffer is freed when its last holder lets go. Holders are
 *     the user (one hold, dropped by dispose()) and every autograd node that saved it;
 *  2. scope(fn): tensors created inside fn are disposed when it returns, except those in its
 *     return value (a tensor, or arrays / plain objects of tensors), which move to the outer
 *     scope;
 *  3. a FinalizationRegistry that frees the buffer of a tensor the garbage collector found
 *     unreachable without it having been disposed.
 * Storage (the backend buffer) has its own count because views (reshape, detach) share it.
 *
 * Finalizers run only between jobs, never inside a synchronous loop, so what the registry
 * holds for them (a tensor's StorageCell) must not keep memory alive: where the backend's
 * buffers are host memory the GC can reclaim (Backend.hostBytes), the cell holds only the
 * byte count and the tensor alone holds the buffer. A training loop that never disposes
 * then stays bounded in real memory — the GC frees the arrays of unreachable tensors as it
 * goes — and memory()'s counts catch up when the finalizers run (once the loop yields).
 * GPU buffers are not GC-managed: their cell keeps the buffer so the finalizer can free it.
 */
import type { Backend, BackendBuffer } from '../backend/types.ts';
import { FlowgradError } from './errors.ts';

export interface Storage {
  readonly backend: Backend;
  /** The buffer; replaced only by moveStorage (packing parameters into an arena). */
  readonly buf: BackendBuffer;
  /** Holders of the buffer (tensors sharing it, compiled plans); kept in `cell`. */
  refs: number;
  /** @internal what a finalizer needs to let go of this storage. */
  readonly cell: StorageCell;
}

/** A storage's count and what freeing it takes, without a hold on GC-reclaimable memory. */
export interface StorageCell {
  readonly backend: Backend;
  refs: number;
  /** The buffer, for backends that must free it explicitly (GPU); null for host memory. */
  buf: BackendBuffer | null;
  /** Bytes to hand to Backend.reclaimed when the GC took a host buffer nobody freed. */
  bytes: number;
}

class HeldStorage implements Storage {
  constructor(readonly backend: Backend, public buf: BackendBuffer, readonly cell: StorageCell) {}
  get refs(): number { return this.cell.refs; }
  set refs(n: number) { this.cell.refs = n; }
}

/** The part of a tensor the finalizer may touch: it must not reference the tensor (or its host memory). */
export interface Handle {
  cell: StorageCell | null;
  node: { inputs: readonly Releasable[] } | null;
}

export interface Releasable {
  readonly _h: Handle;
  /** The storage, held by the tensor itself (null once freed). */
  _s: Storage | null;
  _rc: number;
  _userHeld: boolean;
  _kept: boolean;
  grad: Releasable | null;
  dispose(): void;
}

let liveTensors = 0;
const backendsSeen = new Set<Backend>();
const scopes: Releasable[][] = [];

function freeStorage(s: Storage): void {
  if (--s.refs === 0) s.backend.free(s.buf);
}

const registry = new FinalizationRegistry<Handle>((h) => {
  const c = h.cell;
  if (!c) return;
  h.cell = null;
  if (--c.refs === 0) {
    if (c.buf) c.backend.free(c.buf);
    else c.backend.reclaimed?.(c.bytes);
  }
  liveTensors--;
  const node = h.node;
  h.node = null;
  if (node) for (const t of node.inputs) releaseTensor(t);
});

const storageByBuffer = new WeakMap<BackendBuffer, Storage>();

export function newStorage(backend: Backend, buf: BackendBuffer): Storage {
  backendsSeen.add(backend);
  const bytes = backend.hostBytes?.(buf);
  const s = new HeldStorage(backend, buf, { backend, refs: 1, buf: bytes === undefined ? buf : null, bytes: bytes ?? 0 });
  storageByBuffer.set(buf, s);
  return s;
}

/** The storage that owns `buf` (compiled plans hold it so captured tensors stay alive). */
export function storageOf(buf: BackendBuffer): Storage | undefined {
  return storageByBuffer.get(buf);
}

/**
 * Re-points a storage at `buf` (same backend, dtype and size, contents already copied) and
 * frees the old buffer; every tensor sharing the storage follows. Only for storages nothing
 * else holds by buffer (refs === 1: no view, no compiled plan) — returns false otherwise.
 */
export function moveStorage(s: Storage, buf: BackendBuffer): boolean {
  if (s.refs !== 1 || buf.size !== s.buf.size || buf.dtype !== s.buf.dtype) return false;
  const old = s.buf;
  (s as { buf: BackendBuffer }).buf = buf;
  if (s.cell.buf) s.cell.buf = buf;
  else s.cell.bytes = s.backend.hostBytes?.(buf) ?? 0;
  storageByBuffer.delete(old);
  storageByBuffer.set(buf, s);
  s.backend.free(old);
  return true;
}

/** Drops one hold on a storage, freeing its buffer with the last one. */
export function releaseStorage(s: Storage): void {
  freeStorage(s);
}

/** Called by the Tensor constructor. */
export function registerTensor(t: Releasable): void {
  liveTensors++;
  registry.register(t, t._h, t._h);
  const top = scopes[scopes.length - 1];
  if (top) top.push(t);
}

/** Drops one hold on t; frees it (and, transitively, its graph) when none remain. */
export function releaseTensor(t: Releasable): void {
  const stack = [t];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (--x._rc > 0 || !x._s) continue;
    freeStorage(x._s);
    x._s = null;
    x._h.cell = null;
    liveTensors--;
    registry.unregister(x._h);
    const node = x._h.node;
    x._h.node = null;
    if (node) for (const i of node.inputs) stack.push(i);
    const g = x.grad;
    x.grad = null;
    if (g && g._userHeld) {
      g._userHeld = false;
      stack.push(g);
    }
  }
}

/** Marks t as owned by something long-lived (parameters, grads, optimizer state): no scope disposes it. */
export function keep<T extends Releasable>(t: T): T {
  t._kept = true;
  return t;
}

function collect(v: unknown, out: Set<unknown>, depth = 0): void {
  if (v === null || typeof v !== 'object' || depth > 8) return;
  if ('_h' in v && '_rc' in v) { out.add(v); return; }
  if (Array.isArray(v)) for (const x of v) collect(x, out, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype || v instanceof Map) {
    for (const x of v instanceof Map ? v.values() : Object.values(v)) collect(x, out, depth + 1);
  }
}

/**
 * Runs fn; disposes every tensor created inside it except those reachable from its return
 * value (tensor, array, plain object or Map of tensors). fn must be synchronous.
 */
export function scope<T>(fn: () => T): T {
  const mine: Releasable[] = [];
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of mine) if (!t._kept) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of mine) if (!t._kept) t.dispose();
    throw new FlowgradError('bad-argument', 'scope: fn returned a Promise; scope() only manages synchronous code');
  }
  const kept = new Set<unknown>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of mine) {
    if (t._kept) continue;
    if (kept.has(t)) parent?.push(t);
    else t.dispose();
  }
  return result;
}

export interface MemoryInfo {
  /** Tensors whose buffers are still allocated. */
  liveTensors: number;
  /** Bytes held by live buffers on all backends (pool buckets count at their full size). */
  bytesInUse: number;
  /** Bytes kept in backend pools for reuse. */
  bytesPooled: number;
}

export function memory(): MemoryInfo {
  let bytesInUse = 0;
  let bytesPooled = 0;
  for (const b of backendsSeen) {
    const m = b.memory();
    bytesInUse += m.bytesInUse;
    bytesPooled += m.bytesPooled;
  }
  return { liveTensors, bytesInUse, bytesPooled };
}
