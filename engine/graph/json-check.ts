/**
 * Small readers for checking untrusted JSON (a graph or project file someone opened) and
 * failing with a message that says where and what: `nodes[3].position.x must be a number
 * (got "abc")`. Every failure is a FlowgradError with code 'bad-file', prefixed with what the
 * file was supposed to be, so the app can show it as is.
 */
import { FlowgradError } from '../core/errors.ts';
import { checkJsonDepth } from '../core/limits.ts';

export type JsonObject = Record<string, unknown>;

/** A short description of a value for messages: `"abc"`, `12`, `an array`, `null`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

export class JsonReader {
  /** `prefix` names the file, e.g. 'Not a valid Flowgrad graph'. */
  constructor(readonly prefix: string) {}

  fail(path: string, problem: string): never {
    throw new FlowgradError('bad-file', `${this.prefix}: ${path ? `${path} ` : ''}${problem}`);
  }

  object(v: unknown, path: string): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `must be an object (got ${describe(v)})`);
    return v as JsonObject;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `must be a list (got ${describe(v)})`);
    return v;
  }

  string(v: unknown, path: string, nonEmpty = false): string {
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) this.fail(path, `must be a${nonEmpty ? ' non-empty' : ''} string (got ${describe(v)})`);
    return v;
  }

  number(v: unknown, path: string, opts: { int?: boolean; min?: number; max?: number; below?: number; above?: number } = {}): number {
    const ok =
      typeof v === 'number' && Number.isFinite(v) && (!opts.int || Number.isInteger(v)) &&
      (opts.min === undefined || v >= opts.min) && (opts.max === undefined || v <= opts.max) &&
      (opts.below === undefined || v < opts.below) && (opts.above === undefined || v > opts.above);
    if (!ok) {
      const range = [
        opts.min !== undefined ? `at least ${opts.min}` : '', opts.above !== undefined ? `above ${opts.above}` : '',
        opts.max !== undefined ? `at most ${opts.max}` : '', opts.below !== undefined ? `below ${opts.below}` : '',
      ].filter(Boolean).join(' and ');
      this.fail(path, `must be ${opts.int ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''} (got ${describe(v)})`);
    }
    return v as number;
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, `must be true or false (got ${describe(v)})`);
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
      this.fail(path, `must be one of ${options.map((o) => `"${o}"`).join(', ')} (got ${describe(v)})`);
    }
    return v as T;
  }
}

/**
 * JSON.parse that fails with a bad-file FlowgradError instead of a SyntaxError. Nesting
 * deeper than LIMITS.jsonDepth is refused first: what opens must also save (JSON.stringify
 * recurses) and no reader may overflow the stack.
 */
export function parseJsonText(text: string, prefix: string): unknown {
  checkJsonDepth(text, prefix);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new FlowgradError('bad-file', `${prefix}: it is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}
