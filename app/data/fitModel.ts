/**
 * "Fit model to data": the one-click fix for a graph that does not fit the chosen dataset.
 * Sets the Input's shape to the samples' shape (a model with several Inputs keeps its slices), puts a Flatten between an Input and a
 * Dense when the samples are images (the Dense needs a flat vector), and sizes the last
 * Dense before the loss: one unit per class (cross-entropy) or one output (MSE) for
 * regression; an Embedding gets a row per vocabulary token of text data. Data with a label per
 * token keeps the sequence to the end: an Embedding goes after the Input when there is none
 * (the Dense layers then score each token) and LSTM / GRU layers return every step. A pure
 * graph command, so it is undoable like any other edit.
 */
import type { GraphJSON, GraphNode } from '../../engine/graph/types.ts';
import type { DataSignature } from '../../engine/graph/dataFit.ts';
import { addNode, connect, deleteElements, newNodeId, updateAttr } from '../commands/graph.ts';

/** Layers that keep the feature count (walked through from the loss back to the last Dense). */
const PASS_THROUGH = new Set(['Softmax', 'LogSoftmax', 'Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Dropout', 'Identity']);

function feeding(g: GraphJSON, nodeId: string): GraphNode | undefined {
  const e = g.edges.find((x) => x.target === nodeId);
  return e ? g.nodes.find((n) => n.id === e.source) : undefined;
}

export function fitGraphToData(graph: GraphJSON, sig: DataSignature): GraphJSON {
  let g = graph;
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  // Several Inputs each read a slice of the sample (their offset): their shapes are the user's choice.
  for (const input of inputs.length === 1 ? inputs : []) {
    g = updateAttr(g, { nodeId: input.id, name: 'shape', value: [...sig.sampleShape] });
    if (sig.sampleShape.length <= 1) continue;
    for (const e of g.edges.filter((x) => x.source === input.id)) {
      const next = g.nodes.find((n) => n.id === e.target);
      if (next?.type !== 'Dense') continue;
      const id = newNodeId(g, 'Flatten');
      const position = { x: (input.position.x + next.position.x) / 2, y: (input.position.y + next.position.y) / 2 + 40 };
      g = addNode(g, { id, type: 'Flatten', attrs: {}, position });
      g = deleteElements(g, { edgeIds: [e.id] });
      g = connect(g, { source: input.id, sourcePort: e.sourcePort, target: id, targetPort: 'in' });
      g = connect(g, { source: id, sourcePort: 'out', target: next.id, targetPort: e.targetPort });
    }
  }
  // A label per token: each id becomes a vector (the Dense layers then act per token) and recurrent layers return every step.
  if ((sig.labelsPerSample ?? 1) > 1 && sig.vocabSize !== undefined) {
    for (const input of g.nodes.filter((n) => n.type === 'Input' && !g.edges.some((e) => e.source === n.id && g.nodes.find((x) => x.id === e.target)?.type === 'Embedding'))) {
      if (g.nodes.some((n) => n.type === 'Embedding')) break;
      const id = newNodeId(g, 'Embedding');
      g = addNode(g, { id, type: 'Embedding', attrs: { numEmbeddings: sig.vocabSize, embeddingDim: 16 }, position: { x: input.position.x + 60, y: input.position.y + 90 } });
      for (const e of g.edges.filter((x) => x.source === input.id)) {
        g = deleteElements(g, { edgeIds: [e.id] });
        g = connect(g, { source: id, sourcePort: 'out', target: e.target, targetPort: e.targetPort });
      }
      g = connect(g, { source: input.id, sourcePort: 'out', target: id, targetPort: 'in' });
    }
    for (const n of g.nodes.filter((x) => (x.type === 'LSTM' || x.type === 'GRU') && x.attrs.returnSequences !== true)) g = updateAttr(g, { nodeId: n.id, name: 'returnSequences', value: true });
  }
  // Token ids index an Embedding's rows: it needs one per vocabulary entry.
  if (sig.vocabSize !== undefined) {
    for (const n of g.nodes.filter((x) => x.type === 'Embedding')) {
      if (Number(n.attrs.numEmbeddings ?? 0) < sig.vocabSize) g = updateAttr(g, { nodeId: n.id, name: 'numEmbeddings', value: sig.vocabSize });
    }
  }
  const loss = g.nodes.find((n) => n.type === 'Loss');
  if (loss) {
    const want = sig.classes === null ? 'mse' : 'crossEntropy';
    if (loss.attrs.loss !== undefined || want !== 'crossEntropy') g = updateAttr(g, { nodeId: loss.id, name: 'loss', value: want });
    let cur = feeding(g, loss.id);
    const seen = new Set<string>();
    while (cur && PASS_THROUGH.has(cur.type) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = feeding(g, cur.id);
    }
    if (cur?.type === 'Dense') g = updateAttr(g, { nodeId: cur.id, name: 'units', value: sig.classes ?? 1 });
    // A softmax over one regression output is always 1: take it out of the chain.
    if (sig.classes === null) {
      for (const id of seen) {
        const n = g.nodes.find((x) => x.id === id)!;
        if (n.type !== 'Softmax' && n.type !== 'LogSoftmax') continue;
        const src = g.edges.find((e) => e.target === id);
        const outs = g.edges.filter((e) => e.source === id);
        g = deleteElements(g, { nodeIds: [id] });
        if (src) for (const o of outs) g = connect(g, { source: src.source, sourcePort: src.sourcePort, target: o.target, targetPort: o.targetPort });
      }
    }
  }
  return g;
}
