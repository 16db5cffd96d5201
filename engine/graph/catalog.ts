/**
 * The layer catalog: every layer a user can place on the canvas, with its ports, attributes
 * (label, kind, default, bounds, doc), shape rule, parameters and FLOPs. The palette, the
 * inspector, `analyzeGraph` and the compiler all read this one table, so adding a layer is
 * adding one entry (in layers/*.ts) and nothing else in this folder.
 *
 * Attribute values on a node may be missing (the default applies: `resolveAttrs`) but never
 * wrong: `checkAttrs` reports each bad value with the attribute's name so the inspector can
 * highlight the field.
 */
import type { AttrSpec, AttrValue, Attrs, LayerGroup, LayerSpec, RichAttrSpec } from './types.ts';
import type { AttrProblem, LayerDef } from './catalog/common.ts';
import { IO } from './catalog/io.ts';
import { CORE } from './catalog/core.ts';
import { ACTIVATIONS } from './catalog/activations.ts';
import { CONV } from './catalog/conv.ts';
import { POOL } from './catalog/pool.ts';
import { NORM } from './catalog/norm.ts';
import { SEQUENCE } from './catalog/sequence.ts';
import { SHAPE } from './catalog/shape.ts';
import { CUSTOM } from './catalog/custom.ts';

export type { AttrProblem } from './catalog/common.ts';

const [INPUT, LOSS] = IO;

/** Palette order: Input first, Loss last. */
const DEFS = [INPUT, ...CORE, ...CONV, ...POOL, ...NORM, ...SEQUENCE, ...SHAPE, ...ACTIVATIONS, ...CUSTOM, LOSS];

/**
 * Every layer kind in the catalog, derived from the entries' literal `type`s. Each per-layer
 * concern elsewhere (builders, code generators, the canvas summary) is a table keyed by it,
 * so a kind added here without its rows fails to type-check (docs/ARCHITECTURE.md, "How to
 * add a layer").
 */
export type LayerType = (typeof DEFS)[number]['type'];
/** The kinds that become a step of the model: all but Input and Loss, which the compiler handles itself. */
export type ModelLayerType = Exclude<LayerType, 'Input' | 'Loss'>;

/** Palette sections in order, with their titles (LayerSpec.group). */
export const LAYER_GROUPS: readonly { group: LayerGroup; title: string }[] = [
  { group: 'io', title: 'Input / Output' },
  { group: 'dense', title: 'Dense' },
  { group: 'conv', title: 'Convolution' },
  { group: 'pool', title: 'Pooling' },
  { group: 'norm', title: 'Normalization' },
  { group: 'sequence', title: 'Embeddings & sequences' },
  { group: 'attention', title: 'Attention' },
  { group: 'recurrent', title: 'Recurrent' },
  { group: 'shape', title: 'Reshaping' },
  { group: 'merge', title: 'Merge' },
  { group: 'activation', title: 'Activations' },
  { group: 'regularization', title: 'Regularization' },
  { group: 'custom', title: 'Custom code' },
  { group: 'loss', title: 'Loss' },
];

/** A layer's palette section: its `group`, or the section named like its category. */
export function groupOf(spec: LayerSpec): LayerGroup {
  return spec.group ?? (spec.category === 'core' ? 'dense' : spec.category);
}

/** Every attribute of a layer, basic and rich, in declaration order (basic first). */
const allAttrs = (spec: LayerSpec): (AttrSpec | RichAttrSpec)[] => [...spec.attrs, ...(spec.richAttrs ?? [])];
const BY_TYPE = new Map<string, LayerDef>(DEFS.map((l) => [l.type, l]));

export const LAYERS: readonly LayerSpec[] = DEFS;
export const LAYER_TYPES: readonly LayerType[] = DEFS.map((l) => l.type);

/** Whether `type` (from a graph file, say) names a catalog layer. */
export function isLayerType(type: string): type is LayerType {
  return BY_TYPE.has(type);
}

