/**
 * The TypeScript code view, edited and applied back to the graph. The accepted form is the
 * generated code itself with changed layer arguments: `dense2 = new nn.Linear(16, 24);` sets
 * dense2's units to 24. Which argument is which attribute is not written down a second time:
 * each numeric or boolean attribute of the layer is nudged in turn and the code regenerated, so
 * the generator (typescript.ts) stays the one description of the form. Anything else — a
 * line added, removed or rewritten, an argument that comes from the input's shape, a training
 * constant — is refused with the line and the reason, and the graph is left as it was.
 */
import { checkAttrs, getLayer, resolveAttrs } from '../../graph/catalog.ts';
import type { AttrValue, GraphJSON } from '../../graph/types.ts';
import { toTypeScript, type TsCodegenOptions } from './typescript.ts';

export type ApplyResult = { graph: GraphJSON; changed: string[] } | { error: { line: number; message: string } };

const FIELD = /^\s*([A-Za-z_$][\w$]*) = new nn\.(\w+)\((.*)\);\s*$/;
const TOKEN = /(?<![\w$.])-?\d+(?:\.\d+)?(?:e-?\d+)?|\btrue\b|\bfalse\b/g;
const tokens = (s: string) => [...s.matchAll(TOKEN)].map((m) => m[0]);
const parseToken = (t: string): number | boolean => (t === 'true' ? true : t === 'false' ? false : Number(t));

/** Where each argument token of `id`'s line comes from: attribute (and element) or nothing (derived). */
function argumentMap(graph: GraphJSON, opts: TsCodegenOptions, id: string, lineNo: number, base: string[]): ({ attr: string; index: number | null } | null)[] {
  const node = graph.nodes.find((n) => n.id === id)!;
  const spec = getLayer(node.type)!; // the code was generated from this node, so its type is known
  const attrs = resolveAttrs(spec, node.attrs ?? {});
  const map: ({ attr: string; index: number | null } | null)[] = base.map(() => null);
  const probe = (attr: string, value: AttrValue, index: number | null) => {
    const g = { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, attrs: { ...attrs, [attr]: value } } : n)) };
    let line: string | undefined;
    try {
      line = toTypeScript(g, opts).split('\n')[lineNo];
    } catch {
      return;
    }
    const args = line ? FIELD.exec(line)?.[3] : undefined;
    const now = args !== undefined ? tokens(args) : [];
    if (now.length !== base.length) return;
    now.forEach((t, k) => t !== base[k] && map[k] === null && (map[k] = { attr, index }));
  };
  for (const a of spec.attrs) {
    const v = attrs[a.name];
    if (typeof v === 'number') probe(a.name, v + 7919, null);
    else if (typeof v === 'boolean') probe(a.name, !v, null);
    else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'number' && probe(a.name, v.map((y, j) => (j === i ? x + 7919 : y)) as AttrValue, i));
  }
  return map;
}

export function applyTypeScript(graph: GraphJSON, opts: TsCodegenOptions, text: string): ApplyResult {
  const before = toTypeScript(graph, opts).split('\n');
  const after = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const trimmed = before.join('\n').replace(/\n+$/, '').split('\n');
  if (after.length !== trimmed.length) {
    const first = after.findIndex((l, i) => l !== trimmed[i]);
    return { error: { line: (first < 0 ? trimmed.length : first) + 1, message: `lines were ${after.length > trimmed.length ? 'added' : 'removed'}: only the arguments of the layers (the \`new nn.…(…)\` lines) can be edited and applied; change the structure on the canvas` } };
  }
  const edits = new Map<string, Record<string, AttrValue>>();
  for (let i = 0; i < after.length; i++) {
    if (after[i] === trimmed[i]) continue;
    const line = i + 1;
    const was = FIELD.exec(trimmed[i]!);
    const now = FIELD.exec(after[i]!);
    if (!was) return { error: { line, message: 'only the arguments of the layers (the `new nn.…(…)` lines) can be edited and applied; this line is derived from the graph and its settings' } };
    if (!now || now[1] !== was[1] || now[2] !== was[2]) return { error: { line, message: `keep \`${was[1]} = new nn.${was[2]}(…);\`: only its arguments can change (rename or replace layers on the canvas)` } };
    const base = tokens(was[3]!);
    const mine = tokens(now[3]!);
    if (mine.length !== base.length || now[3]!.replace(TOKEN, '#') !== was[3]!.replace(TOKEN, '#')) return { error: { line, message: `${was[1]}: change the values of the arguments, not their form (expected ${base.length} value${base.length === 1 ? '' : 's'} in the same places)` } };
    const id = was[1]!;
    const node = graph.nodes.find((n) => n.id === id);
    if (!node) return { error: { line, message: `no layer '${id}' in the graph` } };
    const spec = getLayer(node.type);
    if (!spec) return { error: { line, message: `${id}: unknown layer type '${node.type}'` } };
    const map = argumentMap(graph, opts, id, i, base);
    const attrs = edits.get(id) ?? { ...resolveAttrs(spec, node.attrs ?? {}) };
    for (let k = 0; k < base.length; k++) {
      if (mine[k] === base[k]) continue;
      const m = map[k];
      if (!m) return { error: { line, message: `${id}: ${base[k]} is not a setting of this ${spec.label}: it follows from the shape of its input (change the layers before it)` } };
      const v = parseToken(mine[k]!);
      if (m.index === null) attrs[m.attr] = v;
      else attrs[m.attr] = (attrs[m.attr] as number[]).map((x, j) => (j === m.index ? (v as number) : x));
    }
    const problem = checkAttrs(spec, attrs).find((p) => p.severity === 'error');
    if (problem) return { error: { line, message: problem.message } };
    edits.set(id, attrs);
  }
  if (edits.size === 0) return { graph, changed: [] };
  return {
    graph: { ...graph, nodes: graph.nodes.map((n) => (edits.has(n.id) ? { ...n, attrs: edits.get(n.id)! } : n)) },
    changed: [...edits.keys()],
  };
}
