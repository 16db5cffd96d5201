/**
 * Graph analysis (shapes, parameters, issues) for the graph on the canvas. `analyzeGraph` is
 * pure and fast, but dragging a node changes the graph object every frame; since moves keep
 * each node's `attrs` object and the edges array, a structural comparison lets the previous
 * analysis be reused while only positions change.
 */
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import type { GraphAnalysis, GraphJSON } from '../../engine/graph/types.ts';
import { withDataFit } from '../../engine/graph/dataFit.ts';
import type { DataSignature } from '../../engine/graph/dataFit.ts';
import { useApp } from './index.ts';

let last: { graph: GraphJSON; data: DataSignature; analysis: GraphAnalysis } | null = null;

function sameStructure(a: GraphJSON, b: GraphJSON): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => n.id === b.nodes[i].id && n.type === b.nodes[i].type && n.attrs === b.nodes[i].attrs);
}

/** Analysis of the graph, including whether it fits the data it will train on (by default the chosen dataset's). */
export function analyze(graph: GraphJSON, data: DataSignature = useApp.getState().dataSignature): GraphAnalysis {
  if (last && last.data === data && sameStructure(last.graph, graph)) {
    last.graph = graph;
    return last.analysis;
  }
  let analysis: GraphAnalysis;
  try {
    analysis = withDataFit(graph, analyzeGraph(graph), data);
  } catch (e) {
    // The analyzer should never throw; if it does, say so instead of blanking the app.
    analysis = {
      ok: false,
      issues: [{ nodeId: null, code: 'bad-attr', severity: 'error', message: `Could not analyze the graph: ${(e as Error).message}` }],
      shapes: {}, edgeShapes: {}, params: {}, flops: {}, totalParams: 0, totalFlops: 0, order: [],
    };
  }
  last = { graph, data, analysis };
  return analysis;
}

export function useAnalysis(): GraphAnalysis {
  const graph = useApp((s) => s.graph);
  const data = useApp((s) => s.dataSignature);
  return analyze(graph, data);
}

/** Structural fingerprint (ignores positions): do trained weights still fit this graph? */
export function structureKey(g: GraphJSON): string {
  const nodes = [...g.nodes].sort((a, b) => a.id.localeCompare(b.id)).map((n) => [n.id, n.type, n.attrs]);
  const edges = [...g.edges].map((e) => e.id).sort();
  return JSON.stringify([nodes, edges]);
}
