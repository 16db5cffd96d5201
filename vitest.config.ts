import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// WebGPU tests (engine/backend/webgpu) run Dawn on the SwiftShader Vulkan driver that Debian's
// chromium ships, unless a driver is chosen with VK_ICD_FILENAMES: the WebGPU tests take 25 s on
// SwiftShader and 164 s on Mesa 25's lavapipe (measured here; pipeline creation dominates).
// A system driver is used only when SwiftShader is missing. Set here, in the main process:
// native code reads the real environment, which test worker threads cannot change.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;

// Unit and engine tests run in Node. Browser journeys live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'workers/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'threads',
  },
});
