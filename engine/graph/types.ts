/**
 * The model graph contract: what the canvas serializes to, what the worker compiles, what a
 * project file stores. Plain JSON only (no functions, no class instances) so it can be saved,
 * diffed, posted to a worker and migrated. Shapes carry a symbolic batch dimension 'N'.
 *
 * This module is pure (no tensors, no backends, no DOM): the app imports it directly for
 * instant shape feedback while editing.
 */

export const GRAPH_FORMAT = 'flowgrad.graph';
export const GRAPH_VERSION = 1;

/** Attribute values stay JSON: numbers, strings, booleans or integer lists (shapes). */
export type AttrValue = number | string | boolean | number[];
export type Attrs = Record<string, AttrValue>;

export interface GraphNode {
  id: string;
  /** A layer type from the catalog, e.g. 'Dense'. */
  type: string;
  attrs: Attrs;
  position: { x: number; y: number };
}

export interface GraphEdge {
  id: string;
  source: string;
  /** Output port name of the source node ('out' for single-output layers). */
  sourcePort: string;
  target: string;
  /** Input port name of the target node ('in' for single-input layers). */
  targetPort: string;
}

/**
 * A named block of nodes (UI metadata only: analysis, training and export read the flat
 * nodes/edges). A node belongs to at most one group; `collapsed` draws it as one node.
 */
export interface GraphGroup {
  id: string;
  name: string;
  nodeIds: string[];
  collapsed: boolean;
}

export interface GraphJSON {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Named blocks of nodes; absent (or empty) when there are none. */
  groups?: GraphGroup[];
}

/** One dimension: a concrete size, or the symbolic batch size 'N'. */
export type Dim = number | 'N';
export type Shape = Dim[];

export type AttrKind = 'int' | 'float' | 'enum' | 'bool' | 'shape';

export interface AttrSpec {
  name: string;
  label: string;
  kind: AttrKind;
  default: AttrValue;
  min?: number;
  max?: number;
  /** For 'enum'. */
  options?: string[];
  doc: string;
}

export type LayerCategory = 'io' | 'core' | 'activation' | 'regularization' | 'loss';

/**
 * Finer palette sections inside the categories (a category stays the colour on the canvas).
 * `LAYER_GROUPS` in catalog.ts lists them in palette order with their titles.
 */
export type LayerGroup =
  | 'io' | 'dense' | 'conv' | 'pool' | 'norm' | 'sequence' | 'attention' | 'recurrent'
  | 'shape' | 'merge' | 'activation' | 'regularization' | 'custom' | 'loss';

/**
 * Attribute kinds that need their own editor: 'code' (multi-line source text) and
 * 'numbers' (a list of numbers that may be empty, e.g. class weights). Kept apart from
 * `attrs` (LayerSpec.richAttrs) so an inspector that only knows the basic kinds still works.
 */
export type RichAttrKind = 'code' | 'numbers';

export interface RichAttrSpec {
  name: string;
  label: string;
  kind: RichAttrKind;
  /** A string for 'code', a (possibly empty) number list for 'numbers'. */
  default: AttrValue;
  /** For 'numbers': bounds on every entry, and whether entries must be whole numbers. */
  min?: number;
  max?: number;
  int?: boolean;
  doc: string;
}

export interface PortSpec {
  name: string;
  label: string;
}

/** A trainable tensor a layer owns, named as it will appear in weights files. */
export interface ParamSpec {
  name: string;
  shape: number[];
}

/** What a layer's shape rule gets: the shapes arriving at its inputs, in port order. */
export interface ShapeContext {
  inputs: Shape[];
  attrs: Attrs;
}

export interface LayerSpec {
  type: string;
  label: string;
  category: LayerCategory;
  /** Palette section (finer than the category); absent means the category's own section. */
  group?: LayerGroup;
  /** One-line description shown in the palette and inspector. */
  doc: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  attrs: AttrSpec[];
  /** Attributes of the kinds 'code' and 'numbers' (see RichAttrSpec); absent when none. */
  richAttrs?: RichAttrSpec[];
  /** Output shape, or throws ShapeError with a message a user can act on. */
  inferShape(ctx: ShapeContext): Shape;
  /** Trainable parameters for these input shapes and attributes. */
  params(ctx: ShapeContext): ParamSpec[];
  /** Forward multiply-adds ×2 per sample (batch dimension excluded). */
  flops(ctx: ShapeContext): number;
  /**
   * flops(ctx) as the separate matrix products the layer runs, [FLOPs per sample of one, how
   * many] (summing to flops(ctx)); absent: one kernel of all of them. A recurrent layer runs
   * one small product per step however long the sequence, and whether the CPU pool splits
   * a product depends on its own size (train/replicas/plan.ts, Auto's thread plan).
   */
  products?(ctx: ShapeContext): [flops: number, count: number][];
}

export type IssueCode =
  | 'unknown-type'
  | 'missing-input'
  | 'extra-input'
  | 'bad-attr'
  | 'shape-mismatch'
  | 'cycle'
  | 'no-input-node'
  | 'no-loss-node'
  | 'unreachable'
  | 'unused'
  | 'bad-port'
  /** The graph is fine on its own but does not fit the chosen dataset. */
  | 'data-mismatch'
  /** Too many parameters, or too much memory, to train (engine/core/limits.ts). */
  | 'too-large';

export interface GraphIssue {
  /** The node the user should look at; null for whole-graph problems. */
  nodeId: string | null;
  /** Set when the problem is one attribute (the inspector highlights that field). */
  attr?: string;
  code: IssueCode;
  severity: 'error' | 'warning';
  message: string;
}

export interface GraphAnalysis {
  /** True when there are no 'error' issues: the graph can be compiled and trained. */
  ok: boolean;
  issues: GraphIssue[];
  /** Output shape of each node (null where it could not be inferred). */
  shapes: Record<string, Shape | null>;
  /** Shape carried by each edge (the source node's output shape). */
  edgeShapes: Record<string, Shape | null>;
  params: Record<string, number>;
  flops: Record<string, number>;
  /** The products of the nodes whose layer lists them (LayerDef.products); absent for the others. */
  products?: Record<string, [flops: number, count: number][]>;
  totalParams: number;
  totalFlops: number;
  /** Topological order of the nodes on a path from an Input to the Loss node. */
  order: string[];
}
