import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze.ts';
import { defaultGraph } from './format.ts';
import type { Attrs, GraphAnalysis, GraphJSON, IssueCode } from './types.ts';

type N = [id: string, type: string, attrs?: Attrs];
type E = [source: string, target: string, targetPort?: string, sourcePort?: string];

/** Builds a graph from compact node and edge lists; edge ids are `source>target.port`. */
function graph(nodes: N[], edges: E[]): GraphJSON {
  return {
    format: 'flowgrad.graph',
    version: 1,
    nodes: nodes.map(([id, type, attrs = {}], i) => ({ id, type, attrs, position: { x: i * 100, y: 0 } })),
    edges: edges.map(([source, target, targetPort = 'in', sourcePort = 'out']) => ({ id: `${source}>${target}.${targetPort}`, source, sourcePort, target, targetPort })),
  };
}
const codes = (a: GraphAnalysis) => a.issues.map((i) => `${i.code}@${i.nodeId}`);
const only = (a: GraphAnalysis, code: IssueCode) => a.issues.filter((i) => i.code === code);

const MLP: N[] = [['x', 'Input'], ['d', 'Dense', { units: 3 }], ['loss', 'Loss']];
const MLP_E: E[] = [['x', 'd'], ['d', 'loss']];

describe('analyzeGraph on valid graphs', () => {
  it('accepts the default graph with shapes, params, flops and order', () => {
    const a = analyzeGraph(defaultGraph());
    expect(a.issues).toEqual([]);
    expect(a.ok).toBe(true);
    expect(a.shapes).toEqual({
      input: ['N', 2], dense1: ['N', 16], relu1: ['N', 16], dense2: ['N', 16], relu2: ['N', 16], dense3: ['N', 2], softmax: ['N', 2], loss: [],
    });
    expect(a.params).toMatchObject({ dense1: 48, dense2: 272, dense3: 34, relu1: 0, loss: 0 });
    expect(a.totalParams).toBe(48 + 272 + 34);
    expect(a.flops.dense2).toBe(2 * 16 * 16);
    expect(a.totalFlops).toBe(2 * (2 * 16 + 16 * 16 + 16 * 2));
    expect(a.order).toEqual(['input', 'dense1', 'relu1', 'dense2', 'relu2', 'dense3', 'softmax', 'loss']);
    expect(a.edgeShapes.e_input_dense1).toEqual(['N', 2]);
    expect(a.edgeShapes.e_softmax_loss).toEqual(['N', 2]);
  });

  it('orders nodes topologically whatever their order in the file', () => {
    const g = graph([['loss', 'Loss'], ['d2', 'Dense', { units: 2 }], ['x', 'Input'], ['d1', 'Dense']], [['d1', 'd2'], ['x', 'd1'], ['d2', 'loss']]);
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(a.order).toEqual(['x', 'd1', 'd2', 'loss']);
  });

  it('handles branches that join with Add and Concat', () => {
    const g = graph(
      [['x', 'Input', { shape: [4] }], ['a', 'Dense', { units: 8 }], ['b', 'Dense', { units: 8 }], ['sum', 'Add'], ['cat', 'Concat'], ['out', 'Dense', { units: 3 }], ['loss', 'Loss']],
      [['x', 'a'], ['x', 'b'], ['a', 'sum', 'a'], ['b', 'sum', 'b'], ['sum', 'cat', 'a'], ['x', 'cat', 'b'], ['cat', 'out'], ['out', 'loss']],
    );
    const a = analyzeGraph(g);
    expect(a.issues).toEqual([]);
    expect(a.shapes.sum).toEqual(['N', 8]);
    expect(a.shapes.cat).toEqual(['N', 12]);
    expect(a.totalParams).toBe(2 * (4 * 8 + 8) + 12 * 3 + 3);
    expect(a.order[0]).toBe('x');
    expect(a.order.indexOf('sum')).toBeGreaterThan(a.order.indexOf('b'));
    expect(a.order.at(-1)).toBe('loss');
  });

  it('fills missing attributes with defaults', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense'], ['loss', 'Loss', { loss: 'mse' }]], MLP_E));
    expect(a.ok).toBe(true);
    expect(a.shapes.d).toEqual(['N', 16]);
  });

  it('analyzes a 1,000-node chain (linear time, no recursion)', () => {
    const nodes: N[] = [['x', 'Input']];
    const edges: E[] = [];
    for (let i = 0; i < 998; i++) {
      nodes.push([`n${i}`, i % 2 ? 'ReLU' : 'Dense', { units: 4 }].slice(0, i % 2 ? 2 : 3) as N);
      edges.push([nodes[i]![0], `n${i}`]);
    }
    nodes.push(['loss', 'Loss']);
    edges.push(['n997', 'loss']);
    const a = analyzeGraph(graph(nodes, edges));
    expect(a.issues).toEqual([]);
    expect(a.order).toHaveLength(1000);
    expect(a.shapes.n997).toEqual(['N', 4]);
    expect(a.totalParams).toBe(2 * 4 + 4 + 498 * (4 * 4 + 4));
  });
});

