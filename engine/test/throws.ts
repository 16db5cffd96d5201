/**
 * Test helper: runs `f`, asserts it throws a FlowgradError with `code`, and returns the
 * message so the test can check what the user would read. Fails if nothing is thrown.
 */
import { expect } from 'vitest';
import { FlowgradError } from '../core/errors.ts';
import type { ErrorCode } from '../core/errors.ts';

export function thrownMessage(code: ErrorCode, f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FlowgradError);
    expect((e as FlowgradError).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error(`expected a ${code} error`);
}

/** The message of the 'bad-file' error `f` throws. */
export const badFile = (f: () => unknown): string => thrownMessage('bad-file', f);
