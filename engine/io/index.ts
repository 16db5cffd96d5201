/**
 * engine/io: what leaves Flowgrad for other tools — the code generators (io/codegen) and ONNX
 * models (io/onnx) — and, for older imports, the file formats that now live with the project contract in
 * engine/project (safetensors weights, .flowgrad.zip projects).
 */
export * from '../project/safetensors.ts';
export * from '../project/projectFile.ts';
export { describeFile } from '../project/sniff.ts';
export * from './onnx/index.ts';
