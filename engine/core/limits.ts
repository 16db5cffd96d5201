/**
 * The caps that keep a hostile or mistaken file from taking the page down: every reader
 * checks a declared size against one of these BEFORE it allocates, and every decompressor
 * counts the bytes it really produces (declared sizes are not trusted). One table, so the
 * numbers are easy to find, document (docs/data.md, "Limits") and test
 * (engine/test/hostile/).
 *
 * `tooBig` builds the one message shape they all share: what, how much, the limit, and
 * what to do instead.
 */
import { FlowgradError, type ErrorCode } from './errors.ts';

const MB = 1024 * 1024;

export const LIMITS = {
  /** Bytes of decoded data a dataset may hold (typed arrays). */
  decodedBytes: 512 * MB,
  /** Columns of a table (CSV/TSV, JSON rows or objects, a 2-D array shown as a table). */
  columns: 16_384,
  /** Characters in one CSV field. */
  fieldChars: 1 * MB,
  /** Nesting depth of any JSON we read (data, project, graph, safetensors header). */
  jsonDepth: 128,
  /** Bytes of an NPY header (numpy itself reads at most 10,000 by default). */
  npyHeaderBytes: 64 * 1024,
  /** Characters of a share link's encoded graph, and bytes of the JSON it inflates to. */
  linkChars: 4 * MB,
  linkJsonBytes: 8 * MB,
  /** Nodes and edges of a graph opened from a link. */
  linkNodes: 5_000,
  linkEdges: 20_000,
  /** project.json in a .flowgrad.zip. */
  projectJsonBytes: 64 * MB,
  /** weights.safetensors in a .flowgrad.zip (float32 weights of `trainParams` parameters). */
  weightsBytes: 4 * 134_217_728,
  /** Decoded pixels of one image in the pure (CLI) decoder: 4096 × 4096. */
  imagePixels: 1 << 24,
  /** Trainable parameters of a model, and the memory estimate for training it. */
  trainParams: 134_217_728,
  trainBytes: 2 * 1024 * MB,
} as const;

/** "1.5 GB", "12 MB", "640 KB", "100 bytes". */
export function fmtBytes(n: number): string {
  if (n >= 1024 * MB) return `${+(n / (1024 * MB)).toPrecision(3)} GB`;
  if (n >= MB) return `${+(n / MB).toPrecision(3)} MB`;
  if (n >= 1024) return `${+(n / 1024).toPrecision(3)} KB`;
  return `${n} bytes`;
}

/** "1,000,000" (numbers in messages). */
export function fmtCount(n: number | bigint): string {
  return n.toLocaleString('en-US');
}

/**
 * The error for a size over its limit: `${what} ${amount}; the limit is ${limit}. ${advice}`.
 */
export function tooBig(what: string, amount: string, limit: string, advice: string, code: ErrorCode = 'bad-file', nodeId?: string): FlowgradError {
  return new FlowgradError(code, `${what} ${amount}; the limit is ${limit}. ${advice}`, nodeId === undefined ? {} : { nodeId });
}

/**
 * Exact element count of a declared shape, or a FlowgradError when a dimension is not a
 * whole number ≥ 0 or the array would hold more than `maxBytes` at `bytesPerItem` bytes
 * each. Counted in BigInt, so 2^52 × 2^52 is refused, not rounded; a dimension over the
 * limit is refused even when another is 0 (nothing real has 2^52 columns).
 */
export function checkShape(name: string, shape: readonly number[], bytesPerItem: number, maxBytes: number = LIMITS.decodedBytes): number {
  const maxItems = BigInt(Math.floor(maxBytes / bytesPerItem));
  let n = 1n;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new FlowgradError('bad-file', `${name}: invalid dimension ${d} in shape [${shape.join(',')}]`);
    if (BigInt(d) > maxItems) throw tooBig(`${name}: dimension ${fmtCount(d)} in shape [${shape.join(',')}] is`, 'too large', `${fmtCount(maxItems)} (${fmtBytes(maxBytes)})`, 'Use a smaller sample of it.');
    n *= BigInt(d);
  }
  if (n > maxItems) {
    throw tooBig(`${name}: array of shape [${shape.join(',')}] needs`, fmtBytes(Number(n) * bytesPerItem), fmtBytes(maxBytes), 'Use a smaller sample of it.');
  }
  return Number(n);
}

/**
 * Linear scan of JSON text for its nesting depth (brackets outside strings), so deeply
 * nested input is refused before JSON.parse or any recursive walk can overflow the stack.
 */
export function checkJsonDepth(text: string, prefix: string, max: number = LIMITS.jsonDepth): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new FlowgradError('bad-file', `${prefix}: the JSON is nested more than ${max} levels deep (at character ${i + 1}); the limit is ${max}`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
