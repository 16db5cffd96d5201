import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../graph/format.ts';
import { toTypeScript } from './typescript.ts';
import { applyTypeScript } from './typescriptApply.ts';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('applying the edited TypeScript view to the graph', () => {
  const g = defaultGraph();
  const code = toTypeScript(g);

  it('a changed Dense width becomes the node\'s units; unchanged code changes nothing', () => {
    expect(applyTypeScript(g, {}, code)).toEqual({ graph: g, changed: [] });
    const r = applyTypeScript(g, {}, code.replace('dense2 = new nn.Linear(16, 16);', 'dense2 = new nn.Linear(16, 24);'));
    if (!('graph' in r)) throw new Error(r.error.message);
    expect(r.changed).toEqual(['dense2']);
    expect(r.graph.nodes.find((n) => n.id === 'dense2')!.attrs.units).toBe(24);
    // The regenerated code follows the new width downstream.
    expect(toTypeScript(r.graph)).toContain('dense3 = new nn.Linear(24, 2);');
  });

  it('refuses what is not a layer setting, at its line', () => {
    const inFeatures = code.replace('dense2 = new nn.Linear(16, 16);', 'dense2 = new nn.Linear(8, 16);');
    expect(applyTypeScript(g, {}, inFeatures)).toEqual({ error: { line: lineOf(code, 'dense2 = new'), message: expect.stringMatching(/16 is not a setting of this Dense: it follows from the shape of its input/) } });
    const epochs = code.replace('const EPOCHS = 40;', 'const EPOCHS = 5;');
    expect(applyTypeScript(g, {}, epochs)).toMatchObject({ error: { line: lineOf(code, 'const EPOCHS') } });
    const added = code.replace('  relu1 = new nn.ReLU();', '  relu1 = new nn.ReLU();\n  extra = new nn.ReLU();');
    expect(applyTypeScript(g, {}, added)).toMatchObject({ error: { line: lineOf(code, 'relu1 = new') + 1, message: expect.stringMatching(/lines were added/) } });
    const swapped = code.replace('relu1 = new nn.ReLU();', 'relu1 = new nn.Tanh();');
    expect(applyTypeScript(g, {}, swapped)).toMatchObject({ error: { message: expect.stringMatching(/only its arguments can change/) } });
    const bad = code.replace('dense2 = new nn.Linear(16, 16);', 'dense2 = new nn.Linear(16, 0);');
    expect(applyTypeScript(g, {}, bad)).toMatchObject({ error: { line: lineOf(code, 'dense2 = new'), message: expect.stringMatching(/units/) } });
  });
});
