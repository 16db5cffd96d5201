/** The generated ONNX messages (onnx.proto: model, graph, nodes, attributes; onnx_tensor.proto: tensors and types) in one import. */
export * from './onnx_pb.ts';
export * from './onnx_tensor_pb.ts';
