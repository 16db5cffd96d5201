/**
 * Compiles the standalone bundle's runtime (engine/bundle/runtime.ts and the engine it uses)
 * into one self-contained ES module with esbuild: what `flowgrad export --format bundle`
 * puts in the zip, and what vite.config.ts serves the app's worker. Node only (esbuild);
 * one compile per process.
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIME_ENTRY = fileURLToPath(new URL('../bundle/runtime.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

let compiled: Promise<string> | null = null;

/** The runtime module's text (minified, no imports: Node's fs is reached by a dynamic import only when reading file: URLs); compiled once per process. */
export function compileBundleRuntime(): Promise<string> {
  compiled ??= buildRuntimeText();
  return compiled;
}

/** A fresh compile (the dev server's, after engine edits), with the absolute paths of the files it read. */
export async function buildRuntimeText(): Promise<string>;
export async function buildRuntimeText(withInputs: true): Promise<{ text: string; inputs: string[] }>;
export async function buildRuntimeText(withInputs = false): Promise<string | { text: string; inputs: string[] }> {
  const r = await build({
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
    metafile: withInputs,
    absWorkingDir: REPO,
  });
  const text = r.outputFiles[0]!.text;
  return withInputs ? { text, inputs: Object.keys(r.metafile?.inputs ?? {}).map((f) => resolve(REPO, f)) } : text;
}
