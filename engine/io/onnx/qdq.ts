/**
 * QDQ ONNX: an int8 model as ONNX Runtime's static quantization writes it. Each quantized
 * weight is an INT8 initializer with its per-channel FLOAT scales and zero zero-points, read
 * through DequantizeLinear(axis = its output-channel axis); each quantized layer input passes
 * QuantizeLinear → DequantizeLinear with its per-tensor scale and INT8 zero point. Runtimes
 * with int8 kernels fuse the pairs into integer convolutions and matmuls; any runtime computes
 * the same values as the engine's fake-quant simulation (engine/compress/quantize.ts), whose
 * scales this takes as plain data (io sits below compress, so it does not import it).
 */
import { create } from '@bufbuild/protobuf';
import { TensorProto_DataType as DataType, TensorProtoSchema } from './proto/index.ts';
import { floatTensor, type OnnxBuilder } from './builder.ts';

/** One per-channel symmetric int8 weight: w ≈ q · scales[channel on `axis`]. */
export interface QdqWeight {
  shape: number[];
  axis: number;
  q: Int8Array;
  scales: Float32Array;
}

/** One per-tensor asymmetric layer input: x ≈ (q − zeroPoint) · scale. */
export interface QdqInput {
  scale: number;
  zeroPoint: number;
}

/** The int8 model's quantization: weights by `<nodeId>.<param>`, inputs by node id. */
export interface OnnxQuantization {
  weights: ReadonlyMap<string, QdqWeight>;
  inputs: ReadonlyMap<string, QdqInput>;
}

const int8Tensor = (name: string, shape: number[], data: Int8Array) =>
  create(TensorProtoSchema, { name, dims: shape.map((d) => BigInt(d)), dataType: DataType.INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() });

/** The weight `name` as DequantizeLinear of its int8 initializer; returns the float value's name (`name` itself). */
export function dequantizedWeight(b: OnnxBuilder, name: string, w: QdqWeight): string {
  const q = b.tensor(int8Tensor(`${name}_quantized`, w.shape, w.q));
  const s = b.tensor(floatTensor(`${name}_scale`, [w.scales.length], w.scales));
  const z = b.tensor(int8Tensor(`${name}_zero_point`, [w.scales.length], new Int8Array(w.scales.length)));
  b.nodeN(name, 'DequantizeLinear', [q, s, z], { axis: w.axis }, [name]);
  return name;
}

/** `x` through QuantizeLinear → DequantizeLinear at the input of node `scope`. */
export function quantizeDequantize(b: OnnxBuilder, scope: string, x: string, a: QdqInput): string {
  const s = b.scalar(scope, a.scale);
  const z = b.tensor(int8Tensor(b.fresh(scope), [], Int8Array.of(a.zeroPoint)));
  const q = b.node(scope, 'QuantizeLinear', [x, s, z]);
  return b.node(scope, 'DequantizeLinear', [q, s, z]);
}
