import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { listTemplates, normalizeTemplate, templatesFromModule } from './templates.ts';

describe('templates', () => {
  it('always offers the starter and an empty canvas', () => {
    const t = listTemplates();
    expect(t[0].id).toBe('starter');
    expect(t[0].graph.nodes).toHaveLength(8);
    expect(t.some((x) => x.id === 'blank')).toBe(true);
  });

  it('normalises published templates of either shape and skips broken ones', () => {
    const mod = {
      TEMPLATES: [
        { id: 'mlp', name: 'MLP', description: 'd', graph: defaultGraph() },
        { id: 'built', title: 'Built', build: () => defaultGraph() },
        { id: 'bad', title: 'Bad', graph: { nope: 1 } },
      ],
    };
    const t = templatesFromModule(mod);
    expect(t.map((x) => x.title)).toEqual(['MLP', 'Built']);
    expect(templatesFromModule({ TEMPLATES: { a: { graph: defaultGraph() } } })[0].id).toBe('a');
    expect(normalizeTemplate(null, 'x')).toBeNull();
  });
});