export function getLayer(type: string): LayerSpec | undefined {
  return BY_TYPE.get(type);
}

const clone = (v: AttrValue): AttrValue => (Array.isArray(v) ? [...v] : v);

/** A fresh copy of a layer's default attributes ({} for an unknown type). */
export function defaultAttrs(type: string): Attrs {
  const out: Attrs = {};
  const spec = BY_TYPE.get(type);
  for (const a of spec ? allAttrs(spec) : []) out[a.name] = clone(a.default);
  return out;
}

/** The node's attributes with defaults filled in for the missing ones (unknown ones dropped). */
export function resolveAttrs(spec: LayerSpec, attrs: Attrs): Attrs {
  const out: Attrs = {};
  for (const a of allAttrs(spec)) out[a.name] = Object.hasOwn(attrs, a.name) ? clone(attrs[a.name]!) : clone(a.default);
  return out;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(',')}]` : String(v));

function bounds(a: AttrSpec | RichAttrSpec): string {
  if (a.min !== undefined && a.max !== undefined) return ` from ${a.min} to ${a.max}`;
  if (a.min !== undefined) return ` of at least ${a.min}`;
  if (a.max !== undefined) return ` of at most ${a.max}`;
  return '';
}

const inRange = (a: AttrSpec | RichAttrSpec, v: number): boolean => (a.min === undefined || v >= a.min) && (a.max === undefined || v <= a.max);

/** Why `v` is not a valid value of `a`, or null when it is. */
function checkValue(a: AttrSpec | RichAttrSpec, v: AttrValue): string | null {
  switch (a.kind) {
    case 'code':
      return typeof v === 'string' ? null : 'must be source text';
    case 'numbers': {
      const ok = Array.isArray(v) && v.every((d) => Number.isFinite(d) && (!a.int || Number.isInteger(d)) && inRange(a, d));
      return ok ? null : `must be a list of ${a.int ? 'whole numbers' : 'numbers'}${bounds(a)} (or empty)`;
    }
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && inRange(a, v) ? null : `must be a whole number${bounds(a)}`;
    case 'float':
      return typeof v === 'number' && Number.isFinite(v) && inRange(a, v) ? null : `must be a number${bounds(a)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'enum':
      return typeof v === 'string' && (a.options ?? []).includes(v) ? null : `must be one of ${(a.options ?? []).map(show).join(', ')}`;
    case 'shape': {
      const ok = Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d >= (a.min ?? 1) && d <= 2 ** 31 - 1);
      return ok ? null : `must be a list of one or more whole numbers of at least ${a.min ?? 1}, like [2] or [1,28,28]`;
    }
    default:
      return (a satisfies never, null);
  }
}

/**
 * Problems with a node's attribute values: wrong kind or out of bounds (errors), or names the
 * layer does not have (warnings: ignored, but probably a typo or a file from a newer version).
 */
export function checkAttrs(spec: LayerSpec, attrs: Attrs): (AttrProblem & { severity: 'error' | 'warning' })[] {
  const out: (AttrProblem & { severity: 'error' | 'warning' })[] = [];
  for (const a of allAttrs(spec)) {
    if (!Object.hasOwn(attrs, a.name)) continue;
    const why = checkValue(a, attrs[a.name]!);
    if (why) out.push({ attr: a.name, severity: 'error', message: `${spec.label}: ${a.name} ${why} (got ${show(attrs[a.name])})` });
  }
  for (const name of Object.keys(attrs)) {
    if (!allAttrs(spec).some((a) => a.name === name)) out.push({ attr: name, severity: 'warning', message: `${spec.label}: unknown attribute '${name}' is ignored` });
  }
  if (!out.some((p) => p.severity === 'error')) {
    const extra = BY_TYPE.get(spec.type)?.checkAttrs?.(resolveAttrs(spec, attrs)) ?? [];
    for (const p of extra) out.push({ ...p, severity: 'error' });
  }
  return out;
}
