// The Custom Code editor's declarations stay in step with the engine: the checked-in file is
// exactly what the generator makes from the engine's types now; every public Tensor member, every
// nn.functional export and every ctx member that exists at run time is declared (and nothing
// that does not exist); and bodies type-check against it as the editor checks them.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../engine/core/tensor.ts';
import { tensor as makeTensor } from '../engine/ops/creation.ts';
import * as F from '../engine/nn/functional.ts';
import { DEFAULT_CUSTOM_CODE } from '../engine/graph/catalog/custom.ts';
import { checkCustomCode } from '../engine/train/builders/custom.ts';
import { CUSTOM_CODE_LIB, SHADOW_LINES, shadowSource } from '../app/panels/customCodeLib.ts';
import { API_FILE, generateCustomCodeApi } from './custom-code-api.ts';

/** Members of `interface name { ... }` in the editor's lib, parsed with TypeScript. */
function declared(name: string): Set<string> {
  const sf = ts.createSourceFile('lib.d.ts', CUSTOM_CODE_LIB, ts.ScriptTarget.Latest, true);
  const decl = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!decl) throw new Error(`interface ${name} is not declared`);
  return new Set(decl.members.map((m) => m.name!.getText(sf)));
}

/** Type diagnostics the editor shows for a body: its shadow copy checked with the lib, as `line: message` (syntax errors come from the edited body itself). */
function diagnose(body: string): string[] {
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const files: Record<string, string> = { '/api.d.ts': CUSTOM_CODE_LIB, '/body.js': shadowSource(body) };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v, ...rest) => (f in files ? ts.createSourceFile(f, files[f], v) : read(f, v, ...rest));
  host.fileExists = (f) => f in files || ts.sys.fileExists(f);
  host.readFile = (f) => files[f] ?? ts.sys.readFile(f);
  const program = ts.createProgram(['/api.d.ts', '/body.js'], options, host);
  return [...program.getSemanticDiagnostics(), ...program.getDeclarationDiagnostics()].map((d) => {
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 - (d.file.fileName === '/body.js' ? SHADOW_LINES : 0) : 0;
    return `${d.file?.fileName === '/body.js' ? line : d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('Custom Code editor declarations', () => {
  it('the checked-in file is what the generator makes from the engine (npm run gen:custom-api)', () => {
    expect(readFileSync(API_FILE, 'utf8')).toBe(generateCustomCodeApi());
  });

  it('declare every public Tensor member, nn.functional export and ctx member, and nothing more', () => {
    const proto = Object.getOwnPropertyNames(Tensor.prototype).filter((k) => k !== 'constructor' && !k.startsWith('_'));
    const fields = Object.keys(makeTensor([1])).filter((k) => !k.startsWith('_'));
    const tensor = declared('Tensor');
    expect([...proto, ...fields].filter((k) => !tensor.has(k))).toEqual([]);
    expect([...tensor].filter((k) => !proto.includes(k) && !fields.includes(k))).toEqual([]);
    expect(tensor.has('relu') && tensor.has('matmul') && tensor.has('shape')).toBe(true);

    const fns = Object.keys(F).filter((k) => typeof (F as Record<string, unknown>)[k] === 'function');
    const functional = declared('Functional');
    expect(fns.filter((k) => !functional.has(k))).toEqual([]);
    expect([...functional].filter((k) => !fns.includes(k))).toEqual([]);

    // The ctx a body really receives, captured from a run of the check.
    const seen = globalThis as { ctxKeys?: string[] };
    expect(checkCustomCode('globalThis.ctxKeys = Object.keys(ctx); return x;', [2], [2])).toBeNull();
    const context = declared('CustomContext');
    expect(seen.ctxKeys!.filter((k) => !context.has(k)).sort()).toEqual([]);
    expect([...context].filter((k) => !seen.ctxKeys!.includes(k))).toEqual([]);
  });

  it('type-checks bodies as the editor does: good ones clean, mistakes reported', () => {
    expect(diagnose(DEFAULT_CUSTOM_CODE)).toEqual([]);
    expect(diagnose("const w = ctx.param('w', [3, x.shape[1]]);\nconst h = ctx.F.linear(x, w).relu();\nreturn ctx.F.dropout(h, 0.1, ctx.training).add(ctx.ones([3]));")).toEqual([]);
    expect(diagnose('const a = 1;\nreturn x.reluu(a);')).toEqual([expect.stringMatching(/^2: Property 'reluu' does not exist on type 'Tensor'/)]);
    expect(diagnose('return ctx.F.linear(x);')).toEqual([expect.stringMatching(/^1: Expected 2-3 arguments/)]);
    expect(diagnose('x.relu();')).toEqual([expect.stringMatching(/must return a value/)]);
  });
});
