// The Custom Code node's checks: what a body that does not parse, throws, breaks a shape rule,
// returns the wrong shape or no tensor reports (with the body's line where the stack has it),
// the same from checkCustomCode (what the editor shows while typing) and from compiling a graph.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze.ts';
import { DEFAULT_CUSTOM_CODE } from '../../graph/catalog/custom.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { memory } from '../../core/memory.ts';
import { isFlowgradError } from '../../core/errors.ts';
import { GraphModel } from '../graphModel.ts';
import { checkCustomCode, codeLocation } from './custom.ts';

function graphWith(code: string, outputShape: number[] = []): GraphJSON {
  return {
    format: 'flowgrad.graph', version: 1,
    nodes: [
      { id: 'in', type: 'Input', attrs: { shape: [4] }, position: { x: 0, y: 0 } },
      { id: 'cc', type: 'CustomCode', attrs: { code, outputShape }, position: { x: 200, y: 0 } },
      { id: 'head', type: 'Dense', attrs: { units: 2 }, position: { x: 400, y: 0 } },
      { id: 'loss', type: 'Loss', attrs: { loss: 'crossEntropy' }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'in', sourcePort: 'out', target: 'cc', targetPort: 'in' },
      { id: 'e2', source: 'cc', sourcePort: 'out', target: 'head', targetPort: 'in' },
      { id: 'e3', source: 'head', sourcePort: 'out', target: 'loss', targetPort: 'in' },
    ],
  };
}

describe('checkCustomCode', () => {
  it('accepts the default body and frees the parameters it created', () => {
    const before = memory().liveTensors;
    expect(checkCustomCode(DEFAULT_CUSTOM_CODE, [4], [4])).toBeNull();
    expect(checkCustomCode("const w = ctx.param('w', [3, 4]);\nreturn ctx.F.linear(x, w).relu();", [4], [3])).toBeNull();
    expect(memory().liveTensors).toBe(before);
  });

  it('reports a syntax error', () => {
    const p = checkCustomCode('return x.relu(', [4], [4]);
    expect(p?.code).toBe('graph');
    expect(p?.message).toMatch(/^Custom Code: the code does not parse: /);
    // Without an input shape only the parse is checked.
    expect(checkCustomCode('return x.relu(', null, null)?.message).toMatch(/does not parse/);
    expect(checkCustomCode('return x.nope()', null, null)).toBeNull();
  });

  it('reports a thrown error with the line of the body it came from', () => {
    const p = checkCustomCode('const y = x.relu();\nthrow new Error("boom");\nreturn y;', [4], [4]);
    expect(p).toMatchObject({ code: 'graph', line: 2, message: 'Custom Code: the code failed at line 2: boom' });
    expect(checkCustomCode('\n\nreturn x.reluu();', [4], [4])).toMatchObject({ line: 3, message: expect.stringMatching(/at line 3: .*reluu/) });
  });

  it('reports a shape error raised inside the engine, at the line that called it', () => {
    const p = checkCustomCode("const w = ctx.param('w', [5, 3]);\nreturn x.matmul(w);", [4], [3]);
    expect(p?.code).toBe('shape');
    expect(p?.line).toBe(2);
    expect(p?.message).toMatch(/^Custom Code: the code failed at line 2: matmul/);
  });

  it('reports a wrong output shape and a missing return', () => {
    expect(checkCustomCode('return x.sum(1, true);', [4], [4])?.message).toMatch(/returns \[N,1\] per batch but the node declares \[N,4\]; set its output shape to \[1\]/);
    expect(checkCustomCode('x.relu();', [4], [4])?.message).toBe('Custom Code: forward must return a tensor (it returned nothing)');
  });

  it('finds the line in V8 and Firefox stacks, and nothing in a stack without one', () => {
    // The wrapper's offset is measured on this engine (Node's V8): a body line n is reported as n + offset.
    const probe = (() => {
      try {
        new Function('x', 'ctx', '"use strict";\n\nthrow new Error()')();
      } catch (e) {
        return codeLocation(e);
      }
    })();
    expect(probe?.line).toBe(2);
    expect(codeLocation({ stack: 'Error\n    at new Function (<anonymous>)' })).toBeNull();
  });
});

describe('the CustomCode builder', () => {
  it('throws the same problem, on the node, when the graph is compiled', () => {
    const g = graphWith('const a = 1;\nreturn x.mul(a).nope();');
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    let err: unknown;
    try {
      new GraphModel(g, a).dispose();
    } catch (e) {
      err = e;
    }
    expect(isFlowgradError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'graph', nodeId: 'cc' });
    expect((err as Error).message).toMatch(/^Custom Code: the code failed at line 2: .*nope/);
  });

  it('builds a working body and trains its parameter', () => {
    const g = graphWith(DEFAULT_CUSTOM_CODE);
    const model = new GraphModel(g, analyzeGraph(g));
    try {
      expect(model.namedParameters().map(([n]) => n)).toContain('cc.scale');
    } finally {
      model.dispose();
    }
  });
});
