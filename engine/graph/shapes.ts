/**
 * Shape helpers for the layer catalog's shape rules, and the error they throw.
 *
 * Shapes here are symbolic: the first dimension is the batch size 'N', the rest are numbers.
 * A shape rule that cannot accept its inputs throws a ShapeError whose message names the
 * layer, the shapes involved and what to change; `analyzeGraph` turns it into a
 * 'shape-mismatch' issue on the node (and highlights `attr` in the inspector when set).
 * ShapeError is a FlowgradError with code 'shape', so it survives the worker boundary.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import type { Dim, Shape } from './types.ts';

export class ShapeError extends FlowgradError {
  /** The attribute at fault, when the problem is an attribute value against a shape. */
  readonly attr?: string;

  constructor(message: string, opts: { attr?: string; nodeId?: string } = {}) {
    super('shape', message, opts.nodeId === undefined ? {} : { nodeId: opts.nodeId });
    this.name = 'FlowgradError';
    if (opts.attr !== undefined) this.attr = opts.attr;
  }
}

/** `[N,16]`, for messages. */
export const fmt = (shape: Shape): string => fmtShape(shape);

/** Number of elements per sample: the product of every numeric dimension ('N' excluded). */
export function perSample(shape: Shape): number {
  let n = 1;
  for (const d of shape) if (d !== 'N') n *= d;
  return n;
}

/** Product of numeric dimensions (parameter shapes have no 'N'). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Resolves a possibly negative `dim` against a rank, or throws a ShapeError naming the layer
 * and the valid range. Pass `allowBatch: false` to refuse the batch dimension (dim 0).
 */
export function resolveDim(layer: string, attr: string, dim: number, shape: Shape, allowBatch: boolean): number {
  const rank = shape.length;
  const d = dim < 0 ? dim + rank : dim;
  if (d < 0 || d >= rank) {
    throw new ShapeError(`${layer}: ${attr} ${dim} is out of range for input ${fmt(shape)}; use a value from ${-rank} to ${rank - 1} (-1 is the last dimension)`, { attr });
  }
  if (!allowBatch && shape[d] === 'N') {
    throw new ShapeError(`${layer}: ${attr} ${dim} is the batch dimension N of ${fmt(shape)}; use -1 to work along the features`, { attr });
  }
  return d;
}

/** Whether two dimensions broadcast (equal, or one of them is 1); 'N' only matches 'N' or 1. */
function broadcastDim(a: Dim, b: Dim): Dim | null {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  return null;
}

/**
 * NumPy/PyTorch broadcasting of two shapes aligned at the right. Throws a ShapeError that
 * names the first pair of dimensions that disagree.
 */
export function broadcastShapes(layer: string, a: Shape, b: Shape, verb: string): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = new Array<Dim>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = i <= a.length ? a[a.length - i]! : 1;
    const db = i <= b.length ? b[b.length - i]! : 1;
    const d = broadcastDim(da, db);
    if (d === null) {
      const where = i === 1 ? `last dimensions ${da} and ${db} differ` : `dimensions ${da} and ${db} at position ${-i} differ`;
      throw new ShapeError(`${layer}: inputs ${fmt(a)} and ${fmt(b)} cannot be ${verb}: ${where} (they must be equal, or one of them 1)`);
    }
    out[rank - i] = d;
  }
  return out;
}

/** Throws unless `shape` is [N, ...] with at least `minRank` dimensions and a numeric last one. */
export function requireFeatures(layer: string, shape: Shape, minRank = 2): number {
  const last = shape[shape.length - 1];
  if (shape.length < minRank || typeof last !== 'number') {
    throw new ShapeError(`${layer}: input ${fmt(shape)} has no feature dimension; it needs a shape like [N,features]`);
  }
  return last;
}

/**
 * Throws unless `shape` is [N, d1, ..., d(rank-1)] with numeric dims; returns the numeric
 * dims. `what` describes the expected layout for the message, e.g. '[N,channels,height,width]'.
 */
export function requireLayout(layer: string, shape: Shape, rank: number, what: string, hint = ''): number[] {
  if (shape.length !== rank || shape[0] !== 'N' || shape.slice(1).some((d) => typeof d !== 'number')) {
    throw new ShapeError(`${layer}: input ${fmt(shape)} does not have the layout ${what}${hint ? `; ${hint}` : ''}`);
  }
  return shape.slice(1) as number[];
}

/**
 * Output length of a sliding window (PyTorch's formula), or a ShapeError naming the
 * attribute to change when the window does not fit.
 */
export function windowOut(layer: string, size: number, k: number, stride: number, pad: number, dilation = 1, attr = 'kernelSize'): number {
  const span = dilation * (k - 1) + 1;
  const o = Math.floor((size + 2 * pad - span) / stride) + 1;
  if (o < 1) {
    throw new ShapeError(`${layer}: the window of ${k}${dilation > 1 ? ` (dilation ${dilation}, spanning ${span})` : ''} does not fit an input of size ${size} with padding ${pad}; use a smaller kernel or more padding`, { attr });
  }
  return o;
}
