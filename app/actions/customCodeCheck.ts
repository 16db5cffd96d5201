/**
 * Live errors for Custom Code nodes: shortly after a node's code (or the shape reaching it)
 * changes, the worker parses the body and runs it on a dummy batch — what compiling the graph
 * for training would do — and a problem lands in `engineErrors`, so it shows on the node and
 * in the inspector like any error the engine reports. Results are cached by (code, shapes):
 * an unrelated edit clears `engineErrors`, and the known problem is put back at once without
 * asking the worker again. The editor reads the same results (with the line) for its markers.
 * Code not yet trusted (codeTrust.ts) is never sent: the node shows why instead. A check that
 * hangs (an endless loop) is stopped by the sandbox's watchdog and becomes this node's problem.
 */
import { EngineError, getEngine, type CodeProblem } from '../../workers/client.ts';
import { UNTRUSTED_MESSAGE, isCodeTrusted, subscribeTrust } from './codeTrust.ts';
import type { GraphJSON, GraphAnalysis, Shape } from '../../engine/graph/types.ts';
import { analyze } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';

const CHECK_DELAY_MS = 250;
const MAX_CACHED = 200;

interface Target {
  nodeId: string;
  code: string;
  inSample: number[] | null;
  outSample: number[] | null;
  key: string;
  /** The code may run (codeTrust.ts); untrusted code is shown as such and never checked. */
  trusted: boolean;
}

/** A shape's per-sample dims when they are all numbers (`['N', 3, 4]` → [3, 4]), else null. */
function sample(s: Shape | null | undefined): number[] | null {
  if (!s || s.length === 0) return null;
  const dims = s.slice(1);
  return dims.every((d) => typeof d === 'number') ? (dims as number[]) : null;
}

/** What to check for each Custom Code node of the graph. */
export function codeTargets(graph: GraphJSON, analysis: GraphAnalysis): Target[] {
  const out: Target[] = [];
  for (const n of graph.nodes) {
    if (n.type !== 'CustomCode') continue;
    const code = typeof n.attrs.code === 'string' ? n.attrs.code : '';
    const edge = graph.edges.find((e) => e.target === n.id && e.targetPort === 'in');
    const inSample = edge ? sample(analysis.edgeShapes[edge.id] ?? analysis.shapes[edge.source]) : null;
    const outSample = inSample ? sample(analysis.shapes[n.id]) : null;
    out.push({ nodeId: n.id, code, inSample, outSample, key: JSON.stringify([code, inSample, outSample]), trusted: isCodeTrusted(code) });
  }
  return out;
}

const results = new Map<string, CodeProblem | null>();
const inFlight = new Set<string>();
const listeners = new Set<() => void>();
/** Messages this module put in engineErrors, by node: only those are taken back. */
const ours = new Map<string, string>();

/** The last check of this node's current code: a problem, null when fine, undefined while unknown. */
export function codeProblem(nodeId: string): CodeProblem | null | undefined {
  const s = useApp.getState();
  const t = codeTargets(s.graph, analyze(s.graph)).find((x) => x.nodeId === nodeId);
  return t ? results.get(t.key) : undefined;
}

/** Whether this node's check runs the code on a dummy batch (a shape reaches it) or only parses it. */
export function runsOnBatch(nodeId: string): boolean {
  const s = useApp.getState();
  return !!codeTargets(s.graph, analyze(s.graph)).find((x) => x.nodeId === nodeId)?.inSample;
}

export function subscribeCodeChecks(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Puts every known problem of the current graph into engineErrors and takes back fixed ones. */
function apply(targets: Target[]): void {
  const s = useApp.getState();
  let errors = s.engineErrors;
  const set = (id: string, msg: string | undefined) => {
    if (errors[id] === msg) return;
    errors = { ...errors };
    if (msg === undefined) delete errors[id];
    else errors[id] = msg;
  };
  for (const id of [...ours.keys()]) if (!targets.some((t) => t.nodeId === id)) ours.delete(id);
  for (const t of targets) {
    const p = t.trusted ? results.get(t.key) : { code: 'graph' as const, message: UNTRUSTED_MESSAGE };
    if (p) {
      set(t.nodeId, p.message);
      ours.set(t.nodeId, p.message);
    } else if (p === null && ours.has(t.nodeId)) {
      if (errors[t.nodeId] === ours.get(t.nodeId)) set(t.nodeId, undefined);
      ours.delete(t.nodeId);
    }
  }
  if (errors !== s.engineErrors) s.patchRun({ engineErrors: errors });
}

function check(t: Target, targets: () => Target[]): void {
  inFlight.add(t.key);
  getEngine()
    .checkCustomCode(t.code, t.inSample, t.outSample, t.nodeId)
    .then(
      (p) => p,
      // A hang is this code's problem; otherwise the engine could not run the check at all
      // (worker failed to start, code no longer allowed): say nothing.
      (e: unknown): CodeProblem | undefined => (e instanceof EngineError && e.code === 'timeout' ? { code: 'graph', message: e.message } : undefined),
    )
    .then((p) => {
      inFlight.delete(t.key);
      if (p === undefined) return;
      if (results.size >= MAX_CACHED) results.delete(results.keys().next().value!);
      results.set(t.key, p);
      apply(targets());
      for (const f of listeners) f();
    });
}

/** Starts checking Custom Code nodes as the graph changes; returns the stop function. */
export function installCustomCodeChecks(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const current = () => {
    const s = useApp.getState();
    return s.graph.nodes.some((n) => n.type === 'CustomCode') ? codeTargets(s.graph, analyze(s.graph)) : [];
  };
  const run = () => {
    timer = null;
    const targets = current();
    for (const t of targets) if (t.trusted && !results.has(t.key) && !inFlight.has(t.key)) check(t, current);
    apply(targets);
  };
  // Applied after the store's listeners have all seen this change, not from inside one of them.
  const applySoon = () => queueMicrotask(() => apply(current()));
  const unsub = useApp.subscribe((s, prev) => {
    if (s.graph !== prev.graph || s.dataSignature !== prev.dataSignature) {
      // Known results go back at once (an edit cleared engineErrors); new code waits for a pause in typing.
      applySoon();
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, CHECK_DELAY_MS);
    } else if (s.engineErrors !== prev.engineErrors && ours.size > 0) {
      applySoon();
    }
  });
  // Allowing code (or typing it) starts its checks at once.
  const unTrust = subscribeTrust(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, 0);
  });
  run();
  return () => {
    unsub();
    unTrust();
    if (timer) clearTimeout(timer);
  };
}
