/**
 * Building blocks shared by the layer definitions: standard ports, a constructor for
 * shape-preserving layers (activations, dropout), and `LayerDef`, a LayerSpec that may add
 * attribute checks the declarative min/max cannot express (e.g. Dropout's p < 1).
 */
import type { AttrSpec, Attrs, LayerCategory, LayerSpec, PortSpec, ShapeContext } from '../types.ts';

/** A problem with one attribute value, as found by `checkAttrs`. */
export interface AttrProblem {
  attr: string;
  message: string;
}

export interface LayerDef<T extends string = string> extends LayerSpec {
  /** The layer kind: a literal, so the catalog's LayerType is the union of every entry's. */
  readonly type: T;
  /** Extra per-layer attribute checks, run after the generic kind/min/max checks pass. */
  checkAttrs?(attrs: Attrs): AttrProblem[];
}

export const IN: PortSpec[] = [{ name: 'in', label: 'in' }];
export const OUT: PortSpec[] = [{ name: 'out', label: 'out' }];

/** The single input shape of a one-input layer (analyzeGraph guarantees it is present). */
export function only(ctx: ShapeContext) {
  return ctx.inputs[0]!;
}

const none = (): never[] => [];
const zero = (): number => 0;

/** A layer whose output has its input's shape and which owns no parameters. */
export function shapePreserving<const T extends string>(
  type: T,
  label: string,
  category: LayerCategory,
  doc: string,
  attrs: AttrSpec[] = [],
  extra: Partial<Omit<LayerDef, 'type'>> = {},
): LayerDef<T> {
  return {
    label, category, doc, attrs,
    inputs: IN,
    outputs: OUT,
    inferShape: (ctx) => [...only(ctx)],
    params: none,
    flops: zero,
    ...extra,
    type,
  };
}

/** Shorthand for an integer attribute. */
export function int(name: string, label: string, def: number, doc: string, min?: number, max?: number): AttrSpec {
  return { name, label, kind: 'int', default: def, doc, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

/** Shorthand for a float attribute. */
export function float(name: string, label: string, def: number, doc: string, min?: number, max?: number): AttrSpec {
  return { name, label, kind: 'float', default: def, doc, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

export function bool(name: string, label: string, def: boolean, doc: string): AttrSpec {
  return { name, label, kind: 'bool', default: def, doc };
}

export function choice(name: string, label: string, def: string, options: string[], doc: string): AttrSpec {
  return { name, label, kind: 'enum', default: def, options, doc };
}

/** Weight initialisers a layer may choose (engine/nn/initSchemes.ts); 'default' is PyTorch's own. */
export const INITS = ['default', 'xavierUniform', 'xavierNormal', 'kaimingUniform', 'kaimingNormal', 'orthogonal', 'normal', 'uniform', 'zeros', 'ones'];

export const initAttr = (): AttrSpec => choice(
  'init', 'Weight init', 'default', INITS,
  "How the weights start: 'default' is PyTorch's (Kaiming uniform with a=√5); Xavier suits tanh/sigmoid, Kaiming suits ReLU.",
);