describe('analyzeGraph issues', () => {
  it('reports an unconnected input port on its node', () => {
    const a = analyzeGraph(graph(MLP, [['d', 'loss']]));
    expect(a.ok).toBe(false);
    expect(a.issues).toContainEqual({ nodeId: 'd', code: 'missing-input', severity: 'error', message: "Dense: input 'in' is not connected" });
    expect(a.shapes.d).toBeNull();
    expect(a.shapes.loss).toBeNull(); // no cascade: the loss gets no shape, and no shape error
    expect(only(a, 'shape-mismatch')).toEqual([]);
    expect(codes(a)).toContain('unreachable@loss');
    expect(codes(a)).toContain('unused@x');
  });

  it('reports two edges into one port', () => {
    const g = graph([...MLP, ['y', 'Input']], [...MLP_E, ['y', 'd']]);
    const a = analyzeGraph(g);
    expect(only(a, 'extra-input')).toEqual([expect.objectContaining({ nodeId: 'd', severity: 'error', message: expect.stringMatching(/Dense: input 'in' has 2 connections/) })]);
    expect(a.shapes.d).toBeNull();
  });

  it('reports bad attributes with the attribute name, and skips their shapes', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense', { units: 0 }], ['drop', 'Dropout', { p: 1 }], ['loss', 'Loss']], [['x', 'd'], ['d', 'drop'], ['drop', 'loss']]));
    expect(a.issues).toEqual([
      expect.objectContaining({ nodeId: 'd', attr: 'units', code: 'bad-attr', severity: 'error' }),
      expect.objectContaining({ nodeId: 'drop', attr: 'p', code: 'bad-attr', severity: 'error' }),
    ]);
    expect(a.shapes.d).toBeNull();
    expect(a.shapes.x).toEqual(['N', 2]);
  });

  it('keeps unknown attributes as warnings only', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense', { units: 3, color: 'red' }], ['loss', 'Loss']], MLP_E));
    expect(a.ok).toBe(true);
    expect(a.issues).toEqual([expect.objectContaining({ nodeId: 'd', attr: 'color', code: 'bad-attr', severity: 'warning' })]);
  });

  it('puts a shape mismatch on the node that fails, with its message', () => {
    const g = graph(
      [['x', 'Input'], ['a', 'Dense', { units: 16 }], ['b', 'Dense', { units: 8 }], ['sum', 'Add'], ['relu', 'ReLU'], ['loss', 'Loss']],
      [['x', 'a'], ['x', 'b'], ['a', 'sum', 'a'], ['b', 'sum', 'b'], ['sum', 'relu'], ['relu', 'loss']],
    );
    const a = analyzeGraph(g);
    expect(a.issues).toEqual([{
      nodeId: 'sum', code: 'shape-mismatch', severity: 'error',
      message: 'Add: inputs [N,16] and [N,8] cannot be added: last dimensions 16 and 8 differ (they must be equal, or one of them 1)',
    }]);
    expect(a.shapes.sum).toBeNull();
    expect(a.shapes.relu).toBeNull();
    expect(a.edgeShapes['sum>relu.in']).toBeNull();
    expect(a.edgeShapes['a>sum.a']).toEqual(['N', 16]);
  });

  it('sets attr on shape errors caused by an attribute', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['s', 'Softmax', { dim: 5 }], ['loss', 'Loss']], [['x', 's'], ['s', 'loss']]));
    expect(a.issues).toEqual([expect.objectContaining({ nodeId: 's', attr: 'dim', code: 'shape-mismatch' })]);
  });

  it('reports crossEntropy on a single score', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense', { units: 1 }], ['loss', 'Loss']], MLP_E));
    expect(codes(a)).toEqual(['shape-mismatch@loss']);
  });

  it('reports every node of a loop, and only those', () => {
    const g = graph(
      [['x', 'Input'], ['a', 'Dense'], ['b', 'Add'], ['c', 'ReLU'], ['after', 'Dense', { units: 2 }], ['loss', 'Loss']],
      [['x', 'a'], ['a', 'b', 'a'], ['c', 'b', 'b'], ['b', 'c'], ['c', 'after'], ['after', 'loss']],
    );
    const a = analyzeGraph(g);
    expect(only(a, 'cycle').map((i) => i.nodeId).sort()).toEqual(['b', 'c']);
    expect(only(a, 'cycle')[0]!.message).toMatch(/loop with 'c'/);
    expect(a.ok).toBe(false);
    expect(a.shapes.a).toEqual(['N', 16]);
    expect(a.shapes.after).toBeNull();
    expect(a.order).not.toContain('b');
  });

  it('tells loops apart from the nodes between them', () => {
    // x → a ⇄ b → mid → c → d → e → c (second loop) ; mid is in no loop.
    const g = graph(
      [['x', 'Input'], ['a', 'Add'], ['b', 'ReLU'], ['mid', 'Tanh'], ['c', 'Add'], ['d', 'ReLU'], ['e', 'Tanh'], ['loss', 'Loss']],
      [['x', 'a', 'a'], ['b', 'a', 'b'], ['a', 'b'], ['b', 'mid'], ['mid', 'c', 'a'], ['e', 'c', 'b'], ['c', 'd'], ['d', 'e'], ['e', 'loss']],
    );
    const cyc = only(analyzeGraph(g), 'cycle');
    expect(cyc.map((i) => i.nodeId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cyc.find((i) => i.nodeId === 'c')!.message).toMatch(/loop with 'd', 'e'/);
  });

  it('reports a node connected to itself', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['s', 'Add'], ['loss', 'Loss']], [['x', 's', 'a'], ['s', 's', 'b'], ['s', 'loss']]));
    expect(only(a, 'cycle')).toEqual([expect.objectContaining({ nodeId: 's', message: expect.stringMatching(/connected to itself/) })]);
  });

  it('reports a missing Input and a missing Loss on the whole graph', () => {
    expect(codes(analyzeGraph(graph([['d', 'Dense']], [])))).toEqual(['missing-input@d', 'no-input-node@null', 'no-loss-node@null']);
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense']], [['x', 'd']]));
    expect(codes(a)).toEqual(['no-loss-node@null']);
    expect(a.order).toEqual([]);
    expect(a.totalParams).toBe(2 * 16 + 16); // still counted while the model is being built
    expect(analyzeGraph(graph([], [])).ok).toBe(false);
  });

  it('accepts several Loss nodes (multi-output models train their weighted sum)', () => {
    const a = analyzeGraph(graph([...MLP, ['loss2', 'Loss']], [...MLP_E, ['d', 'loss2']]));
    expect(codes(a)).toEqual([]);
    expect(a.order).toContain('loss2');
  });

  it('warns about a dead branch and leaves it out of order and totals', () => {
    const a = analyzeGraph(graph([...MLP, ['side', 'Dense', { units: 100 }], ['relu', 'ReLU']], [...MLP_E, ['x', 'side'], ['side', 'relu']]));
    expect(a.ok).toBe(true);
    expect(a.issues).toEqual([
      { nodeId: 'side', code: 'unused', severity: 'warning', message: 'Dense: its output does not lead to the Output / Loss, so it does not affect training' },
      expect.objectContaining({ nodeId: 'relu', code: 'unused', severity: 'warning' }),
    ]);
    expect(a.order).toEqual(['x', 'd', 'loss']);
    expect(a.params.side).toBe(300);
    expect(a.totalParams).toBe(9);
  });

  it('reports a Loss that no Input reaches', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['d', 'Dense'], ['e', 'Dense', { units: 2 }], ['loss', 'Loss']], [['x', 'd'], ['e', 'loss']]));
    expect(codes(a)).toEqual(['missing-input@e', 'unreachable@loss', 'unused@x', 'unused@d']);
  });

  it('reports unknown layer types without cascading', () => {
    const a = analyzeGraph(graph([['x', 'Input'], ['c', 'Conv9'], ['loss', 'Loss']], [['x', 'c'], ['c', 'loss']]));
    expect(a.issues).toEqual([expect.objectContaining({ nodeId: 'c', code: 'unknown-type', message: expect.stringMatching(/Unknown layer type 'Conv9'/) })]);
    expect(a.shapes.c).toBeNull();
  });

  it('reports edges to missing nodes and ports as bad-port', () => {
    const g = graph(MLP, [...MLP_E, ['ghost', 'd'], ['x', 'loss', 'labels'], ['loss', 'd', 'in', 'out']]);
    const a = analyzeGraph(g);
    const bad = only(a, 'bad-port');
    expect(bad.map((i) => i.nodeId)).toEqual(['d', 'loss', 'loss']);
    expect(bad[0]!.message).toMatch(/node 'ghost', which does not exist/);
    expect(bad[1]!.message).toMatch(/input 'labels', which does not exist \(its inputs are 'in'\)/);
    expect(bad[2]!.message).toMatch(/output 'out', which does not exist \(it has no outputs\)/);
    expect(a.edgeShapes['ghost>d.in']).toBeNull();
    expect(a.shapes.d).toEqual(['N', 3]); // the bad edges are ignored, the good ones still work
    expect(codes(analyzeGraph(graph(MLP, [...MLP_E, ['x', 'nowhere']])))).toEqual(['bad-port@x']);
  });

  it('reports repeated node and edge ids', () => {
    const g = graph([...MLP, ['d', 'ReLU']], MLP_E);
    g.edges.push({ ...g.edges[0]! });
    const a = analyzeGraph(g);
    expect(a.issues.filter((i) => /Two nodes/.test(i.message))).toHaveLength(1);
    expect(a.issues.filter((i) => /Two edges/.test(i.message))).toHaveLength(1);
    expect(a.ok).toBe(false);
  });
});

