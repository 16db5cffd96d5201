/**
 * The TypeScript code view, edited and applied back to the graph. The accepted form is the
 * generated code itself with changed layer arguments — `dense2 = new nn.Linear(16, 24);` sets
 * dense2's units to 24 — and, inside the model class, layers added, removed or given another
 * input (typescriptStructure.ts). Which argument is which attribute is not written down a
 * second time: each numeric or boolean attribute of the layer is nudged in turn and the code
 * regenerated, so the generator (typescript.ts) stays the one description of the form.
 * Anything else — a line outside the class, an argument that comes from the input's shape, a
 * training constant — is refused with the line and the reason, and the graph is left as it was.
 */
import { checkAttrs, getLayer, resolveAttrs } from '../../graph/catalog.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import type { AttrValue, GraphJSON } from '../../graph/types.ts';
import { planGraph } from './plan.ts';
import { toTypeScript, type TsCodegenOptions } from './typescript.ts';
import { FIELD, applyStructure } from './typescriptStructure.ts';

export type ApplyResult = { graph: GraphJSON; changed: string[] } | { error: { line: number; message: string } };

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

/**
 * One edited field line against the line the generator writes for that layer: the changed
 * arguments as the node's attributes (in `attrs`, keyed by node id), or the refusal.
 */
function argumentEdit(graph: GraphJSON, opts: TsCodegenOptions, generated: string, genIndex: number, edited: string, line: number, edits: Map<string, Record<string, AttrValue>>): { line: number; message: string } | null {
  const was = FIELD.exec(generated);
  const now = FIELD.exec(edited);
  if (!was) return { line, message: 'only the arguments of the layers (the `new nn.…(…)` lines) can be edited and applied; this line is derived from the graph and its settings' };
  if (!now || now[1] !== was[1] || now[2] !== was[2]) return { line, message: `keep \`${was[1]} = new nn.${was[2]}(…);\`: only its arguments can change (to replace a layer, write the new one's two lines under a new name in place of its own)` };
  const base = tokens(was[3]!);
  const mine = tokens(now[3]!);
  if (mine.length !== base.length || now[3]!.replace(TOKEN, '#') !== was[3]!.replace(TOKEN, '#')) return { line, message: `${was[1]}: change the values of the arguments, not their form (expected ${base.length} value${base.length === 1 ? '' : 's'} in the same places)` };
  const plan = planGraph(graph);
  const id = plan.steps.find((st) => st.name === was[1])?.id ?? was[1]!;
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) return { line, message: `no layer '${id}' in the graph` };
  const spec = getLayer(node.type);
  if (!spec) return { line, message: `${id}: unknown layer type '${node.type}'` };
  const map = argumentMap(graph, opts, id, genIndex, base);
  const attrs = edits.get(id) ?? { ...resolveAttrs(spec, node.attrs ?? {}) };
  for (let k = 0; k < base.length; k++) {
    if (mine[k] === base[k]) continue;
    const m = map[k];
    if (!m) return { line, message: `${id}: ${base[k]} is not a setting of this ${spec.label}: it follows from the shape of its input (change the layers before it)` };
    const v = parseToken(mine[k]!);
    if (m.index === null) attrs[m.attr] = v;
    else attrs[m.attr] = (attrs[m.attr] as number[]).map((x, j) => (j === m.index ? (v as number) : x));
  }
  const problem = checkAttrs(spec, attrs).find((p) => p.severity === 'error');
  if (problem) return { line, message: problem.message };
  edits.set(id, attrs);
  return null;
}

const withEdits = (graph: GraphJSON, edits: Map<string, Record<string, AttrValue>>): GraphJSON => ({ ...graph, nodes: graph.nodes.map((n) => (edits.has(n.id) ? { ...n, attrs: edits.get(n.id)! } : n)) });

export function applyTypeScript(graph: GraphJSON, opts: TsCodegenOptions, text: string): ApplyResult {
  const before = toTypeScript(graph, opts).replace(/\n+$/, '').split('\n');
  const after = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const structure = applyStructure(graph, before, after);
  if (structure && 'line' in structure) return { error: structure };
  if (structure) return applyOnNewStructure(structure.graph, structure.changed, opts, before, after);
  if (after.length !== before.length) {
    const first = after.findIndex((l, i) => l !== before[i]);
    return { error: { line: (first < 0 ? before.length : first) + 1, message: `lines were ${after.length > before.length ? 'added' : 'removed'} outside the model class: only the class (its layers and forward) can be edited and applied` } };
  }
  const edits = new Map<string, Record<string, AttrValue>>();
  for (let i = 0; i < after.length; i++) {
    if (after[i] === before[i]) continue;
    const problem = argumentEdit(graph, opts, before[i]!, i, after[i]!, i + 1, edits);
    if (problem) return { error: problem };
  }
  if (edits.size === 0) return { graph, changed: [] };
  return { graph: withEdits(graph, edits), changed: [...edits.keys()] };
}

/**
 * After a structural edit: the new graph's code is generated (new layers with their default
 * attributes) and each edited field line is compared with its layer's line there, so the
 * arguments typed for a new layer (or changed on an old one) become its attributes; a line
 * left as generated keeps its layer's settings (its input size follows the new shapes). The
 * result must pass the graph's checks; a problem is reported at its layer's line.
 */
function applyOnNewStructure(graph: GraphJSON, changed: string[], opts: TsCodegenOptions, before: string[], after: string[]): ApplyResult {
  // A field line left as it was generated keeps its layer's settings (its input size may change with the structure).
  const untouched = new Set(before.filter((l) => FIELD.test(l)));
  const regenerated = toTypeScript(graph, opts).split('\n');
  const fieldAt = new Map<string, number>();
  regenerated.forEach((l, i) => {
    const m = FIELD.exec(l);
    if (m && !fieldAt.has(m[1]!)) fieldAt.set(m[1]!, i);
  });
  const edits = new Map<string, Record<string, AttrValue>>();
  const lineOf = new Map<string, number>();
  for (let i = 0; i < after.length; i++) {
    const m = FIELD.exec(after[i]!);
    if (!m || !fieldAt.has(m[1]!)) continue;
    lineOf.set(m[1]!, i + 1);
    const g = fieldAt.get(m[1]!)!;
    if (regenerated[g] === after[i] || untouched.has(after[i]!)) continue;
    const problem = argumentEdit(graph, opts, regenerated[g]!, g, after[i]!, i + 1, edits);
    if (problem) return { error: problem };
  }
  const result = withEdits(graph, edits);
  const issue = analyzeGraph(result).issues.find((x) => x.severity === 'error');
  if (issue) {
    const name = issue.nodeId ? (planGraph(result).steps.find((st) => st.id === issue.nodeId)?.name ?? issue.nodeId) : null;
    const at = (name !== null ? lineOf.get(name) : undefined) ?? after.findIndex((l) => name !== null && new RegExp(`^\\s*const ${name} = `).test(l)) + 1;
    return { error: { line: at > 0 ? at : 1, message: issue.message } };
  }
  return { graph: result, changed: [...new Set([...changed, ...edits.keys()])] };
}
