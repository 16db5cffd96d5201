/**
 * Auto-layout (Ctrl+L / the toolbar button): ELK's layered layout, computed in ELK's own web
 * worker so the page stays responsive however big the graph. The result is applied as one
 * undoable edit, then the view is fitted. If the graph changed structurally while ELK was
 * working, the stale result is dropped.
 */
import type { ELK } from 'elkjs/lib/elk-api';
import { fromElk, toElk, type ElkIn } from '../commands/elkGraph.ts';
import { canvasBridge } from '../canvas/bridge.ts';
import { useApp } from '../store/index.ts';

let elk: Promise<ELK> | null = null;

function getElk(): Promise<ELK> {
  return (elk ??= Promise.all([import('elkjs/lib/elk-api.js'), import('elkjs/lib/elk-worker.min.js?worker')]).then(
    ([api, worker]) => new api.default({ workerFactory: () => new worker.default() }) as ELK,
  ));
}

export async function autoLayout(): Promise<void> {
  const s = useApp.getState();
  const graph = s.graph;
  if (graph.nodes.length === 0) return;
  try {
    const instance = await getElk();
    const size = canvasBridge.size?.();
    const aspect = size && size.height > 0 ? size.width / size.height : undefined;
    const result = (await instance.layout(toElk(graph, s.measured, aspect) as Parameters<ELK['layout']>[0])) as ElkIn;
    const now = useApp.getState();
    if (now.graph.nodes.length !== graph.nodes.length || now.graph.edges !== graph.edges) return;
    const origin = { x: Math.min(...graph.nodes.map((n) => n.position.x)), y: Math.min(...graph.nodes.map((n) => n.position.y)) };
    now.edit((g) => fromElk(g, result, origin));
    setTimeout(() => canvasBridge.fitView?.(), 30);
  } catch (e) {
    useApp.getState().notify('error', `Auto-layout failed: ${(e as Error).message}`);
  }
}
