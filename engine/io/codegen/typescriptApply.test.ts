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
    const added = code.replace('const BATCH_SIZE = 32;', 'const BATCH_SIZE = 32;\nconst MORE = 1;');
    expect(applyTypeScript(g, {}, added)).toMatchObject({ error: { line: lineOf(code, 'const BATCH_SIZE') + 1, message: expect.stringMatching(/only the model class can be edited/) } });
    const swapped = code.replace('relu1 = new nn.ReLU();', 'relu1 = new nn.Tanh();');
    expect(applyTypeScript(g, {}, swapped)).toMatchObject({ error: { message: expect.stringMatching(/only its arguments can change/) } });
    const bad = code.replace('dense2 = new nn.Linear(16, 16);', 'dense2 = new nn.Linear(16, 0);');
    expect(applyTypeScript(g, {}, bad)).toMatchObject({ error: { line: lineOf(code, 'dense2 = new'), message: expect.stringMatching(/units/) } });
  });
});

describe('structural edits in the TypeScript view', () => {
  const g = defaultGraph();
  const code = toTypeScript(g);
  const edgesOf = (graph: typeof g) => graph.edges.map((e) => `${e.source}->${e.target}`).sort();
  const apply = (text: string) => {
    const r = applyTypeScript(g, {}, text);
    if (!('graph' in r)) throw new Error(`line ${r.error.line}: ${r.error.message}`);
    return r;
  };

  it('a layer added (its field and forward line) joins the graph between the layers it names', () => {
    const text = code
      .replace('  relu1 = new nn.ReLU();\n', '  relu1 = new nn.ReLU();\n  squash = new nn.Tanh();\n')
      .replace('    const dense2 = this.dense2.forward(relu1);', '    const squash = this.squash.forward(relu1);\n    const dense2 = this.dense2.forward(squash);');
    const r = apply(text);
    expect(r.changed).toEqual(expect.arrayContaining(['squash', 'dense2']));
    expect(r.graph.nodes.find((n) => n.id === 'squash')!.type).toBe('Tanh');
    expect(edgesOf(r.graph)).toContain('relu1->squash');
    expect(edgesOf(r.graph)).toContain('squash->dense2');
    expect(edgesOf(r.graph)).not.toContain('relu1->dense2');
    // The graph's code is now the edited code.
    expect(toTypeScript(r.graph)).toBe(text);
  });

  it('a new Dense takes the units typed in its constructor; the layer after it follows the new width', () => {
    const text = code
      .replace('  relu2 = new nn.ReLU();\n', '  relu2 = new nn.ReLU();\n  wide = new nn.Linear(16, 40);\n')
      .replace('    const dense3 = this.dense3.forward(relu2);', '    const wide = this.wide.forward(relu2);\n    const dense3 = this.dense3.forward(wide);');
    const r = apply(text);
    const wide = r.graph.nodes.find((n) => n.id === 'wide')!;
    expect([wide.type, wide.attrs.units]).toEqual(['Dense', 40]);
    expect(toTypeScript(r.graph)).toContain('dense3 = new nn.Linear(40, 2);');
  });

  it('a layer removed (both lines) is taken out and its reader rewired; a changed input rewires', () => {
    const text = code.replace('  relu2 = new nn.ReLU();\n', '').replace('    const relu2 = this.relu2.forward(dense2);\n', '').replace('this.dense3.forward(relu2)', 'this.dense3.forward(dense2)');
    const r = apply(text);
    expect(r.graph.nodes.some((n) => n.id === 'relu2')).toBe(false);
    expect(edgesOf(r.graph)).toContain('dense2->dense3');
    expect(r.changed).toEqual(expect.arrayContaining(['relu2', 'dense3']));
    // Skip relu1: dense2 reads dense1 directly; relu1 then feeds nothing but stays computed.
    const rewired = apply(code.replace('this.dense2.forward(relu1)', 'this.dense2.forward(dense1)'));
    expect(edgesOf(rewired.graph)).toContain('dense1->dense2');
    expect(edgesOf(rewired.graph)).not.toContain('relu1->dense2');
  });

  it('refuses what it cannot build, at the line', () => {
    const unknownVar = code.replace('this.dense2.forward(relu1)', 'this.dense2.forward(nothing)');
    expect(applyTypeScript(g, {}, unknownVar)).toEqual({ error: { line: lineOf(code, 'const dense2 ='), message: "'nothing' is not computed before this line" } });
    const noCall = code.replace('  relu1 = new nn.ReLU();\n', '  relu1 = new nn.ReLU();\n  extra = new nn.ReLU();\n');
    expect(applyTypeScript(g, {}, noCall)).toMatchObject({ error: { line: lineOf(code, 'relu1 = new') + 1, message: expect.stringMatching(/'extra' is not used in forward/) } });
    const unknownKind = code
      .replace('  relu1 = new nn.ReLU();\n', '  relu1 = new nn.ReLU();\n  odd = new nn.Mystery(3);\n')
      .replace('    const dense2 = this.dense2.forward(relu1);', '    const odd = this.odd.forward(relu1);\n    const dense2 = this.dense2.forward(odd);');
    expect(applyTypeScript(g, {}, unknownKind)).toMatchObject({ error: { line: lineOf(code, 'relu1 = new') + 1, message: expect.stringMatching(/'Mystery' is not a layer/) } });
    // A convolution on 16 features: the graph's shape check, reported at the new layer's line.
    const conv = code
      .replace('  relu1 = new nn.ReLU();\n', '  relu1 = new nn.ReLU();\n  conv = new nn.Conv2d(16, 8, 3, { stride: 1, padding: 0, dilation: 1, groups: 1 });\n')
      .replace('    const dense2 = this.dense2.forward(relu1);', '    const conv = this.conv.forward(relu1);\n    const dense2 = this.dense2.forward(conv);');
    const bad = applyTypeScript(g, {}, conv);
    expect('error' in bad && bad.error.line).toBe(lineOf(code, 'relu1 = new') + 1);
    const zero = code
      .replace('  relu1 = new nn.ReLU();\n', '  relu1 = new nn.ReLU();\n  wide = new nn.Linear(16, 0);\n')
      .replace('    const dense2 = this.dense2.forward(relu1);', '    const wide = this.wide.forward(relu1);\n    const dense2 = this.dense2.forward(wide);');
    expect(applyTypeScript(g, {}, zero)).toMatchObject({ error: { line: lineOf(code, 'relu1 = new') + 1, message: expect.stringMatching(/units/) } });
    const outside = code.replace('const EPOCHS = 40;', 'const EPOCHS = 5;').replace('  relu2 = new nn.ReLU();\n', '').replace('    const relu2 = this.relu2.forward(dense2);\n', '').replace('this.dense3.forward(relu2)', 'this.dense3.forward(dense2)');
    expect(applyTypeScript(g, {}, outside)).toMatchObject({ error: { message: expect.stringMatching(/only the model class can be edited/) } });
  });
});
