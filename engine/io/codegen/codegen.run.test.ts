// The generated TypeScript runs for every model layer kind: for each kind's tiny graph
// (engine/test/graph/layerCases.ts) the export is written to a file, type-checked against
// the engine's public API with the TypeScript compiler, and executed (one short epoch on
// its placeholder data). A kind whose row in typescriptLayers.ts names a class or option
// the engine does not export fails here, not in a user's terminal.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { MODEL_LAYER_TYPES, tinyGraph } from '../../test/graph/layerCases.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import { toPyTorch, toTypeScript } from './index.ts';

const ENGINE = resolve('engine');
// Inside the repository (ignored by git: dot-named .tmp folder), so the compiler finds the engine's types.
const DIR = resolve(`.codegen-run-tmp-${process.pid}`);
const TRAINING = { ...DEFAULT_TRAIN_CONFIG, epochs: 1, batchSize: 64, validationSplit: 0.25, scheduler: { type: 'none' as const }, earlyStopping: null };

function write(type: string): string {
  const file = join(DIR, `${type}.ts`);
  writeFileSync(file, toTypeScript(tinyGraph(type as (typeof MODEL_LAYER_TYPES)[number]), { training: TRAINING, engineRoot: ENGINE }));
  return file;
}

describe('generated TypeScript for every layer kind', () => {
  beforeAll(() => mkdirSync(DIR, { recursive: true }));
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('type-checks against the engine API', () => {
    const files = MODEL_LAYER_TYPES.map(write);
    try {
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, lib: ['lib.es2022.d.ts'], types: ['node', '@webgpu/types'],
      });
      const problems = ts.getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(resolve(d.file.fileName)))
        .map((d) => `${d.file!.fileName.slice(DIR.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(problems).toEqual([]);
    } finally {
      for (const f of files) rmSync(f, { force: true });
    }
  }, 180_000);

  for (const type of MODEL_LAYER_TYPES) {
    it(`${type}: the generated file runs an epoch`, async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ write(type));
        expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/^epoch 1: loss \d+\.\d+\s+val_loss \d+\.\d+/);
      } finally {
        log.mockRestore();
        rmSync(join(DIR, `${type}.ts`), { force: true });
      }
    });
  }

  it('the PyTorch export has a module or forward line for every kind (no placeholder)', () => {
    for (const type of MODEL_LAYER_TYPES) {
      const py = toPyTorch(tinyGraph(type));
      expect(py, type).not.toMatch(/no PyTorch equivalent|undefined|NaN|\[object/);
      expect(py, type).toMatch(/\n {8}layer(, _)? = /);
    }
  });
});
