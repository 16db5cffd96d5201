import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { modelSummary, summaryText } from './modelSummary.ts';

describe('model summary table', () => {
  it('lists the starter model in data-flow order with shapes, parameters and FLOPs', () => {
    const g = defaultGraph();
    // Shuffle the file order: the table follows the data, not the file.
    const shuffled = { ...g, nodes: [...g.nodes].reverse() };
    const t = modelSummary(shuffled, analyzeGraph(shuffled));
    expect(t.rows.map((r) => r.id)).toEqual(['input', 'dense1', 'relu1', 'dense2', 'relu2', 'dense3', 'softmax', 'loss']);
    const dense1 = t.rows[1];
    expect(dense1).toMatchObject({ type: 'Dense', shape: 'N×16', params: 2 * 16 + 16, inputs: ['input'] });
    expect(t.rows[3].params).toBe(16 * 16 + 16);
    expect(t.rows.reduce((a, r) => a + r.params, 0)).toBe(t.totalParams);
    expect(t.totalParams).toBe(354);
    expect(t.rows.reduce((a, r) => a + r.flops, 0)).toBe(t.totalFlops);
  });

  it('keeps layers off the Input→Loss path, with unknown shapes', () => {
    const g = defaultGraph();
    g.nodes.push({ id: 'stray', type: 'ReLU', attrs: {}, position: { x: 0, y: 0 } });
    const t = modelSummary(g, analyzeGraph(g));
    expect(t.rows.at(-1)).toMatchObject({ id: 'stray', shape: null, params: 0, inputs: [] });
  });

  it('prints Keras-style text with totals', () => {
    const g = defaultGraph();
    const text = summaryText(modelSummary(g, analyzeGraph(g)));
    expect(text.split('\n')[0]).toMatch(/^Layer \(type\) +Output shape +Params +FLOPs +Connected to$/);
    expect(text).toMatch(/dense2 \(Dense\) +N×16 +272 +\d+ +relu1/);
    expect(text).toContain('Total params: 354');
  });
});
