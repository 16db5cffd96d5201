// What the live Custom Code check sends the worker for each node: its code and the per-sample
// shapes coming in and declared going out; no input shape when nothing (or a symbolic length)
// reaches it, so only the parse is checked then.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import { codeTargets } from './customCodeCheck.ts';
import { trustTypedCode } from './codeTrust.ts';

const at = { x: 0, y: 0 };
function graph(connected: boolean, outputShape: number[] = []): GraphJSON {
  return {
    format: 'flowgrad.graph', version: 1,
    nodes: [
      { id: 'in', type: 'Input', attrs: { shape: [3, 4] }, position: at },
      { id: 'cc', type: 'CustomCode', attrs: { code: 'return x.relu();', outputShape }, position: at },
      { id: 'd', type: 'Dense', attrs: { units: 2 }, position: at },
    ],
    edges: connected ? [{ id: 'e', source: 'in', sourcePort: 'out', target: 'cc', targetPort: 'in' }] : [],
  };
}

describe('codeTargets', () => {
  it('takes the shape on the incoming edge and the shape the node declares', () => {
    const g = graph(true, [12]);
    expect(codeTargets(g, analyzeGraph(g))).toEqual([
      { nodeId: 'cc', code: 'return x.relu();', inSample: [3, 4], outSample: [12], key: JSON.stringify(['return x.relu();', [3, 4], [12]]), trusted: false },
    ]);
    const same = graph(true);
    expect(codeTargets(same, analyzeGraph(same))[0]).toMatchObject({ inSample: [3, 4], outSample: [3, 4] });
  });

  it('marks code typed in this browser as trusted (only trusted code is ever checked)', () => {
    const g = graph(true);
    trustTypedCode('return x.relu();');
    expect(codeTargets(g, analyzeGraph(g))[0]).toMatchObject({ nodeId: 'cc', trusted: true });
  });

  it('checks only the parse when no shape reaches the node, and skips other layers', () => {
    const g = graph(false);
    expect(codeTargets(g, analyzeGraph(g))).toMatchObject([{ nodeId: 'cc', inSample: null, outSample: null }]);
    const none: GraphJSON = { ...g, nodes: g.nodes.filter((n) => n.type !== 'CustomCode') };
    expect(codeTargets(none, analyzeGraph(none))).toEqual([]);
  });
});
