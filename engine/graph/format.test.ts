/* eslint-disable @typescript-eslint/no-explicit-any -- these tests damage parsed JSON on purpose */
import { describe, expect, it } from 'vitest';
import { FlowgradError } from '../core/errors.ts';
import { GRAPH_MIGRATIONS, defaultGraph, emptyGraph, migrateGraph, parseGraph, serializeGraph } from './format.ts';
import { analyzeGraph } from './analyze.ts';
import { readFileSync } from 'node:fs';
import schema from './graph.schema.json' with { type: 'json' };
import { badFile } from '../test/throws.ts';

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, any>;

describe('graph format', () => {
  it('round-trips the default graph through text', () => {
    const g = defaultGraph();
    const text = serializeGraph(g);
    expect(text).toContain('\n  "nodes": [');
    expect(parseGraph(text)).toEqual(g);
    expect(parseGraph(JSON.parse(text))).toEqual(g);
    expect(parseGraph(emptyGraph())).toEqual({ format: 'flowgrad.graph', version: 1, nodes: [], edges: [] });
  });

  it('builds the default model left to right', () => {
    const g = defaultGraph();
    expect(g.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'ReLU', 'Dense', 'ReLU', 'Dense', 'Softmax', 'Loss']);
    expect(g.nodes.map((n) => n.attrs.units).filter((u) => u !== undefined)).toEqual([16, 16, 2]);
    expect(g.nodes.at(-1)!.attrs.loss).toBe('crossEntropy');
    const xs = g.nodes.map((n) => n.position.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(xs.length);
    expect(analyzeGraph(g).ok).toBe(true);
    expect(defaultGraph()).not.toBe(g); // fresh each time
  });

  it('serializes only contract fields, in contract order', () => {
    const g = defaultGraph() as any;
    g.nodes[0].data = { selected: true };
    g.extra = 1;
    const back = JSON.parse(serializeGraph(g));
    expect(Object.keys(back)).toEqual(['format', 'version', 'nodes', 'edges']);
    expect(Object.keys(back.nodes[0])).toEqual(['id', 'type', 'attrs', 'position']);
  });

  it('drops unknown fields and keeps unknown layer types (analysis reports them)', () => {
    const g = json(defaultGraph());
    g.viewport = { zoom: 2 };
    g.nodes[0].selected = true;
    g.nodes[1].type = 'Conv9';
    const parsed = parseGraph(g);
    expect(parsed).not.toHaveProperty('viewport');
    expect(parsed.nodes[0]).not.toHaveProperty('selected');
    expect(parsed.nodes[1]!.type).toBe('Conv9');
  });

  it('refuses foreign JSON with a message saying what it is not', () => {
    expect(badFile(() => parseGraph('not json'))).toMatch(/^Not a valid Flowgrad graph: it is not valid JSON/);
    expect(badFile(() => parseGraph([1, 2]))).toBe('This is not a Flowgrad graph: expected a JSON object, got a list');
    expect(badFile(() => parseGraph(null))).toMatch(/got null/);
    expect(badFile(() => parseGraph({ name: 'package', version: '1.0.0' }))).toBe('This is not a Flowgrad graph: it has no "format" field, expected "flowgrad.graph"');
    expect(badFile(() => parseGraph({ format: 'keras' }))).toMatch(/its "format" is "keras"/);
    expect(badFile(() => parseGraph({ format: 'flowgrad.project', version: 1 }))).toMatch(/project, not a graph/);
  });

  it('names the exact field that is wrong', () => {
    const cases: [(g: Record<string, any>) => void, RegExp][] = [
      [(g) => delete g.nodes, /'nodes' must be a list \(got nothing\)/],
      [(g) => (g.edges = {}), /'edges' must be a list \(got an object\)/],
      [(g) => (g.nodes[3] = 'Dense'), /nodes\[3\] must be an object \(got "Dense"\)/],
      [(g) => (g.nodes[2].id = ''), /nodes\[2\]\.id must be a non-empty string/],
      [(g) => (g.nodes[2].id = 7), /nodes\[2\]\.id must be a non-empty string \(got 7\)/],
      [(g) => delete g.nodes[1].type, /nodes\[1\]\.type must be a non-empty string/],
      [(g) => delete g.nodes[1].attrs, /nodes\[1\]\.attrs must be an object/],
      [(g) => (g.nodes[1].attrs.units = null), /nodes\[1\]\.attrs\.units must be a number, string/],
      [(g) => (g.nodes[0].attrs.shape = [2, 'x']), /nodes\[0\]\.attrs\.shape\[1\] must be a number/],
      [(g) => (g.nodes[1].attrs = JSON.parse('{"__proto__": [1]}')), /reserved name/],
      [(g) => (g.nodes[1].position.x = 'left'), /nodes\[1\]\.position\.x must be a number \(got "left"\)/],
      [(g) => delete g.nodes[1].position, /nodes\[1\]\.position must be an object/],
      [(g) => delete g.edges[0].targetPort, /edges\[0\]\.targetPort must be a non-empty string/],
      [(g) => (g.edges[2].source = 1), /edges\[2\]\.source must be a non-empty string/],
      [(g) => (g.nodes[4].id = g.nodes[2].id), /nodes\[4\]\.id repeats the id "relu1"/],
      [(g) => (g.edges[1].id = g.edges[0].id), /edges\[1\]\.id repeats the id/],
      [(g) => (g.version = 'one'), /'version' must be a whole number at least 1/],
      [(g) => (g.version = 0), /'version' must be a whole number at least 1/],
    ];
    for (const [mutate, message] of cases) {
      const g = json(defaultGraph());
      mutate(g);
      expect(badFile(() => parseGraph(g))).toMatch(message);
    }
  });

  it('refuses files from a newer version', () => {
    const g = { ...json(defaultGraph()), version: 2 };
    expect(badFile(() => parseGraph(g))).toBe('This graph was saved by a newer Flowgrad (format version 2; this one reads up to 1): update Flowgrad to open it');
  });

  it('migrates step by step through the table', () => {
    expect(GRAPH_MIGRATIONS).toEqual({});
    const steps = {
      1: (g: Record<string, unknown>) => ({ ...g, nodes: 'renamed' }),
      2: (g: Record<string, unknown>) => ({ ...g, edges: `${String(g.nodes)} twice` }),
    };
    expect(migrateGraph({ version: 1 }, steps, 3)).toEqual({ version: 3, nodes: 'renamed', edges: 'renamed twice' });
    expect(migrateGraph({ version: 2, nodes: 'x' }, steps, 3)).toEqual({ version: 3, nodes: 'x', edges: 'x twice' });
    expect(badFile(() => migrateGraph({ version: 1 }, {}, 2))).toMatch(/no migration from format version 1 to 2/);
  });
});

