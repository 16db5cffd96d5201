/**
 * The shared memory of a replica group, read by both sides (group.ts, the leader; loop.ts,
 * every other replica): one control block of Int32 words (fork/join by Atomics, as the CPU
 * kernel pool does, no message per step), one weight arena all replicas read, and one data
 * arena per replica holding its shard of the batch in and its gradients, loss and prediction
 * out. Every region is sized once at the start of a run from the largest shard.
 */

/** Control words: a step's generation, stop, replicas done, failures. */
export const GEN = 0, EXIT = 1, DONE = 2, FAILED = 3;
/** Per step: x rank then dims, y rank then dims (per sample), y is int32 (1) or float32 (0). */
export const X_RANK = 4, X_DIMS = 5, Y_RANK = 13, Y_DIMS = 14, Y_INT = 22;
/** Per replica r (from 1): rows of its shard, and the group size its loss is divided by (float64 words). */
export const ROWS = 32;
export const MAX_REPLICAS = 64;
/** Bytes of the control block: the Int32 words, the float64 divisors, a failure message. */
const DIVISOR_BYTE = (ROWS + MAX_REPLICAS) * 4;
const MESSAGE_BYTE = DIVISOR_BYTE + MAX_REPLICAS * 8;
export const MESSAGE_BYTES = 1024;
export const CTRL_BYTES = MESSAGE_BYTE + MESSAGE_BYTES;
export const MAX_RANK = 8;

/** A failure message in the control block (UTF-16 code units; the engine has no TextEncoder). */
export function writeMessage(to: Uint16Array, text: string): void {
  const n = Math.min(text.length, to.length - 1);
  for (let i = 0; i < n; i++) to[i] = text.charCodeAt(i);
  to[n] = 0;
}

export function readMessage(from: Uint16Array): string {
  const end = from.indexOf(0);
  return String.fromCharCode(...from.subarray(0, end < 0 ? from.length : end));
}

/** Where each parameter sits in the weight arena and in a replica's gradient region (floats). */
export interface ParamSlot { offset: number; size: number; shape: number[] }

/** A replica's data arena in floats: x, y, gradients, loss, prediction, in that order. */
export interface DataLayout {
  params: ParamSlot[];
  /** Floats of all parameters. */
  total: number;
  xCap: number;
  yCap: number;
  predCap: number;
}

export const offsets = (l: DataLayout) => {
  const y = l.xCap, grads = y + l.yCap, loss = grads + l.total, pred = loss + 1;
  return { x: 0, y, grads, loss, pred, end: pred + l.predCap };
};

/** Typed views of the control block. */
export function ctrlViews(buf: SharedArrayBuffer): { ints: Int32Array; divisors: Float64Array; message: Uint16Array } {
  return {
    ints: new Int32Array(buf, 0, ROWS + MAX_REPLICAS),
    divisors: new Float64Array(buf, DIVISOR_BYTE, MAX_REPLICAS),
    message: new Uint16Array(buf, MESSAGE_BYTE, MESSAGE_BYTES / 2),
  };
}

/** What a replica is started with (structured-cloneable: the graph as JSON, the buffers shared). */
export interface ReplicaInit {
  index: number;
  graph: unknown;
  compiled: boolean;
  layout: DataLayout;
  ctrl: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

/** Rows [from, to) of shard i of n rows cut into k shards (k ≤ n: none is empty). */
export function shardOf(i: number, n: number, k: number): [number, number] {
  return [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)];
}
