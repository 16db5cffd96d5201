/**
 * The contract between the ONNX exporter (export.ts) and its per-layer rows (layers*.ts): a
 * row gets one Flowgrad node with its resolved attributes, the inferred shapes and the ONNX
 * value names of its inputs, adds the ONNX nodes that compute it, and returns the name of its
 * output. A kind ONNX cannot express has an `unsupported` row with the reason instead.
 */
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { Attrs, Shape } from '../../graph/types.ts';
import type { OnnxBuilder } from './builder.ts';

export interface EmitContext {
  b: OnnxBuilder;
  /** The Flowgrad node id: the scope of the ONNX names this node makes. */
  id: string;
  attrs: Attrs;
  /** ONNX value names arriving at the node's input ports, in port order. */
  inputs: string[];
  /** Shapes at the input ports (with the symbolic batch 'N'), in port order. */
  inShapes: Shape[];
  outShape: Shape;
  /** The trained parameter `<id>.<param>` as an initializer (export.ts checked it against the catalog). */
  weight(param: string): string;
  /** `weight(param)` when the node has it (a bias that may be switched off), else null. */
  optional(param: string): string | null;
  /** A buffer (BatchNorm's running statistics) by any of its names, as an initializer; null when the weights lack it. */
  buffer(names: string[]): string | null;
}

export type OnnxLayer =
  | { emit(c: EmitContext): string }
  /** Why this kind cannot be exported (export names the node and this reason). */
  | { unsupported: string };

/** One family file's rows of the ONNX table (layers.ts checks that the families cover every kind). */
export type OnnxFamily = Partial<Record<ModelLayerType, OnnxLayer>>;

/** The per-sample numeric dims of a symbolic shape ([N, 3, 4] → [3, 4]). */
export const sampleDims = (s: Shape): number[] => s.slice(1).map(Number);

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
