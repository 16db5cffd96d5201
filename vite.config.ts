/**
 * Vite: React app + module worker, COOP/COEP headers (cross-origin isolation, so
 * SharedArrayBuffer exists for multi-threaded CPU kernels), and the PWA service worker that
 * precaches the app shell so Flowgrad loads and trains offline after the first visit.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Monaco (the code view; the Custom Code editor adds its JavaScript service: ~5 MB in all) is
 * loaded on demand. Every chunk and worker holding Monaco code is named monaco-*, whatever the
 * bundler splits out, so the service worker can leave all of them out of the precache.
 */
const MONACO = '/node_modules/monaco-editor/';
const monacoName = (ids: readonly (string | null)[]) => (ids.some((id) => id?.includes(MONACO)) ? 'assets/monaco-[name]-[hash].js' : 'assets/[name]-[hash].js');

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    react(),
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
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
        // Monaco loads on demand and is cached when first used, not precached on every first
        // visit; offline before that, the code view and the Custom Code editor use plain text.
        globIgnores: ['**/monaco-*', '**/CodeEditor-*', '**/CustomCodeEditor-*'],
        runtimeCaching: [{ urlPattern: /\/assets\/(monaco-|CodeEditor-|CustomCodeEditor-).*\.(js|css)$/, handler: 'CacheFirst', options: { cacheName: 'flowgrad-code-editor' } }],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  worker: { format: 'es', rolldownOptions: { output: { entryFileNames: (c) => monacoName([c.facadeModuleId]) } } },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: true, rolldownOptions: { output: { chunkFileNames: (c) => monacoName(c.moduleIds) } } },
});
