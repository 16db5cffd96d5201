/**
 * Vite config for the bench page only (the app's vite.config.ts is untouched): root bench/,
 * output bench/dist/, COOP/COEP headers so the page is cross-origin isolated (TF.js wasm may
 * then use threads), and tfjs-backend-wasm's .wasm binaries emitted as assets (imported with
 * `?url` in main.ts) so they are served locally.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Not minified: tfjs-backend-wasm starts its threads from the *source text* of its
    // Emscripten factory (Function.prototype.toString into a Blob), which breaks once a
    // minifier renames the names that text refers to ("e is not defined" in every worker).
    minify: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 8000,
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
