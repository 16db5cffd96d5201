/**
 * Does the graph fit the dataset? A graph can be valid on its own yet not fit the data
 * chosen for it: the Input's shape must be the samples' shape, and a cross-entropy head must
 * predict as many classes as the data has (every one, in a model with several). With several
 * Inputs, each reads a slice of a sample's values (its offset) that must lie inside it. Reported on the node to change, before training,
 * so the canvas shows it as the user edits. Pure, like the rest of engine/graph.
 */
import type { GraphAnalysis, GraphIssue, GraphJSON } from './types.ts';
import { getLayer, resolveAttrs } from './catalog.ts';

export interface DataSignature {
  /** Shape of one sample (batch dimension excluded), e.g. [2] for 2-D points. */
  sampleShape: number[];
  /** Number of classes for classification data; null for regression targets. */
  classes: number | null;
  /** Token-id data: ids run from 0 to vocabSize − 1, so an Embedding reading them needs that many rows. */
  vocabSize?: number;
  /** Token classification: this many labels per sample (one per token), so the model predicts [N, labelsPerSample, classes]. */
  labelsPerSample?: number;
}

export function dataFitIssues(graph: GraphJSON, analysis: GraphAnalysis, data: DataSignature): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const want = data.sampleShape.join(',');
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  const inputSpec = getLayer('Input');
  const total = data.sampleShape.reduce((a, b) => a * b, 1);
  for (const n of inputs) {
    const shape = analysis.shapes[n.id];
    if (!shape) continue;
    const have = shape.slice(1).join(',');
    const offset = inputSpec ? Number(resolveAttrs(inputSpec, n.attrs).offset ?? 0) : 0;
    if (inputs.length === 1 && offset === 0) {
      if (have !== want) {
        issues.push({ nodeId: n.id, attr: 'shape', code: 'data-mismatch', severity: 'error', message: `Input: the dataset's samples have shape [${want}], but this Input expects [${have}] — set its shape to ${want}` });
      }
      continue;
    }
    // Several Inputs (or an offset): each reads its own slice of a sample's flattened values.
    const size = shape.slice(1).reduce<number>((a, b) => a * Number(b), 1);
    if (offset + size > total) {
      issues.push({ nodeId: n.id, attr: 'offset', code: 'data-mismatch', severity: 'error', message: `Input: reads values ${offset} to ${offset + size - 1} of each sample, but the dataset's samples hold ${total} values — lower its offset or its shape` });
    }
  }
  if (data.vocabSize !== undefined) {
    const emb = getLayer('Embedding');
    for (const n of graph.nodes) {
      if (n.type !== 'Embedding' || !emb) continue;
      const rows = Number(resolveAttrs(emb, n.attrs).numEmbeddings);
      if (rows < data.vocabSize) issues.push({ nodeId: n.id, attr: 'numEmbeddings', code: 'data-mismatch', severity: 'error', message: `Embedding: the dataset's vocabulary has ${data.vocabSize} tokens, but this Embedding holds ${rows} — set numEmbeddings to ${data.vocabSize}` });
    }
  }
  const spec = getLayer('Loss');
  for (const loss of graph.nodes.filter((n) => n.type === 'Loss')) {
    if (!spec || data.classes === null) break;
    const kind = resolveAttrs(spec, loss.attrs).loss;
    const edge = graph.edges.find((e) => e.target === loss.id);
    const pred = edge ? analysis.shapes[edge.source] : null;
    const c = pred?.[pred.length - 1];
    if ((kind === 'crossEntropy' || kind === 'nll' || kind === 'klDiv') && typeof c === 'number' && c !== data.classes) {
      issues.push({ nodeId: loss.id, code: 'data-mismatch', severity: 'error', message: `Output / Loss: the dataset has ${data.classes} classes, but the model predicts ${c} scores — make the last Dense layer ${data.classes} units` });
    }
    const per = data.labelsPerSample ?? 1;
    if (per > 1 && (kind === 'crossEntropy' || kind === 'nll') && pred && !(pred.length === 3 && pred[1] === per)) {
      issues.push({
        nodeId: loss.id, code: 'data-mismatch', severity: 'error',
        message: `Output / Loss: the dataset labels every token (${per} labels per sample), but the model predicts [${pred.join(', ')}] — keep the sequence to the end ([N, ${per}, ${data.classes}]: an LSTM with return sequences, or a Transformer block, then Dense ${data.classes} units)`,
      });
    }
  }
  return issues;
}

/** The analysis with data-fit issues added (ok becomes false when any is an error). */
export function withDataFit(graph: GraphJSON, analysis: GraphAnalysis, data: DataSignature): GraphAnalysis {
  const extra = dataFitIssues(graph, analysis, data);
  if (extra.length === 0) return analysis;
  return { ...analysis, ok: false, issues: [...analysis.issues, ...extra] };
}
