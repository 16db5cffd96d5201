/**
 * Node-only test support: WebGPU in Node through Dawn (npm `webgpu`). Never imported by
 * engine code — only by the WebGPU tests and benchmarks — so it reaches Node through
 * `globalThis.process` and a dynamic import instead of static Node imports.
 *
 * With no GPU, Dawn needs a Vulkan driver: Debian's chromium package ships SwiftShader
 * (/usr/lib/chromium/vk_swiftshader_icd.json) and its own Vulkan loader (libvulkan.so.1)
 * outside the library path. We point VK_ICD_FILENAMES at that driver when unset, and load
 * Chromium's loader into the process first (RTLD_NODELETE, so it stays even though it is not
 * a Node addon): Dawn's own dlopen("libvulkan.so.1") then finds it already loaded.
 *
 * VK_ICD_FILENAMES must be in the real process environment: a worker thread's process.env is
 * a private copy native code cannot see, so vitest's worker threads rely on it being set in
 * the main process (see ensureVulkanEnv, called from vitest's config) or in the shell.
 */
import { registerBackend } from '../registry.ts';
import type { WebGPUBackend } from './backend.ts';
import { createWebGPUBackend } from './device.ts';

export const CHROMIUM_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;

interface NodeProcess {
  env: Record<string, string | undefined>;
  dlopen(module: { exports: unknown }, filename: string, flags?: number): void;
}

const proc = (): NodeProcess | null => (globalThis as { process?: NodeProcess }).process ?? null;

/** Sets VK_ICD_FILENAMES to Chromium's SwiftShader when no driver was chosen (call it in the main thread). */
export function ensureVulkanEnv(): void {
  const p = proc();
  if (p && !p.env.VK_ICD_FILENAMES && !p.env.VK_DRIVER_FILES) p.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

let preloaded = false;

/** Loads Chromium's Vulkan loader into the process (no-op when the system has its own). */
function preloadVulkanLoader(): void {
  const p = proc();
  if (preloaded || !p) return;
  preloaded = true;
  const RTLD_NOW = 2, RTLD_GLOBAL = 0x100, RTLD_NODELETE = 0x1000;
  try {
    p.dlopen({ exports: {} }, `${CHROMIUM_DIR}/libvulkan.so.1`, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  } catch {
    // Expected: "Module did not self-register" — the library stays loaded (RTLD_NODELETE).
    // A missing file is fine too: then the system's loader is used.
  }
}

let gpuPromise: Promise<GPU> | null = null;

/** Dawn's GPU object with WebGPU globals (GPUBufferUsage, ...) installed on globalThis. */
export function dawnGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    ensureVulkanEnv();
    preloadVulkanLoader();
    const dawn = (await import('webgpu')) as { create(flags: string[]): GPU; globals: object };
    Object.assign(globalThis, dawn.globals);
    return dawn.create([]);
  })();
  return gpuPromise;
}

/** Why no adapter was found, for a loud test failure. */
export function noAdapterHelp(): string {
  const env = proc()?.env ?? {};
  return `WebGPU (Dawn) found no adapter. VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES ?? '(unset)'}. ` +
    `Install Debian's chromium (it ships SwiftShader at ${SWIFTSHADER_ICD}) or a Vulkan driver, ` +
    `or set FLOWGRAD_SKIP_WEBGPU=1 to skip the WebGPU tests.`;
}

/** True when the WebGPU tests are to be skipped on purpose. */
export function skipWebGPU(): boolean {
  return Boolean(proc()?.env.FLOWGRAD_SKIP_WEBGPU);
}

/**
 * A WebGPU backend on Dawn for tests, registered as 'webgpu'; null when FLOWGRAD_SKIP_WEBGPU
 * is set. Throws (so CI fails loudly) when no adapter exists.
 */
export async function dawnBackend(): Promise<WebGPUBackend | null> {
  if (skipWebGPU()) return null;
  const gpu = await dawnGpu();
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error(noAdapterHelp());
  const be = await createWebGPUBackend(adapter);
  registerBackend(be);
  return be;
}
