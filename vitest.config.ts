import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// WebGPU tests (engine/backend/webgpu) run Dawn on the SwiftShader Vulkan driver that Debian's
// chromium ships, unless a Vulkan driver is installed or chosen. Set here, in the main process:
// native code reads the real environment, which test worker threads cannot change.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasDriver = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].some((d) => existsSync(d) && readdirSync(d).length > 0);
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !hasDriver && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;

// Unit and engine tests run in Node. Browser journeys live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'workers/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'threads',
  },
});
