import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { dataFitIssues } from '../../engine/graph/dataFit.ts';
import { fitGraphToData } from './fitModel.ts';
import { getTemplate } from '../../engine/templates/index.ts';

describe('fit model to data', () => {
  it('makes the starter graph fit tabular data with 3 classes', () => {
    const g = fitGraphToData(defaultGraph(), { sampleShape: [7], classes: 3 });
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(dataFitIssues(g, a, { sampleShape: [7], classes: 3 })).toEqual([]);
  });

  it('adds a Flatten for images and sizes the head for 10 classes', () => {
    const sig = { sampleShape: [1, 28, 28], classes: 10 };
    const before = defaultGraph();
    expect(dataFitIssues(before, analyzeGraph(before), sig).length).toBeGreaterThan(0);
    const g = fitGraphToData(before, sig);
    expect(g.nodes.filter((n) => n.type === 'Flatten')).toHaveLength(1);
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(dataFitIssues(g, a, sig)).toEqual([]);
    // Idempotent.
    expect(fitGraphToData(g, sig)).toBe(g);
  });

  it('switches to MSE with one output for regression', () => {
    const g = fitGraphToData(defaultGraph(), { sampleShape: [1], classes: null });
    expect(g.nodes.find((n) => n.type === 'Loss')!.attrs.loss).toBe('mse');
    expect(g.nodes.some((n) => n.type === 'Softmax')).toBe(false);
    expect(analyzeGraph(g).ok).toBe(true);
  });

  it('fits the Transformer to text: Input length and an Embedding row per vocabulary token', () => {
    const sig = { sampleShape: [24], classes: 3, vocabSize: 300 };
    const before = getTemplate('transformer')!.build();
    expect(dataFitIssues(before, analyzeGraph(before), sig).map((i) => i.nodeId).sort()).toEqual(['embed', 'input', 'loss']);
    const g = fitGraphToData(before, sig);
    expect(g.nodes.find((n) => n.id === 'embed')!.attrs.numEmbeddings).toBe(300);
    expect(dataFitIssues(g, analyzeGraph(g), sig)).toEqual([]);
  });

  it('fits the starter graph and the LSTM template to a label per token: an Embedding after the Input, every step returned', () => {
    const sig = { sampleShape: [12], classes: 3, vocabSize: 60, labelsPerSample: 12 };
    const g = fitGraphToData(defaultGraph(), sig);
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(dataFitIssues(g, a, sig)).toEqual([]);
    const embed = g.nodes.find((n) => n.type === 'Embedding')!;
    expect(embed.attrs.numEmbeddings).toBe(60);
    expect(g.edges.some((e) => e.source === 'input' && e.target === embed.id)).toBe(true);
    // The scores reaching the loss: one row of 3 per token.
    const lossIn = g.edges.find((e) => e.target === g.nodes.find((n) => n.type === 'Loss')!.id)!;
    expect(a.shapes[lossIn.source]).toEqual(['N', 12, 3]);
    expect(fitGraphToData(g, sig)).toBe(g);
    const lstm = fitGraphToData(getTemplate('lstm')!.build(), sig);
    expect(lstm.nodes.find((n) => n.type === 'LSTM')!.attrs.returnSequences).toBe(true);
    expect(dataFitIssues(lstm, analyzeGraph(lstm), sig)).toEqual([]);
  });

  it('leaves the slices of a model with several Inputs alone', () => {
    const g0 = defaultGraph();
    const input = g0.nodes.find((n) => n.type === 'Input')!;
    const second = { ...input, id: 'input2', attrs: { shape: [3], offset: 2 } };
    const g = { ...g0, nodes: [...g0.nodes, second] };
    const fitted = fitGraphToData(g, { sampleShape: [5], classes: 2 });
    expect(fitted.nodes.find((n) => n.id === 'input2')!.attrs).toEqual({ shape: [3], offset: 2 });
    expect(fitted.nodes.find((n) => n.id === input.id)!.attrs.shape).toEqual(input.attrs.shape);
  });
});
