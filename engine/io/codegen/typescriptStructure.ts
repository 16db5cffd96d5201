/**
 * Structural edits in the TypeScript code view: the model class's fields
 * (`name = new nn.…(…);`) and `forward` lines (`const name = this.name.forward(src);`) say
 * which layers exist and what each reads, so a layer added (a field and its forward line), a
 * layer removed (both lines gone) or a changed input (`forward(other)`) becomes a new graph.
 * A new layer's kind is found from its constructor by asking the generator how every kind is
 * written (typescriptLayers.ts stays the one description); its arguments are applied after,
 * like any edited argument (typescriptApply.ts). Layers written as expressions (Add, Concat,
 * Reshape, ...) keep their inputs (rewire them on the canvas); Inputs, Output / Loss nodes and
 * a Softmax folded into the loss are not in the class and stay. Every refusal names its line.
 */
import { getLayer, defaultAttrs, type ModelLayerType } from '../../graph/catalog.ts';
import type { GraphEdge, GraphJSON, GraphNode } from '../../graph/types.ts';
import { planGraph, type PlanStep } from './plan.ts';
import { TS_LAYERS } from './typescriptLayers.ts';

export type StructureError = { line: number; message: string };

export const FIELD = /^\s*([A-Za-z_$][\w$]*) = new (?:nn\.)?(\w+)\((.*)\);\s*$/;
const CALL = /^\s*const ([A-Za-z_$][\w$]*) = this\.([A-Za-z_$][\w$]*)\.forward\(([A-Za-z_$][\w$]*)(\.cast\('int32'\))?\);\s*$/;
const ASSIGN = /^\s*const ([A-Za-z_$][\w$]*) = (.*);\s*(\/\/.*)?$/;
const RETURN = /^\s*return ([A-Za-z_$][\w$]*);\s*$/;

/** The class body's regions in a code text: field lines, the forward signature, its body lines and its return. */
interface Regions {
  fields: { line: number; text: string }[];
  signature: number;
  body: { line: number; text: string }[];
  ret: number;
  /** Index of the line after the class's closing brace. */
  end: number;
  start: number;
}

