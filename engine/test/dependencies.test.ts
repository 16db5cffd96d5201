/**
 * Holds the engine's folders to one direction (docs/ARCHITECTURE.md, "Dependency direction"):
 * a folder imports only folders on a lower layer, so no two folders import each other, even
 * through others. The tensor kernel is the one deliberate exception: Tensor's methods call
 * the ops, the ops call the backends and autograd, so those folders are one unit and only
 * the unit as a whole is placed. Checked on the modules the products load (reached from the
 * folders' index files, the CLI, the examples, app/ and workers/); test tables that only tests
 * load (the op cases, the WebGPU self-test) may import upward.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycle, folderEdges, folderOf, reachable, readImports } from './imports.ts';

/** Bottom to top. A folder may import folders of lower layers only (inside the kernel: any kernel folder). */
export const LAYERS: readonly (readonly string[])[] = [
  ['core', 'backend', 'ops', 'autograd', 'amp', 'compile'], // the tensor kernel
  ['bytes'], // capped inflate and the ZIP reader, under every parser
  ['nn', 'optim', 'metrics', 'graph'], // modules and optimizers on tensors; metrics on arrays; the graph format
  ['project'], // the project contract: training config, data pipeline description, project file
  ['data'], // parsers, preparation, loaders, built-in datasets
  ['io', 'templates'], // code generators; template projects
  ['train'], // builds models from graphs and trains them
  ['compress'], // pruning, quantization and distillation of trained models
  ['bundle'], // the standalone inference bundle: its runtime (the engine's forward) and zip writer
  ['.'], // engine/index.ts, the public API
  ['cli', 'examples', 'test'], // programs on the public API; test support
];
const KERNEL = 0;

const root = resolve(import.meta.dirname, '../..');
const engine = readImports(root, 'engine');
const users = [...readImports(root, 'app'), ...readImports(root, 'workers')].flatMap(([, ts]) => ts);
const entries = [
  ...[...engine.keys()].filter((f) => /^engine\/([^/]+\/)?index\.ts$/.test(f) || /^engine\/(cli|examples)\//.test(f)),
  ...users.filter((t) => t.startsWith('engine/')),
];
const product = reachable(engine, entries);
const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
const edges = folderEdges(engine, product);

describe('engine folder dependencies', () => {
  it('places every engine folder on a layer', () => {
    const folders = readdirSync(resolve(root, 'engine'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !layerOf.has(f))).toEqual([]);
  });

  it('points every import between folders down the layers', () => {
    const wrong = [...edges].filter(([key]) => {
      const [a, b] = key.split(' -> ').map((f) => layerOf.get(f) ?? -1) as [number, number];
      return !(b < a || (a === KERNEL && b === KERNEL));
    });
    expect(wrong.map(([key, files]) => `${key}: ${files.join(', ')}`)).toEqual([]);
  });

  it('has no cycle between folders (the kernel counted as one)', () => {
    const unit = (f: string) => (layerOf.get(f) === KERNEL ? 'kernel' : f);
    const collapsed = [...edges.keys()].map((k) => k.split(' -> ').map(unit).join(' -> ')).filter((k) => !/^(\S+) -> \1$/.test(k));
    expect(findCycle(collapsed)).toBeNull();
  });

  it('finds the imports it checks (the reader is not blind)', () => {
    expect(product.size).toBeGreaterThan(100);
    expect(edges.get('train -> project')?.length).toBeGreaterThan(0);
    expect(findCycle(['a -> b', 'b -> c', 'c -> a'])).toEqual(['a', 'b', 'c', 'a']);
    expect(folderOf('engine/index.ts')).toBe('.');
  });
});
