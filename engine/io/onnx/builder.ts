/**
 * Assembles an ONNX graph as plain protobuf-es messages (proto/): nodes with typed
 * attributes, initializers and constants. The per-layer rows (layers*.ts) call it; export.ts
 * wraps the result in a ModelProto. Value names are unique per builder: a node's own outputs
 * are `<nodeId>/<n>`, so a name in an ORT error points at the Flowgrad node.
 */
import { create } from '@bufbuild/protobuf';
import { strToU8 } from 'fflate';
import {
  AttributeProto_AttributeType as AttrType, AttributeProtoSchema, NodeProtoSchema, TensorProto_DataType as DataType, TensorProtoSchema,
  type AttributeProto, type NodeProto, type TensorProto,
} from './proto/index.ts';

/** An attribute value: numbers that are integers become INT(S) unless marked `float`. */
export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** A float32 tensor held by the exporter (a weight, or a constant it computed). */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: strToU8(v) });
  if (typeof v === 'number') {
    return Number.isInteger(v) ? create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(v) }) : create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: v });
  }
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: big(v) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: v.float });
  return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: v.floats });
}

const big = (v: number[]): bigint[] => v.map((x) => BigInt(x));

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();

/** Little-endian raw bytes (ONNX's raw_data layout) of a typed array; every host Flowgrad runs on is little-endian, checked once. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function floatTensor(name: string, shape: number[], data: Float32Array): TensorProto {
  if (!LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian host');
  return create(TensorProtoSchema, { name, dims: big(shape), dataType: DataType.FLOAT, rawData: bytesOf(data) });
}

export function int64Tensor(name: string, shape: number[], values: number[]): TensorProto {
  return create(TensorProtoSchema, { name, dims: big(shape), dataType: DataType.INT64, int64Data: big(values) });
}

export function boolTensor(name: string, shape: number[], values: Uint8Array): TensorProto {
  return create(TensorProtoSchema, { name, dims: big(shape), dataType: DataType.BOOL, rawData: values.slice() });
}

export class OnnxBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();

  /** A fresh value name under `scope` (a Flowgrad node id). */
  fresh(scope: string): string {
    let k = this.counters.get(scope) ?? 0;
    let name: string;
    do name = `${scope}/${k++}`;
    while (this.names.has(name));
    this.counters.set(scope, k);
    this.names.add(name);
    return name;
  }

  /** Adds one node; returns its output names (`outputs` of them, or the names given). */
  nodeN(scope: string, op: string, inputs: string[], attrs: Record<string, AttrValue | undefined> = {}, outputs: number | string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(scope)) : outputs;
    for (const o of outs) this.names.add(o);
    const attribute_ = Object.entries(attrs).filter((e): e is [string, AttrValue] => e[1] !== undefined).map(([k, v]) => attribute(k, v));
    this.nodes.push(create(NodeProtoSchema, { name: `${scope}/${op}_${this.nodes.length}`, opType: op, input: inputs, output: outs, attribute: attribute_ }));
    return outs;
  }

  /** Adds one node with one output and returns its name. */
  node(scope: string, op: string, inputs: string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    return this.nodeN(scope, op, inputs, attrs)[0]!;
  }

  /** A named initializer (a trained weight keeps its `<nodeId>.<param>` name). */
  initializer(name: string, t: HostTensor): string {
    if (!this.names.has(name)) {
      this.names.add(name);
      this.initializers.push(floatTensor(name, t.shape, t.data));
    }
    return name;
  }

  /** An initializer the caller made and named (QDQ's int8 weights and scales); returns its name. */
  tensor(t: TensorProto): string {
    this.names.add(t.name);
    this.initializers.push(t);
    return t.name;
  }

  /** A float constant the exporter computed (an initializer under a fresh name). */
  floats(scope: string, shape: number[], values: ArrayLike<number>): string {
    const name = this.fresh(scope);
    this.initializers.push(floatTensor(name, shape, Float32Array.from(values)));
    return name;
  }

  /** A float scalar constant. */
  scalar(scope: string, v: number): string {
    return this.floats(scope, [], [v]);
  }

  /** An int64 constant (shapes, axes, split sizes), rank 1 unless `shape` says otherwise. */
  ints(scope: string, values: number[], shape: number[] = [values.length]): string {
    const name = this.fresh(scope);
    this.initializers.push(int64Tensor(name, shape, values));
    return name;
  }

  /** A bool constant (attention masks). */
  bools(scope: string, shape: number[], values: Uint8Array): string {
    const name = this.fresh(scope);
    this.initializers.push(boolTensor(name, shape, values));
    return name;
  }
}
