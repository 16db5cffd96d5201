/**
 * Getting a device and choosing a backend. createWebGPUBackend asks the adapter for its real
 * limits (not WebGPU's conservative defaults), so large buffers and workgroups work where the
 * hardware allows them. chooseBackend('auto') takes WebGPU only on a real GPU: a fallback
 * (software) adapter such as SwiftShader is tens of times slower than the CPU path.
 */
import { FlowgradError } from '../../core/errors.ts';
import { backend, listBackends, registerBackend, setBackend } from '../registry.ts';
import { WebGPUBackend } from './backend.ts';
import type { AdapterDescription, WebGPUBackendOptions } from './backend.ts';

const WANTED_LIMITS = [
  'maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension', 'maxBindGroups', 'maxUniformBufferBindingSize',
] as const;

/** The GPU entry point of this environment (navigator.gpu in browsers and workers), if any. */
export function defaultGpu(): GPU | null {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ?? null;
}

export function describeAdapter(a: GPUAdapter): AdapterDescription {
  const info = a.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const software = /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${info.architecture} ${info.description} ${info.device}`);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description || info.device || '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy) || software,
  };
}

function isAdapter(x: GPU | GPUAdapter): x is GPUAdapter {
  return typeof (x as GPUAdapter).requestDevice === 'function';
}

/** A WebGPU backend on `source` (a GPU, an adapter, or navigator.gpu when omitted). */
export async function createWebGPUBackend(source?: GPU | GPUAdapter | null, opts: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const src = source ?? defaultGpu();
  if (!src) throw new FlowgradError('backend', 'WebGPU is not available here (no navigator.gpu)');
  const adapter = isAdapter(src) ? src : await src.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new FlowgradError('backend', 'WebGPU: requestAdapter() returned no adapter (no GPU driver, or WebGPU disabled)');
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  // shader-f16 enables float16 storage (mixed precision); nothing else is asked for.
  const requiredFeatures = adapter.features.has('shader-f16') ? (['shader-f16'] as GPUFeatureName[]) : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'flowgrad' });
  return new WebGPUBackend(device, describeAdapter(adapter), opts);
}

export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

export interface BackendChoice {
  name: 'webgpu' | 'cpu';
  /** The adapter WebGPU runs on (or the one 'auto' turned down). */
  adapter: AdapterDescription | null;
  reason: string;
}

/**
 * Makes `pref` the current backend: 'cpu'; 'webgpu' (throws FlowgradError 'backend' when no
 * adapter exists); or 'auto' — WebGPU on a real GPU, else the CPU. A registered WebGPU
 * backend whose device was lost is replaced by a fresh one.
 */
export async function chooseBackend(pref: BackendPreference = 'auto', opts: { gpu?: GPU | null } = {}): Promise<BackendChoice> {
  if (pref === 'cpu') {
    setBackend('cpu');
    return { name: 'cpu', adapter: null, reason: 'requested' };
  }
  const existing = listBackends().includes('webgpu') ? (backend('webgpu') as WebGPUBackend) : null;
  if (existing && !existing.isLost && (pref === 'webgpu' || !existing.adapter.isFallbackAdapter)) {
    setBackend('webgpu');
    return { name: 'webgpu', adapter: existing.adapter, reason: pref === 'webgpu' ? 'requested' : 'GPU adapter' };
  }
  const gpu = opts.gpu === undefined ? defaultGpu() : opts.gpu;
  const adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
  if (!adapter) {
    if (pref === 'webgpu') throw new FlowgradError('backend', gpu ? 'WebGPU: no adapter available' : 'WebGPU is not available here (no navigator.gpu)');
    setBackend('cpu');
    return { name: 'cpu', adapter: null, reason: gpu ? 'no WebGPU adapter' : 'no WebGPU in this environment' };
  }
  const desc = describeAdapter(adapter);
  if (pref === 'auto' && desc.isFallbackAdapter) {
    setBackend('cpu');
    return { name: 'cpu', adapter: desc, reason: `only a software adapter (${desc.architecture || desc.description}); the CPU path is faster` };
  }
  registerBackend(await createWebGPUBackend(adapter));
  setBackend('webgpu');
  return { name: 'webgpu', adapter: desc, reason: pref === 'webgpu' ? 'requested' : 'GPU adapter' };
}
