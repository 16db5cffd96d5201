/**
 * ONNX: Flowgrad graphs and weights out as ONNX models (export.ts, one row per layer kind in
 * layers.ts) for onnxruntime and every other ONNX tool. The protobuf messages are protobuf-es
 * code generated from a subset of onnx.proto (proto/).
 */
export { exportOnnx, assertOnnxExportable, weightsFromSafetensors, ONNX_OPSET, ONNX_IR_VERSION, ONNX_INPUT, ONNX_OUTPUT, META as ONNX_META, type OnnxExportOptions, type HostWeights } from './export.ts';
export { ONNX_LAYERS } from './layers.ts';
export type { HostTensor } from './builder.ts';
export { projectToOnnx, projectClassNames, type OnnxProject } from './project.ts';
export { onnxInfo, parseOnnx, type OnnxInfo } from './read.ts';
export { importOnnx, type ImportedOnnx } from './import.ts';
export { dequantizedWeight, quantizeDequantize, type OnnxQuantization, type QdqInput, type QdqWeight } from './qdq.ts';
