/**
 * The model summary table (like Keras' `model.summary()`): one row per layer in the order data
 * flows (the analysis' topological order, then layers off that path), with its output shape,
 * parameters, FLOPs per sample and where its inputs come from; totals at the end. Pure: read
 * from engine/graph's analysis, so it matches the canvas and the inspector exactly. Also as
 * plain text, for copying into a report.
 */
import type { GraphAnalysis, GraphJSON } from '../../engine/graph/types.ts';

export interface SummaryRow {
  id: string;
  type: string;
  /** e.g. "N×16"; null where the shape could not be inferred. */
  shape: string | null;
  params: number;
  flops: number;
  /** Source node ids, in input-port order. */
  inputs: string[];
}

export interface ModelSummaryTable {
  rows: SummaryRow[];
  totalParams: number;
  totalFlops: number;
}

/** Shapes as the canvas writes them (the batch dimension is already in them, as N). */
const shapeText = (s: readonly (number | string)[] | null | undefined) => (!s ? null : s.length === 0 ? 'scalar' : s.join('×'));

export function modelSummary(graph: GraphJSON, analysis: GraphAnalysis): ModelSummaryTable {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ids = [...analysis.order.filter((id) => byId.has(id)), ...graph.nodes.map((n) => n.id).filter((id) => !analysis.order.includes(id))];
  const rows = ids.map((id) => ({
    id,
    type: byId.get(id)!.type,
    shape: shapeText(analysis.shapes[id]),
    params: analysis.params[id] ?? 0,
    flops: analysis.flops[id] ?? 0,
    inputs: graph.edges.filter((e) => e.target === id).map((e) => e.source),
  }));
  return { rows, totalParams: analysis.totalParams, totalFlops: analysis.totalFlops };
}

/** The table as fixed-width text, Keras-style. `label` names a layer type for people. */
export function summaryText(t: ModelSummaryTable, label: (type: string) => string = (x) => x): string {
  const head = ['Layer (type)', 'Output shape', 'Params', 'FLOPs', 'Connected to'];
  const body = t.rows.map((r) => [`${r.id} (${label(r.type)})`, r.shape ?? '?', r.params.toLocaleString('en-US'), r.flops.toLocaleString('en-US'), r.inputs.join(', ')]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((x, c) => (c >= 2 && c <= 3 ? x.padStart(widths[c]) : x.padEnd(widths[c]))).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [line(head), rule, ...body.map(line), rule, `Total params: ${t.totalParams.toLocaleString('en-US')}`, `FLOPs per sample: ${t.totalFlops.toLocaleString('en-US')}`].join('\n');
}
