/**
 * Errors with a stable `code`. comlink (and structured clone) turn thrown errors into plain
 * `Error`s across the worker boundary, so callers dispatch on `code` (and `nodeId`), never on
 * the class. Messages name what failed and with what: `matmul: [3,4] @ [5,6]: inner
 * dimensions 4 and 5 differ`.
 */
export type ErrorCode =
  | 'shape'
  | 'dtype'
  | 'bad-argument'
  | 'disposed'
  | 'no-grad'
  | 'unsupported'
  | 'backend'
  | 'graph'
  | 'bad-file'
  | 'diverged'
  | 'aborted'
  | 'internal';

export class FlowgradError extends Error {
  readonly code: ErrorCode;
  /** The graph node the error belongs to, when it comes from a compiled graph. */
  readonly nodeId?: string;

  constructor(code: ErrorCode, message: string, opts: { nodeId?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FlowgradError';
    this.code = code;
    if (opts.nodeId !== undefined) this.nodeId = opts.nodeId;
  }
}

export function isFlowgradError(e: unknown): e is FlowgradError {
  return e instanceof FlowgradError || (typeof e === 'object' && e !== null && 'code' in e && (e as { name?: string }).name === 'FlowgradError');
}

/** Formats a shape as `[3,4]` for messages. */
export function fmtShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}
