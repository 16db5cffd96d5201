import { describe, expect, it } from 'vitest';
import { dataFitIssues, withDataFit } from './dataFit.ts';
import { analyzeGraph } from './analyze.ts';
import { defaultGraph } from './format.ts';

const data = { sampleShape: [2], classes: 2 };

describe('dataFitIssues', () => {
  it('a graph made for the data fits', () => {
    const g = defaultGraph();
    expect(dataFitIssues(g, analyzeGraph(g), data)).toEqual([]);
    expect(withDataFit(g, analyzeGraph(g), data).ok).toBe(true);
  });

  it('reports a wrong Input shape on the Input node, naming the fix', () => {
    const g = defaultGraph();
    g.nodes.find((n) => n.type === 'Input')!.attrs.shape = [3];
    const [issue] = dataFitIssues(g, analyzeGraph(g), data);
    expect(issue).toMatchObject({ nodeId: 'input', attr: 'shape', code: 'data-mismatch', severity: 'error' });
    expect(issue.message).toMatch(/set its shape to 2/);
  });

  it('reports a class-count mismatch on the Loss node', () => {
    const g = defaultGraph();
    g.nodes.find((n) => n.id === 'dense3')!.attrs.units = 3;
    const a = withDataFit(g, analyzeGraph(g), data);
    expect(a.ok).toBe(false);
    expect(a.issues.at(-1)).toMatchObject({ nodeId: 'loss', code: 'data-mismatch' });
    expect(a.issues.at(-1)!.message).toMatch(/2 classes.*predicts 3/);
  });

  it('regression data and MSE heads have no class constraint', () => {
    const g = defaultGraph();
    g.nodes.find((n) => n.id === 'dense3')!.attrs.units = 3;
    expect(dataFitIssues(g, analyzeGraph(g), { sampleShape: [2], classes: null })).toEqual([]);
    g.nodes.find((n) => n.type === 'Loss')!.attrs.loss = 'mse';
    expect(dataFitIssues(g, analyzeGraph(g), data)).toEqual([]);
  });
});
