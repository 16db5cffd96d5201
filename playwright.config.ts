/**
 * End-to-end tests in Debian's Chromium (no browser download), against the production build
 * served by `vite preview` (same COOP/COEP headers and service worker as the hosted app).
 * WebGPU is enabled so Chromium exposes its SwiftShader adapter.
 */
import { defineConfig } from '@playwright/test';

// Overridable so several checkouts can run their suites side by side.
const port = Number(process.env.FLOWGRAD_E2E_PORT ?? 4173);
// Build folder, overridable for the same reason (two builds into one dist/ would clash).
const outDir = process.env.FLOWGRAD_E2E_OUTDIR ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 720 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--enable-unsafe-webgpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx vite build --logLevel warn --outDir ${outDir} && npx vite preview --outDir ${outDir} --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
