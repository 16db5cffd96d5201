/**
 * An int8 variant as QDQ ONNX (engine/io/onnx/qdq.ts): its int8 weight file (quantFile.ts)
 * supplies the INT8 weights with their per-channel scales and the layer inputs' scales and zero
 * points; everything kept in float32 (biases, norms) goes in as float initializers. The worker
 * (the Compress view's download) and the CLI (`compress --out`: model.int8.onnx) call it.
 */
import { exportOnnx, type HostWeights, type OnnxExportOptions } from '../io/onnx/export.ts';
import { projectClassNames, type OnnxProject } from '../io/onnx/project.ts';
import type { OnnxQuantization } from '../io/onnx/qdq.ts';
import type { GraphJSON } from '../graph/types.ts';
import { decodeInt8 } from './quantFile.ts';
import type { QuantizedModel } from './quantize.ts';

/** The quantized model as the exporter takes it. */
export function onnxQuantization(qm: QuantizedModel): { quantization: OnnxQuantization; weights: HostWeights } {
  return {
    quantization: {
      weights: new Map(qm.weights.map((w) => [w.name, w])),
      inputs: new Map(qm.activations.map((a) => [a.node, a])),
    },
    weights: new Map(Object.entries(qm.float).map(([k, t]) => [k, { shape: [...t.shape], data: t.data }])),
  };
}

/** QDQ ONNX bytes of `graph` with an int8 weight file. */
export function int8ToOnnx(graph: GraphJSON, int8File: Uint8Array, opts: Omit<OnnxExportOptions, 'quantization'> = {}): Uint8Array {
  const { quantization, weights } = onnxQuantization(decodeInt8(int8File));
  return exportOnnx(graph, weights, { ...opts, quantization });
}

/** A project's int8 variant as QDQ ONNX, with the project's metadata (class names, preprocessing). */
export function int8ProjectToOnnx(p: OnnxProject, int8File: Uint8Array): Uint8Array {
  return int8ToOnnx(p.graph, int8File, { name: p.name, preprocessing: p.preprocessing ?? null, classNames: projectClassNames(p) });
}
