/**
 * Reads the engine's import graph from its source (static `import`/`export ... from`, and
 * `import('...')`), so engine/test/dependencies.test.ts can hold the folders to one direction
 * and scripts can count what points the wrong way. Node-only (engine/test is test support).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** File -> files it imports, paths relative to the repository root ('engine/train/fit.ts'). */
export type ImportGraph = Map<string, string[]>;

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"?]+)/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The import graph of every non-test source file under `dir` (imports leaving `dir` included). */
export function readImports(root: string, dir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(join(root, dir))) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => relative(root, resolve(dirname(file), m[1]!)));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** Files reachable from `entries` (the modules a product actually loads). */
export function reachable(graph: ImportGraph, entries: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries].filter((e) => graph.has(e));
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const t of graph.get(f) ?? []) if (graph.has(t) && !seen.has(t)) todo.push(t);
  }
  return seen;
}

/** engine/<folder>/... -> <folder>; a file at engine/'s top -> '.'. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : '.';
}

/** Folder -> folder edges with the file pairs behind each ('from -> to' keys). */
export function folderEdges(graph: ImportGraph, files: Set<string>): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const f of files) {
    for (const t of graph.get(f) ?? []) {
      if (!t.startsWith('engine/')) continue;
      const a = folderOf(f);
      const b = folderOf(t);
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      edges.set(key, [...(edges.get(key) ?? []), `${f} -> ${t}`]);
    }
  }
  return edges;
}

/** One cycle in a directed graph of folders, or null (depth-first search). */
export function findCycle(edges: Iterable<string>): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const [a, b] = e.split(' -> ') as [string, string];
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of next.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of next.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
