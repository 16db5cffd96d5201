/**
 * The WebGPU backend's public surface: the backend class, its async factory and the
 * backend chooser. Node test support (Dawn) lives in dawn.ts and is not exported here.
 */
export { WebGPUBackend } from './backend.ts';
export type { AdapterDescription, WebGPUBackendOptions, WebGPUStats } from './backend.ts';
export { chooseBackend, createWebGPUBackend, describeAdapter } from './device.ts';
export type { BackendChoice, BackendPreference } from './device.ts';
