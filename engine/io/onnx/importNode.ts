/**
 * What an ONNX import row sees: the node, its attributes, the constants and the Flowgrad
 * graph built so far (import.ts makes it; importOps.ts, importSequence.ts and importFold.ts
 * read it), plus how tensor constants and attributes are read.
 */
import { TensorProto_DataType as DataType, AttributeProto_AttributeType as AttrType, type AttributeProto, type NodeProto, type TensorProto } from './proto/index.ts';
import type { Attrs, GraphNode } from '../../graph/types.ts';
import { FlowgradError } from '../../core/errors.ts';
import type { HostTensor } from './builder.ts';

/** A tensor constant: float data, or int64 values as numbers. */
export type Const = HostTensor & { ints?: number[] };

/**
 * A value import holds back because no Flowgrad layer computes it on its own: the
 * sequence-first view an ONNX LSTM/GRU reads, integer ids for a Gather, or a recurrent
 * layer's output waiting for the Squeeze (and Transpose) that say which output is used.
 */
export type Pending =
  | { kind: 'seqFirst'; of: string }
  | { kind: 'ids'; of: string }
  | { kind: 'rnn'; out: 'Y' | 'Yseq' | 'Yh'; make: (returnSequences: boolean) => string }
  /** Arithmetic on the input's shape (exporters size zero initial states by the batch). */
  | { kind: 'shape' }
  /** ConstantOfShape(0) of such a shape: zeros as big as the batch. */
  | { kind: 'zeros' };

/** What a row sees of the node and of the graph built so far. */
export interface ImportNode {
  readonly node: NodeProto;
  readonly attrs: Map<string, AttributeProto>;
  /** The base of the new layer's id (the ONNX node's name up to the first '/'). */
  readonly base: string;
  fail(why: string): never;
  /** The Flowgrad node that computes input i (fails for constants and unknown values). */
  value(i: number): string;
  /** Input i when it is a held-back value (Pending), or null. */
  pending(i: number): Pending | null;
  /** Holds back output i of the node as a pending value (the row then returns null). */
  hold(i: number, v: Pending): void;
  /** Input i as a constant (an initializer or a folded value), or null. */
  konst(i: number): Const | null;
  add(base: string, type: string, attrs: Attrs, inputs: string[]): string;
  /** The sample shape (no batch) after a Flowgrad node. */
  sampleOf(id: string): number[];
  /** The layers so far (a bias Add completes the Dense before it). */
  readonly nodes: GraphNode[];
  readonly weights: Record<string, HostTensor>;
  readonly consts: Map<string, Const>;
}
export type Importer = (c: ImportNode) => string | null;

export function constOf(t: TensorProto, where: string): Const {
  const shape = t.dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (t.dataLocation === 1) throw new FlowgradError('unsupported', `${where}: tensor '${t.name}' keeps its data in an external file; save the model with its weights inside`);
  // A copy with its own buffer: the file may be a Node Buffer, whose slice() is a view into a shared pool.
  const raw = new Uint8Array(t.rawData);
  if (t.dataType === DataType.FLOAT) {
    const data = raw.length ? new Float32Array(raw.buffer, 0, count) : Float32Array.from(t.floatData);
    return { shape, data };
  }
  if (t.dataType === DataType.INT64) {
    const ints = raw.length ? Array.from(new BigInt64Array(raw.buffer, 0, count), Number) : t.int64Data.map(Number);
    return { shape, data: Float32Array.from(ints), ints };
  }
  if (t.dataType === DataType.INT32) {
    const ints = raw.length ? Array.from(new Int32Array(raw.buffer, 0, count)) : t.int32Data.slice();
    return { shape, data: Float32Array.from(ints), ints };
  }
  if (t.dataType === DataType.DOUBLE) return { shape, data: raw.length ? Float32Array.from(new Float64Array(raw.buffer, 0, count)) : Float32Array.from(t.doubleData) };
  throw new FlowgradError('unsupported', `${where}: tensor '${t.name}' has data type ${DataType[t.dataType] ?? t.dataType}; Flowgrad imports float32 weights`);
}

export const intAttr = (a: Map<string, AttributeProto>, k: string, def: number): number => (a.has(k) ? Number(a.get(k)!.i) : def);
export const floatAttr = (a: Map<string, AttributeProto>, k: string, def: number): number => (a.get(k)?.type === AttrType.FLOAT ? a.get(k)!.f : def);
export const intsAttr = (a: Map<string, AttributeProto>, k: string): number[] | null => (a.has(k) ? a.get(k)!.ints.map(Number) : null);
