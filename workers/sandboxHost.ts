/**
 * The page's side of the Custom Code sandbox (sandbox.worker.ts): a watchdog that stops the
 * worker when its heartbeat stops while a call is in flight (an endless loop in user code
 * blocks its event loop; the page stays responsive and a fresh worker starts on the next
 * call), and the answers to its requests for uploaded datasets — only those the calls in
 * flight name, read here from IndexedDB, since the sandbox has no storage of its own.
 */
import type { GraphJSON } from '../engine/graph/types.ts';
import { readDataset } from './data/store.ts';
import { BEAT_MS, HANG_LIMIT_MS, START_LIMIT_MS, isSandboxMessage, type PageMessage, type SandboxMessage } from './sandbox/protocol.ts';

/** A Custom Code node, as messages name it (nodes are known by their id on the canvas). */
export interface CodeNode {
  id: string;
  code: string;
}

/** The Custom Code nodes of a graph. */
export function customCodeNodes(graph: GraphJSON): CodeNode[] {
  return graph.nodes.filter((n) => n.type === 'CustomCode').map((n) => ({ id: n.id, code: typeof n.attrs.code === 'string' ? n.attrs.code : '' }));
}

/** "node ‘cc1’", "nodes ‘a’ and ‘b’". */
export function nameNodes(nodes: readonly Pick<CodeNode, 'id'>[]): string {
  const names = nodes.map((n) => `‘${n.id}’`);
  if (names.length > 1) return `nodes ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return names.length === 1 ? `node ${names[0]}` : 'node';
}

export interface Watched {
  nodes: CodeNode[];
  uploads: string[];
}

interface Hooks {
  /** The calls in flight (the watchdog runs only while there is one). */
  inFlight(): ReadonlySet<Watched>;
  /** The worker stopped answering: terminate it and reject its calls with this message. */
  hung(message: string, nodeId: string | undefined): void;
}

/** Listens to a sandbox worker; returns the function that stops listening. */
export function watchSandbox(worker: Worker, hooks: Hooks): () => void {
  let lastBeat = performance.now();
  let started = false;
  const onMessage = (ev: MessageEvent) => {
    const d: unknown = ev.data;
    if (!isSandboxMessage<SandboxMessage>(d)) return;
    if (d.flowgradSandbox === 'beat') {
      lastBeat = performance.now();
      started = true;
    } else if (d.flowgradSandbox === 'upload') {
      const named = [...hooks.inFlight()].some((w) => w.uploads.includes(d.id));
      const reply = (m: PageMessage) => worker.postMessage(m);
      if (!named) reply({ flowgradSandbox: 'upload-reply', req: d.req, error: `dataset '${d.id}' is not part of this run` });
      else readDataset(d.id).then((data) => reply({ flowgradSandbox: 'upload-reply', req: d.req, data }), (e: unknown) => reply({ flowgradSandbox: 'upload-reply', req: d.req, error: e instanceof Error ? e.message : String(e) }));
    }
  };
  worker.addEventListener('message', onMessage);
  const timer = setInterval(() => {
    const calls = hooks.inFlight();
    if (calls.size === 0) {
      // Idle time does not count: only silence while the worker owes an answer.
      lastBeat = Math.max(lastBeat, performance.now() - BEAT_MS);
      return;
    }
    const limit = started ? HANG_LIMIT_MS : START_LIMIT_MS;
    if (performance.now() - lastBeat <= limit) return;
    const nodes = [...new Map([...calls].flatMap((w) => w.nodes).map((n) => [n.id, n])).values()];
    const secs = Math.round(limit / 1000);
    const message = started
      ? `Custom Code ${nameNodes(nodes)} did not finish within ${secs} s (an endless loop?), so it was stopped. Fix the code and try again; the rest of the app is unaffected.`
      : `The Custom Code sandbox did not start within ${secs} s, so it was stopped. Reload the page to try again.`;
    hooks.hung(message, nodes.length === 1 ? nodes[0]!.id : undefined);
  }, 500);
  return () => {
    clearInterval(timer);
    worker.removeEventListener('message', onMessage);
  };
}
