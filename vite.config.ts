/**
 * Vite: React app + module worker, COOP/COEP headers (cross-origin isolation, so
 * SharedArrayBuffer exists for multi-threaded CPU kernels), and the PWA service worker that
 * precaches the app shell so Flowgrad loads and trains offline after the first visit; the
 * Content-Security-Policy (csp.config.ts) on every response of the dev and preview servers,
 * the Custom Code sandbox worker's own one included (it is built into sandbox/).
 */
import { randomBytes } from 'node:crypto';
import { defineConfig, type Connect, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { SANDBOX_DIR, cspFor } from './csp.config.ts';
import { buildRuntimeText } from './engine/cli/bundleRuntime.ts';

/**
 * Monaco (the code view; the Custom Code editor adds its JavaScript service: ~11 MB in all) is
 * loaded on demand. Every chunk and worker holding Monaco code is named monaco-*, whatever the
 * bundler splits out, so it is easy to tell apart in the build.
 */
const MONACO = '/node_modules/monaco-editor/';
const monacoName = (ids: readonly (string | null)[]) => (ids.some((id) => id?.includes(MONACO)) ? 'assets/monaco-[name]-[hash].js' : 'assets/[name]-[hash].js');
/** Worker entries: the Custom Code sandbox in its own folder (its own CSP header), the rest as chunks are. */
const workerName = (id: string | null) => (id?.endsWith('/workers/sandbox.worker.ts') ? `${SANDBOX_DIR}/[name]-[hash].js` : monacoName([id]));

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Sends the CSP from the dev and preview servers. The dev server's HTML has one inline script
 * (React Refresh's preamble): the dev server gives it a nonce made at start, which only the
 * dev policy admits; the build has no inline script and its policy no nonce.
 */
function csp(): Plugin {
  let nonce: string | undefined;
  const set: Connect.NextHandleFunction = (req, res, next) => {
    res.setHeader('Content-Security-Policy', cspFor(req.url ?? '/', nonce));
    next();
  };
  return {
    name: 'flowgrad-csp',
    config(_, env) {
      if (env.command !== 'serve' || env.isPreview) return;
      nonce = randomBytes(16).toString('base64');
      return { html: { cspNonce: nonce } };
    },
    configureServer: (server) => void server.middlewares.use(set),
    configurePreviewServer: (server) => void server.middlewares.use(set),
  };
}

/**
 * `virtual:flowgrad-bundle-runtime`: the standalone bundle's runtime (engine/bundle/runtime.ts
 * compiled by esbuild into one module) as a string, for the worker's File → Export standalone
 * bundle. The worker imports it on demand, so it is its own chunk (precached like the others:
 * the export works offline); the dev server recompiles it when an engine file it holds changes.
 */
function bundleRuntime(): Plugin {
  const id = 'virtual:flowgrad-bundle-runtime';
  return {
    name: 'flowgrad-bundle-runtime',
    resolveId: { filter: { id: /^virtual:flowgrad-bundle-runtime$/ }, handler: () => `\0${id}` },
    load: {
      filter: { id: /^\0virtual:flowgrad-bundle-runtime$/ },
      async handler() {
        const { text, inputs } = await buildRuntimeText(true);
        for (const f of inputs) this.addWatchFile(f);
        return `export default ${JSON.stringify(text)};`;
      },
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    csp(),
    bundleRuntime(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      includeAssets: ['favicon.svg', 'icon-192.png', 'icon-512.png'],
      manifest: {
        name: 'Flowgrad',
        short_name: 'Flowgrad',
        description: 'Design, train and ship neural networks in your browser.',
        theme_color: '#14161b',
        background_color: '#14161b',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm,ttf,woff2}'],
        // Monaco is loaded on demand by the page, but precached by the service worker (in the
        // background, after the first visit), so the code view and the Custom Code editor work
        // offline too; its TypeScript worker (~7 MB) is over workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  worker: { format: 'es', plugins: () => [bundleRuntime()], rolldownOptions: { output: { entryFileNames: (c) => workerName(c.facadeModuleId) } } },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: true, rolldownOptions: { output: { chunkFileNames: (c) => monacoName(c.moduleIds) } } },
});