describe('analyzeGraph on models too large to train', () => {
  it('puts a too-large issue on the layer with the most parameters', () => {
    const a = analyzeGraph(graph([['x', 'Input', { shape: [1000] }], ['d', 'Dense', { units: 200_000 }], ['o', 'Dense', { units: 2 }], ['loss', 'Loss']], [['x', 'd'], ['d', 'o'], ['o', 'loss']]));
    expect(codes(a)).toEqual(['too-large@d']);
    expect(a.ok).toBe(false);
    expect(only(a, 'too-large')[0]!.message).toMatch(/^Dense: 200,200,000 parameters here, 200,600,002 in the model \(about 2.99 GB to train: .*\); the limit is 134,217,728 parameters and 2 GB/);
  });

  it('refuses a Dense of 300,000,000 units even on one feature', () => {
    const a = analyzeGraph(graph([['x', 'Input', { shape: [1] }], ['d', 'Dense', { units: 300_000_000 }], ['loss', 'Loss']], [['x', 'd'], ['d', 'loss']]));
    expect(codes(a)).toEqual(['too-large@d']);
  });

  it('leaves models under the limits alone', () => {
    const a = analyzeGraph(graph([['x', 'Input', { shape: [1000] }], ['d', 'Dense', { units: 10_000 }], ['o', 'Dense', { units: 2 }], ['loss', 'Loss']], [['x', 'd'], ['d', 'o'], ['o', 'loss']]));
    expect(a.issues).toEqual([]);
  });
});

describe('Custom Code parameters', () => {
  it('counts ctx.param calls with written-out shapes, once per name', async () => {
    const { literalParams } = await import('./catalog/custom.ts');
    const code = "const w = ctx.param('w', [16, 4]);\nconst b = ctx.param(\"b\", [4], 'zeros');\nconst again = ctx.param('w', [16, 4]);\nconst d = ctx.param('d', x.shape.slice(1));\nreturn x;";
    expect(literalParams(code)).toEqual([{ name: 'w', shape: [16, 4] }, { name: 'b', shape: [4] }]);
    const g = defaultGraph();
    const dense = g.nodes.find((n) => n.id === 'dense2')!;
    dense.type = 'CustomCode';
    dense.attrs = { code, outputShape: [] };
    const a = analyzeGraph(g);
    expect(a.params.dense2).toBe(16 * 4 + 4);
  });
});
