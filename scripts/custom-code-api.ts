/**
 * Generates engine/graph/catalog/customCodeApi.d.ts: the declarations the Custom Code editor
 * (Monaco's JavaScript service) gets for completion — `x: Tensor` with every public Tensor
 * member, `ctx` (CustomContext) and `ctx.F` (nn.functional) — from the engine's own types
 * through the TypeScript checker, so they cannot drift: a vitest test regenerates the file
 * and fails when the checked-in copy differs. Run `npm run gen:custom-api` after changing the
 * Tensor class, nn.functional or CustomContext.
 *
 * How: the Tensor class and CustomContext are printed member by member (signatures from the
 * checker, doc comments from the source); every named type they mention (TensorLike, Dims,
 * ConvOptions...) is copied from its declaration, recursively. Internal members (`_x`,
 * private, `@internal`) are left out. The file is a module (each declaration exported), so
 * it never adds globals to the engine's own type-check; the editor strips the `export`s.
 */
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const API_FILE = join(ROOT, 'engine/graph/catalog/customCodeApi.d.ts');
const SOURCES = {
  tensor: 'engine/core/tensor.ts',
  functional: 'engine/nn/functional.ts',
  custom: 'engine/train/builders/custom.ts',
};
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

function isInternal(node: ts.Node): boolean {
  if (ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal')) return true;
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
  return mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
}

/** The `/** ... *\/` comment right before a declaration, re-indented. */
function docOf(node: ts.Node, indent: string): string {
  const src = node.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(src, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => src.startsWith('/**', r.pos)).pop();
  // A comment at the very top is the file's header, not this declaration's doc.
  if (!doc || doc.pos === 0) return '';
  const text = src.slice(doc.pos, doc.end).split('\n').map((l, i) => (i === 0 ? l : ` ${l.trim()}`)).join(`\n${indent}`);
  return `${indent}${text}\n`;
}

export function generateCustomCodeApi(): string {
  const files = Object.values(SOURCES).map((f) => join(ROOT, f));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true, noEmit: true, strict: true, lib: ['lib.es2022.d.ts'], types: [],
  });
  const checker = program.getTypeChecker();
  const sf = (f: string) => program.getSourceFile(join(ROOT, f))!;

  // Named types to copy: declaration → its text; filled while printing.
  const named = new Map<ts.Declaration, string>();
  const queue: ts.Declaration[] = [];
  const want = (d: ts.Declaration) => {
    if (named.has(d)) return;
    queue.push(d);
    named.set(d, '');
  };
  const inEngine = (d: ts.Declaration) => relative(ROOT, d.getSourceFile().fileName).startsWith('engine/');

  /** Walks a type for aliases and interfaces declared in the engine (Tensor is printed itself). */
  const seen = new Set<ts.Type>();
  const visit = (t: ts.Type): void => {
    if (seen.has(t)) return;
    seen.add(t);
    const alias = t.aliasSymbol?.declarations?.[0];
    if (alias && inEngine(alias)) {
      want(alias);
      return;
    }
    if (t.isUnionOrIntersection()) return t.types.forEach(visit);
    const sym = t.getSymbol();
    const decl = sym?.declarations?.[0];
    if (sym?.name === 'Tensor' && decl && ts.isClassDeclaration(decl)) return;
    if (decl && inEngine(decl) && ts.isInterfaceDeclaration(decl)) {
      want(decl);
      return;
    }
    if (t.flags & ts.TypeFlags.Object) {
      const ref = t as ts.TypeReference;
      for (const a of ref.target ? checker.getTypeArguments(ref) : []) visit(a);
      // Only anonymous shapes ({ reduction?: ... }, function types) are looked into: library
      // types (arrays, typed arrays) are the editor's own lib.
      if (!(ts.getObjectFlags(t) & ts.ObjectFlags.Anonymous)) return;
      for (const p of t.getProperties()) {
        const pd = p.valueDeclaration ?? p.declarations?.[0];
        if (pd) visit(checker.getTypeOfSymbolAtLocation(p, pd));
      }
      for (const s of t.getCallSignatures()) visitSignature(s);
    }
  };
  /** Named types written in a declaration's own type annotations (keeps aliases the checker expands). */
  const visitNodes = (n: ts.Node): void => {
    if (ts.isTypeReferenceNode(n)) {
      const sym = checker.getSymbolAtLocation(n.typeName);
      const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const d = target?.declarations?.[0];
      if (d && inEngine(d) && (ts.isTypeAliasDeclaration(d) || ts.isInterfaceDeclaration(d))) want(d);
    }
    ts.forEachChild(n, visitNodes);
  };
  const visitSignature = (s: ts.Signature) => {
    if (s.declaration) visitNodes(s.declaration);
    for (const p of s.getParameters()) visit(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration!));
    visit(s.getReturnType());
  };

  /** One member as an interface member: `name(...): R;` or `readonly name: T;`. */
  const member = (sym: ts.Symbol, decl: ts.Declaration, indent: string, name = sym.name): string => {
    const doc = docOf(decl, indent);
    const type = checker.getTypeOfSymbolAtLocation(sym, decl);
    const isMethod = ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isFunctionDeclaration(decl)
      || (ts.isPropertySignature(decl) && type.getCallSignatures().length > 0 && !!decl.type && ts.isTypeQueryNode(decl.type))
      || (ts.isVariableDeclaration(decl) && type.getCallSignatures().length > 0);
    if (isMethod) {
      return type.getCallSignatures().map((s) => {
        visitSignature(s);
        // Printed where the function is declared, so its types are in scope there (no import("...")).
        const at = s.declaration && !ts.isJSDocSignature(s.declaration) ? s.declaration : decl;
        // ctx.zeros etc. are `typeof zeros`: their doc is the function's.
        const own = doc || (at !== decl ? docOf(ts.isFunctionDeclaration(at) ? at : at.parent?.parent ?? at, indent) : '');
        return `${own}${indent}${name}${checker.signatureToString(s, at, FLAGS, ts.SignatureKind.Call)};\n`;
      }).join('');
    }
    visit(type);
    visitNodes(decl);
    const ro = ts.isGetAccessor(decl) ? true : !!(ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Readonly);
    const opt = sym.flags & ts.SymbolFlags.Optional ? '?' : '';
    return `${doc}${indent}${ro ? 'readonly ' : ''}${name}${opt}: ${checker.typeToString(type, decl, FLAGS)};\n`;
  };

  // Tensor: public members of the class.
  const tensorClass = sf(SOURCES.tensor).statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === 'Tensor')!;
  const tensorType = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(tensorClass.name!)!);
  let tensor = `${docOf(tensorClass, '') || '/** A tensor: shape, dtype and PyTorch-named methods; every op records its gradient. */\n'}export interface Tensor {\n`;
  for (const p of tensorType.getProperties()) {
    const decl = p.declarations?.find((d) => !isInternal(d));
    if (!decl || p.name.startsWith('_') || isInternal(decl)) continue;
    tensor += member(p, decl, '  ');
  }
  tensor += '}\n';

  // F: every value nn.functional exports.
  const fMod = checker.getSymbolAtLocation(sf(SOURCES.functional))!;
  let functional = '/** nn.functional (ctx.F): stateless layer computations in PyTorch layouts (NCHW). */\nexport interface Functional {\n';
  for (const e of checker.getExportsOfModule(fMod).sort((a, b) => a.name.localeCompare(b.name))) {
    const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    if (!(s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))) continue;
    const decl = s.valueDeclaration!;
    functional += member(s, decl, '  ', e.name);
  }
  functional += '}\n';

  // CustomContext: as the builder declares it; `F` is the interface above.
  const ctxDecl = sf(SOURCES.custom).statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'CustomContext')!;
  const ctxType = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(ctxDecl.name)!);
  let context = `${docOf(ctxDecl, '') || '/** The second argument of forward: the engine API a Custom Code body can use. */\n'}export interface CustomContext {\n`;
  for (const p of ctxType.getProperties()) {
    const decl = p.declarations![0];
    if (p.name === 'F') context += `${docOf(decl, '  ')}  F: Functional;\n`;
    else context += member(p, decl, '  ');
  }
  context += '}\n';

  // Copy the named types, following what they mention in turn.
  while (queue.length) {
    const d = queue.shift()!;
    const sym = checker.getSymbolAtLocation((d as ts.DeclarationStatement).name!)!;
    visit(checker.getDeclaredTypeOfSymbol(sym));
    if (ts.isInterfaceDeclaration(d)) for (const p of checker.getDeclaredTypeOfSymbol(sym).getProperties()) visit(checker.getTypeOfSymbolAtLocation(p, p.declarations![0]));
    visitNodes(d);
    const text = d.getText().replace(/^export\s+/, '');
    named.set(d, `${docOf(d, '')}export ${text}\n`);
  }
  const types = [...named.entries()].sort(([a], [b]) => (a as ts.DeclarationStatement).name!.getText().localeCompare((b as ts.DeclarationStatement).name!.getText())).map(([, t]) => t);

  const out = [
    '// Generated by scripts/custom-code-api.ts from the engine\'s types (Tensor, nn.functional, CustomContext).',
    '// Do not edit: run `npm run gen:custom-api`. The Custom Code editor loads it (exports stripped) into',
    '// Monaco\'s JavaScript service; a test fails when it no longer matches the engine.',
    '',
    ...types,
    tensor,
    functional,
    context,
    '/** The input batch of the node, [N, ...] (N first). */',
    'export declare const x: Tensor;',
    '/** The engine API: ctx.F, ctx.param(name, shape, init?), ctx.training and tensor factories. */',
    'export declare const ctx: CustomContext;',
    '',
  ].join('\n');
  if (out.includes('import(')) throw new Error(`custom-code-api: a type could not be named without an import: ${/.*import\(.*/.exec(out)![0]}`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generateCustomCodeApi();
  const old = (() => {
    try {
      return readFileSync(API_FILE, 'utf8');
    } catch {
      return '';
    }
  })();
  if (old === text) console.log(`${relative(ROOT, API_FILE)} is up to date`);
  else {
    writeFileSync(API_FILE, text);
    console.log(`wrote ${relative(ROOT, API_FILE)} (${text.length} characters)`);
  }
}
