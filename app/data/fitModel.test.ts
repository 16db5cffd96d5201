import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { dataFitIssues } from '../../engine/graph/dataFit.ts';
import { fitGraphToData } from './fitModel.ts';

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
});
