// Keeps "How to add a layer" (docs/ARCHITECTURE.md) honest: every per-layer table is keyed
// by the catalog's LayerType, so a kind added to the catalog without its rows must fail to
// type-check. This compiles the tables twice with the TypeScript compiler: as they are (no
// errors), and with a kind 'Phantom' added to the catalog (an error in every table).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

/** Every table a layer kind needs a row in (the checklist's rows, one file each). */
const TABLES = [
  'engine/train/builders/index.ts',
  'engine/io/codegen/pytorchLayers.ts',
  'engine/io/codegen/typescriptLayers.ts',
  'engine/io/onnx/layers.ts',
  'app/canvas/summaries.ts',
  'engine/test/graph/layerCases.ts',
  'engine/compress/layers.ts',
].map((f) => resolve(f));

const CATALOG_ENTRY_FILE = resolve('engine/graph/catalog/activations.ts');
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, lib: ['lib.es2022.d.ts'], types: ['@webgpu/types'],
};

/** Type errors in each table file, with `catalogEntry` (a new ACTIVATIONS entry) added when given. */
function tableErrors(catalogEntry: string | null, old?: ts.Program): { errors: Map<string, string[]>; program: ts.Program } {
  const host = ts.createCompilerHost(OPTIONS);
  const original = readFileSync(CATALOG_ENTRY_FILE, 'utf8');
  const marker = 'export const ACTIVATIONS = [\n';
  if (!original.includes(marker)) throw new Error(`${CATALOG_ENTRY_FILE} no longer declares ACTIVATIONS as this test expects`);
  const patched = catalogEntry === null ? original : original.replace(marker, `${marker}  ${catalogEntry},\n`);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    resolve(name) === CATALOG_ENTRY_FILE ? ts.createSourceFile(name, patched, lang) : getSourceFile(name, lang, onError, create);
  const program = ts.createProgram(TABLES, OPTIONS, host, old);
  const errors = new Map(TABLES.map((t) => [t, [] as string[]]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file && resolve(d.file.fileName);
    if (file && errors.has(file)) errors.get(file)!.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return { errors, program };
}

describe('per-layer tables are complete by type', () => {
  it('compile as they are, and each fails to compile when the catalog gains a kind without its row', () => {
    const clean = tableErrors(null);
    for (const [file, errs] of clean.errors) expect(errs, file).toEqual([]);
    const phantom = tableErrors("shapePreserving('Phantom', 'Phantom', 'activation', 'A kind added to the catalog without its rows.')", clean.program);
    for (const [file, errs] of phantom.errors) expect(errs.join('\n'), file).toContain("'Phantom'");
  }, 180_000);
});
