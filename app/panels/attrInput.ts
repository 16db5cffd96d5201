/**
 * Text ⇄ attribute value for the inspector's fields, with the validation messages shown on
 * the field. Pure, so the rules are unit-tested without a DOM.
 */
import type { AttrSpec, AttrValue } from '../../engine/graph/types.ts';

export type Parsed = { ok: true; value: AttrValue } | { ok: false; error: string };

export function formatAttr(spec: AttrSpec, value: AttrValue | undefined): string {
  const v = value ?? spec.default;
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function parseAttr(spec: AttrSpec, text: string): Parsed {
  const t = text.trim();
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (t === '') return { ok: false, error: 'Enter a number' };
      const v = Number(t);
      if (!Number.isFinite(v)) return { ok: false, error: 'Enter a number' };
      if (spec.kind === 'int' && !Number.isInteger(v)) return { ok: false, error: 'Must be a whole number' };
      if (spec.min !== undefined && v < spec.min) return { ok: false, error: `Must be at least ${spec.min}` };
      if (spec.max !== undefined && v > spec.max) return { ok: false, error: `Must be at most ${spec.max}` };
      return { ok: true, value: v };
    }
    case 'shape': {
      const parts = t.split(/[\s,×x]+/).filter(Boolean);
      const dims = parts.map(Number);
      if (parts.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
        return { ok: false, error: 'Use positive whole numbers separated by commas, e.g. 2 or 1, 28, 28' };
      }
      return { ok: true, value: dims };
    }
    case 'bool':
      return { ok: true, value: t === 'true' };
    case 'enum':
      if (spec.options && !spec.options.includes(t)) return { ok: false, error: `Choose one of ${spec.options.join(', ')}` };
      return { ok: true, value: t };
  }
}

/** Validates a plain number field's text (training config, dataset size). */
export function checkNumber(text: string, o: { min?: number; max?: number; int?: boolean }): { ok: true; value: number } | { ok: false; error: string } {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) return { ok: false, error: 'Enter a number' };
  if (o.int && !Number.isInteger(v)) return { ok: false, error: 'Must be a whole number' };
  if (o.min !== undefined && v < o.min) return { ok: false, error: `Must be at least ${o.min}` };
  if (o.max !== undefined && v > o.max) return { ok: false, error: `Must be at most ${o.max}` };
  return { ok: true, value: v };
}
