/**
 * The contract between the graph compiler (graphModel.ts) and the per-family builders: a
 * builder gets one node with its resolved attributes and the inferred shapes, registers the
 * modules that own its parameters (under the node id, so weights are `<nodeId>.<param>`)
 * and returns the node's forward step as a function of its input tensors.
 */
import type { Tensor } from '../../core/tensor.ts';
import type { Attrs, GraphNode, Shape } from '../../graph/types.ts';
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { Module } from '../../nn/module.ts';

export type Step = (inputs: Tensor[], training: boolean) => Tensor;

export interface BuildContext {
  node: GraphNode;
  attrs: Attrs;
  /** Shapes arriving at the input ports (with the symbolic batch 'N'), in port order. */
  inShapes: Shape[];
  /** The output shape analyzeGraph inferred for this node. */
  outShape: Shape;
  /** Registers a module under the node id: its parameters become `<nodeId>.<name>`. */
  register(module: Module): void;
}

export type Builder = (b: BuildContext) => Step;

/** One family file's rows of the builder table (index.ts checks that the families cover every kind). */
export type FamilyBuilders = Partial<Record<ModelLayerType, Builder>>;

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/** The per-sample numeric dims of a symbolic shape ([N, 3, 4] → [3, 4]). */
export const sampleDims = (s: Shape): number[] => s.slice(1).map(num);
