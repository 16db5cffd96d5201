/**
 * Decompression that cannot be turned into a memory bomb: the input is fed to fflate's
 * streaming inflater in small chunks (so one step produces at most ~16 MB) and the bytes it
 * really produces are counted, aborting as soon as they pass the cap. Declared sizes (a zip
 * entry's, a gzip trailer's) are never trusted; an `expect` hook may read the format's own
 * header from the first bytes (an NPY or IDX shape, a safetensors header) and lower the cap
 * to the exact size the data declares, so a lying stream stops at the header, not at the cap.
 */
import { Gunzip, Inflate, Unzlib } from 'fflate';
import { FlowgradError, isFlowgradError } from '../core/errors.ts';
import { fmtBytes, tooBig } from '../core/limits.ts';

export type Compression = 'deflate' | 'zlib' | 'gzip';

export interface InflateCap {
  /** Most bytes the output may hold. */
  max: number;
  /** Names the data in messages: `data.npz/x.npy`. */
  what: string;
  /** What the user can do when the cap is passed. */
  advice?: string;
  /**
   * Reads the first bytes and returns the exact size they declare, or null while it needs
   * more bytes. Called after each step until it returns a number; may throw a FlowgradError.
   */
  expect?: (head: Uint8Array) => number | null;
}

/** Input fed per step: deflate expands at most ~1032×, so one step yields ≤ ~16 MB. */
const STEP = 16 * 1024;

export function inflateCapped(input: Uint8Array, kind: Compression, cap: InflateCap): Uint8Array {
  const advice = cap.advice ?? 'Use a smaller file.';
  let limit = cap.max;
  let declared: number | null = null;
  let total = 0;
  let nextTry = 0; // expect() is retried only once the output has doubled: linear in all
  let chunks: Uint8Array[] = [];
  let out: Uint8Array | null = null; // once the size is declared, written in place
  const over = (): FlowgradError =>
    declared !== null
      ? new FlowgradError('bad-file', `${cap.what}: holds more data than its header declares (${fmtBytes(declared)}); the file is damaged or crafted`)
      : tooBig(`${cap.what} unpacks to`, `more than ${fmtBytes(cap.max)}`, fmtBytes(cap.max), advice);
  const onData = (chunk: Uint8Array): void => {
    if (chunk.length === 0) return;
    if (total + chunk.length > limit) throw over();
    if (out) out.set(chunk, total);
    else chunks.push(chunk);
    total += chunk.length;
    if (cap.expect && declared === null && total >= nextTry) {
      nextTry = total * 2;
      const size = cap.expect(concat(chunks, total));
      if (size !== null) {
        if (size > cap.max) throw tooBig(`${cap.what} declares`, fmtBytes(size), fmtBytes(cap.max), advice);
        declared = limit = size;
        if (total > limit) throw over();
        out = new Uint8Array(size);
        out.set(concat(chunks, total));
        chunks = [];
      }
    }
  };
  const stream = kind === 'deflate' ? new Inflate(onData) : kind === 'zlib' ? new Unzlib(onData) : new Gunzip(onData);
  try {
    if (input.length === 0) stream.push(new Uint8Array(0), true);
    for (let p = 0; p < input.length; p += STEP) stream.push(input.subarray(p, Math.min(input.length, p + STEP)), p + STEP >= input.length);
  } catch (e) {
    if (isFlowgradError(e)) throw e;
    throw new FlowgradError('bad-file', `${cap.what}: corrupt ${kind === 'gzip' ? 'gzip' : 'compressed'} data (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const whole = out as Uint8Array | null; // set inside onData, which TypeScript does not follow
  if (whole) return total === whole.length ? whole : whole.subarray(0, total);
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