function regions(lines: readonly string[]): Regions | null {
  const start = lines.findIndex((l) => /^class \w+ extends nn\.Module \{$/.test(l));
  const signature = lines.findIndex((l, i) => i > start && /^\s*override forward\(/.test(l));
  if (start < 0 || signature < 0) return null;
  const ret = lines.findIndex((l, i) => i > signature && /^\s*return /.test(l));
  const end = lines.findIndex((l, i) => i > ret && l === '}');
  if (ret < 0 || end < 0) return null;
  const fields: Regions['fields'] = [];
  for (let i = start + 1; i < signature; i++) if (lines[i]!.trim()) fields.push({ line: i, text: lines[i]! });
  const body: Regions['body'] = [];
  for (let i = signature + 1; i < ret; i++) if (lines[i]!.trim()) body.push({ line: i, text: lines[i]! });
  return { fields, signature, body, ret, end: end + 1, start };
}

let kinds: Map<string, ModelLayerType> | null = null;
/** Constructor name → layer kind, read off the generator (first kind in the table's order wins: nn.Conv2d is a Conv2d). */
function kindOfConstructor(name: string): ModelLayerType | undefined {
  if (!kinds) {
    kinds = new Map();
    for (const t of Object.keys(TS_LAYERS) as ModelLayerType[]) {
      const row = TS_LAYERS[t];
      if (!row.field) continue;
      const step: PlanStep = { id: 'x', type: t, name: 'x', attrs: defaultAttrs(t), inputs: ['a'], inputShapes: [['N', 4, 4, 4]], outShape: null };
      let text: string;
      try {
        text = row.field(step);
      } catch {
        continue;
      }
      const m = /^new (?:nn\.)?(\w+)\(/.exec(text);
      if (m && !kinds.has(m[1]!)) kinds.set(m[1]!, t);
    }
  }
  return kinds.get(name);
}

export interface StructureResult {
  graph: GraphJSON;
  /** Node ids added or rewired or removed. */
  changed: string[];
}

/**
 * The graph the edited class describes (new layers with default attributes), or null when the
 * class's structure is unchanged. `before` is the generated text, `after` the edited one.
 */
export function applyStructure(graph: GraphJSON, before: readonly string[], after: readonly string[]): StructureResult | StructureError | null {
  const rb = regions(before);
  const ra = regions(after);
  if (!rb) return null;
  if (!ra) return { line: 1, message: 'the model class (`class Model extends nn.Module { … override forward(…) … return …; }`) must stay in place' };
  // Outside the class nothing may change (training settings are derived from the project).
  for (let i = 0; i <= rb.start; i++) {
    if (before[i] !== after[i]) return { line: Math.min(i, ra.start) + 1, message: 'only the model class can be edited and applied; this line is derived from the graph and its settings' };
  }
  const tailB = before.slice(rb.end), tailA = after.slice(ra.end);
  if (tailB.join('\n') !== tailA.join('\n')) {
    const k = tailA.findIndex((l, i) => l !== tailB[i]);
    return { line: ra.end + (k < 0 ? tailA.length : k) + 1, message: 'only the model class can be edited and applied; this line is derived from the graph and its settings' };
  }
  if (before[rb.signature] !== after[ra.signature]) return { line: ra.signature + 1, message: 'keep the forward signature: the model\'s inputs are the Input nodes on the canvas' };

  const plan = planGraph(graph);
  const nameToId = new Map<string, string>([...plan.steps.map((s) => [s.name, s.id] as const), ...plan.inputs.map((i) => [i.name, i.id] as const)]);
  if (!plan.inputs.length && plan.inputName) nameToId.set(plan.inputName, plan.inputName);
  const stepOf = new Map(plan.steps.map((s) => [s.name, s]));
  const fields = new Map<string, { line: number; ctor: string }>();
  for (const f of ra.fields) {
    const m = FIELD.exec(f.text);
    if (!m) return { line: f.line + 1, message: 'a field must read `name = new nn.Layer(arguments);`' };
    if (fields.has(m[1]!)) return { line: f.line + 1, message: `'${m[1]}' is declared twice` };
    fields.set(m[1]!, { line: f.line, ctor: m[2]! });
  }
  // Walk forward: which variables exist, what each line reads.
  const defined = new Set<string>(plan.inputs.length ? plan.inputs.map((i) => i.name) : [plan.inputName]);
  const calls = new Map<string, { line: number; src: string }>();
  const kept = new Set<string>();
  for (const b of ra.body) {
    const line = b.line + 1;
    const call = CALL.exec(b.text);
    const assign = ASSIGN.exec(b.text);
    if (!assign) return { line, message: 'a forward line must read `const name = this.name.forward(input);`' };
    const name = assign[1]!;
    if (defined.has(name)) return { line, message: `'${name}' is computed twice` };
    const old = stepOf.get(name);
    if (call) {
      if (call[2] !== name) return { line, message: `'const ${name} = this.${call[2]}.forward(…)': name the result after its layer (this.${name})` };
      if (!fields.has(name)) return { line, message: `this.${name} has no field: declare it in the class (\`${name} = new nn.Layer(…);\`)` };
      if (!defined.has(call[3]!)) return { line, message: `'${call[3]}' is not computed before this line` };
      if (old && !TS_LAYERS[old.type as ModelLayerType]?.field) return { line, message: `${name} is written as an expression; change it on the canvas` };
      calls.set(name, { line: b.line, src: call[3]! });
    } else {
      // An expression layer (Add, Concat, Reshape, ...): kept as generated, with its inputs.
      const was = before.slice(rb.signature + 1, rb.ret).find((l) => ASSIGN.exec(l)?.[1] === name);
      if (!old || was !== b.text) return { line, message: old ? `${name}: only layers called as \`this.${name}.forward(input)\` can be rewired in code; change this one on the canvas` : `'${name}': new layers are written as a field and \`const ${name} = this.${name}.forward(input);\`` };
      for (const v of old.inputs) if (!defined.has(v)) return { line, message: `${name} reads '${v}', which is no longer computed before it (put it back, or rewire on the canvas)` };
      kept.add(name);
    }
    defined.add(name);
  }
  for (const [name, f] of fields) if (!calls.has(name)) return { line: f.line + 1, message: `the field '${name}' is not used in forward: remove it, or call it (\`const ${name} = this.${name}.forward(input);\`)` };
  const ret = RETURN.exec(after[ra.ret]!);
  if (!ret || !defined.has(ret[1]!)) return { line: ra.ret + 1, message: 'forward must return one of the values it computed' };

  // Nothing structural changed: the argument edits alone (typescriptApply.ts).
  const same = plan.steps.every((s) => kept.has(s.name) || calls.get(s.name)?.src === s.inputs[0]) && calls.size + kept.size === plan.steps.length && ret[1] === plan.output;
  if (same) return null;

  const changed: string[] = [];
  const removed = new Set(plan.steps.filter((s) => !calls.has(s.name) && !kept.has(s.name)).map((s) => s.id));
  const nodes: GraphNode[] = graph.nodes.filter((n) => !removed.has(n.id));
  const ids = new Set(graph.nodes.map((n) => n.id));
  const posOf = (id: string) => graph.nodes.find((n) => n.id === id)?.position ?? nodes.find((n) => n.id === id)?.position ?? { x: 40, y: 160 };
  for (const [name, c] of calls) {
    if (stepOf.has(name)) continue;
    const f = fields.get(name)!;
    const type = kindOfConstructor(f.ctor);
    if (!type) return { line: f.line + 1, message: `'${f.ctor}' is not a layer Flowgrad knows how to write (use the constructors this view writes, e.g. nn.Linear, nn.Conv2d, nn.ReLU)` };
    if (ids.has(name)) return { line: c.line + 1, message: `'${name}' is already the id of a ${graph.nodes.find((n) => n.id === name)!.type} node: choose another name` };
    const src = nameToId.get(c.src) ?? c.src;
    const p = posOf(src);
    nodes.push({ id: name, type, attrs: defaultAttrs(type), position: { x: p.x + 100, y: p.y + 110 } });
    nameToId.set(name, name);
    ids.add(name);
    changed.push(name);
  }
  // Edges: the class's calls decide the first input of each called layer; everything else keeps its edges.
  const called = new Set([...calls.keys()].map((n) => nameToId.get(n)!));
  const edges: GraphEdge[] = graph.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target) && !(called.has(e.target) && e.targetPort === (getLayer(nodes.find((n) => n.id === e.target)!.type)?.inputs[0]?.name ?? 'in')));
  let k = 0;
  const edgeId = () => {
    let id: string;
    do id = `e_code${k++}`; while (graph.edges.some((e) => e.id === id) || edges.some((e) => e.id === id));
    return id;
  };
  for (const [name, c] of calls) {
    const id = nameToId.get(name)!;
    const port = getLayer(nodes.find((n) => n.id === id)!.type)?.inputs[0]?.name ?? 'in';
    const src = nameToId.get(c.src)!;
    const was = graph.edges.find((e) => e.target === id && e.targetPort === port)?.source;
    if (was !== src && !changed.includes(id)) changed.push(id);
    edges.push({ id: edgeId(), source: src, sourcePort: 'out', target: id, targetPort: port });
  }
  // What the class returns feeds the nodes outside it (a folded Softmax, the Output / Loss).
  const out = nameToId.get(ret[1]!)!;
  const mainOut = nameToId.get(plan.output);
  const inClass = new Set([...plan.steps.map((s) => s.id), ...changed]);
  for (const e of graph.edges) {
    if (inClass.has(e.target) || removed.has(e.target)) continue;
    if (e.source === mainOut && out !== mainOut) {
      edges.splice(edges.findIndex((x) => x.id === e.id), 1);
      edges.push({ ...e, source: out });
    } else if (removed.has(e.source)) {
      if (e.source !== mainOut) return { line: ra.ret + 1, message: `'${e.target}' reads '${e.source}', which was removed: rewire it on the canvas first` };
      edges.push({ ...e, source: out });
    }
  }
  for (const s of plan.steps) if (removed.has(s.id)) changed.push(s.id);
  return { graph: { ...graph, nodes, edges }, changed };
}