describe('graph groups', () => {
  const grouped = () => {
    const g = json(defaultGraph());
    g.groups = [{ id: 'group1', name: 'Block', nodeIds: ['dense2', 'relu2'], collapsed: true }];
    return g;
  };

  it('keeps groups through parse and serialize; graphs without groups stay as they were', () => {
    const parsed = parseGraph(grouped());
    expect(parsed.groups).toEqual([{ id: 'group1', name: 'Block', nodeIds: ['dense2', 'relu2'], collapsed: true }]);
    expect(parseGraph(serializeGraph(parsed))).toEqual(parsed);
    expect(Object.keys(JSON.parse(serializeGraph(parsed)))).toEqual(['format', 'version', 'nodes', 'edges', 'groups']);
    expect(parseGraph(defaultGraph())).not.toHaveProperty('groups');
    expect(Object.keys(JSON.parse(serializeGraph({ ...defaultGraph(), groups: [] })))).toEqual(['format', 'version', 'nodes', 'edges']);
  });

  it('drops unknown or doubly claimed members and empty groups; collapsed defaults to false', () => {
    const g = grouped();
    g.groups[0].nodeIds.push('ghost', 'dense2');
    g.groups.push({ id: 'group2', name: 'Other', nodeIds: ['relu2', 'dense3'] });
    g.groups.push({ id: 'group3', name: 'Stale', nodeIds: ['ghost'] });
    expect(parseGraph(g).groups).toEqual([
      { id: 'group1', name: 'Block', nodeIds: ['dense2', 'relu2'], collapsed: true },
      { id: 'group2', name: 'Other', nodeIds: ['dense3'], collapsed: false },
    ]);
  });

  it('refuses malformed groups with a precise message', () => {
    const cases: [(g: Record<string, any>) => void, RegExp][] = [
      [(g) => (g.groups = {}), /'groups' must be a list/],
      [(g) => (g.groups[0].id = ''), /groups\[0\]\.id must be a non-empty string/],
      [(g) => (g.groups[0].name = 3), /groups\[0\]\.name must be a string/],
      [(g) => (g.groups[0].nodeIds = 'dense2'), /groups\[0\]\.nodeIds must be a list/],
      [(g) => (g.groups[0].nodeIds[1] = 7), /groups\[0\]\.nodeIds\[1\] must be a non-empty string/],
      [(g) => (g.groups[0].collapsed = 'yes'), /groups\[0\]\.collapsed must be true or false/],
      [(g) => g.groups.push({ ...g.groups[0], nodeIds: ['dense3'] }), /groups\[1\]\.id repeats the id "group1"/],
    ];
    for (const [damage, message] of cases) {
      const g = grouped();
      damage(g);
      expect(badFile(() => parseGraph(g))).toMatch(message);
    }
  });
});

describe('graph.schema.json', () => {
  it('names the same format, version and required fields as parseGraph', () => {
    expect(schema.properties.format.const).toBe('flowgrad.graph');
    expect(schema.properties.version.const).toBe(1);
    const required: [string, string[]][] = [
      ['', schema.required],
      ['nodes.0', schema.$defs.node.required],
      ['nodes.0.position', schema.$defs.node.properties.position.required],
      ['edges.0', schema.$defs.edge.required],
    ];
    for (const [path, fields] of required) {
      for (const field of fields) {
        const g = json(defaultGraph());
        const parent = path ? path.split('.').reduce((o, k) => o[k], g) : g;
        delete parent[field];
        expect(() => parseGraph(g), `${path}.${field}`).toThrow(FlowgradError);
      }
    }
  });
});

describe('docs/graph-format.md', () => {
  it('shows an example that opens and analyzes cleanly', () => {
    const doc = readFileSync(new URL('../../docs/graph-format.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)![1]!;
    const a = analyzeGraph(parseGraph(example));
    expect(a.issues).toEqual([]);
    expect(a.order).toEqual(['input', 'dense1', 'loss']);
  });
});
