/**
 * engine/project: the project contract — what a Flowgrad project IS, as plain data, with no
 * tensors: the training configuration and dataset choice (config.ts), the data pipeline's
 * description (dataTypes.ts, and dataPlan.ts: pure decisions over it), and the
 * `.flowgrad.zip` project file with its safetensors weights (projectFile.ts, safetensors.ts,
 * sniff.ts). The graph format it embeds is engine/graph. The app, the workers, the CLI and
 * the engine all agree through this folder, so it imports only engine/core's errors,
 * engine/graph and metric names — never data/, train/ or io/ (engine/test/dependencies.test.ts).
 */
export * from './config.ts';
export * from './dataTypes.ts';
export * from './dataPlan.ts';
export * from './projectFile.ts';
// Safetensors' TensorData (its typed arrays) is not re-exported: dataTypes' TensorData is the data pipeline's.
export { SAFETENSORS_DTYPES, decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from './safetensors.ts';
export type { SafetensorsDtype, SafetensorsEntry, SafetensorsHeader, SafetensorsInput, SafetensorsTensor } from './safetensors.ts';
export { describeFile, looksLikeZip } from './sniff.ts';
export * from './quantizedEntry.ts';
