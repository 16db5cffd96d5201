/**
 * engine/io: file formats that leave or enter Flowgrad — safetensors weights and
 * .flowgrad.zip projects. Pure (fflate only): usable from the app, the worker and the CLI.
 */
export * from '../project/safetensors.ts';
export * from '../project/projectFile.ts';
export { describeFile } from '../project/sniff.ts';
