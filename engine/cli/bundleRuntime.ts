/**
 * Compiles the standalone bundle's runtime (engine/bundle/runtime.ts and the engine it uses)
 * into one self-contained ES module with esbuild: what `flowgrad export --format bundle`
 * puts in the zip, and what vite.config.ts serves the app's worker. Node only (esbuild);
 * one compile per process.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const RUNTIME_ENTRY = fileURLToPath(new URL('../bundle/runtime.ts', import.meta.url));

let compiled: Promise<string> | null = null;

/** The runtime module's text (minified, no imports: Node's fs is reached by a dynamic import only when reading file: URLs). */
export function compileBundleRuntime(): Promise<string> {
  compiled ??= build({
    entryPoints: [RUNTIME_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    banner: { js: '// Flowgrad standalone runtime: the engine\'s forward (CPU and WebGPU) and preprocessing. Generated; see README.md.' },
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return compiled;
}
