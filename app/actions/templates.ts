/**
 * The template gallery's entries: the starter classifier and an empty canvas, followed by
 * whatever engine/templates publishes (MLP, LeNet-5, ResNet, Transformer...). The templates
 * module is read through `import.meta.glob`, so the gallery lists what exists and the app
 * builds either way; entries are normalised defensively (a `graph` object or a `build()`
 * function, `title`/`name`/`label`) and checked with parseGraph before they are offered.
 */
import { defaultGraph, emptyGraph, parseGraph } from '../../engine/graph/format.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../../engine/project/config.ts';
import { arrange } from '../commands/layout.ts';

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  graph: GraphJSON;
  dataset?: DatasetSpec;
  training?: Partial<TrainConfig>;
  tags: string[];
}

const BUILT_IN: TemplateInfo[] = [
  {
    id: 'starter',
    title: 'Starter classifier',
    description: 'Two hidden layers for the built-in 2-D datasets (circles, XOR, moons, spirals). Trains in seconds.',
    graph: arrange(defaultGraph()),
    tags: ['2-D', 'MLP'],
  },
  { id: 'blank', title: 'Empty canvas', description: 'Start from nothing and drag layers in from the palette.', graph: emptyGraph(), tags: [] },
];

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** One published template, normalised; null when it does not describe a readable graph. */
export function normalizeTemplate(raw: unknown, key: string): TemplateInfo | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const t = raw as Loose;
  let g: unknown = t.graph ?? t.build ?? t.create;
  try {
    if (typeof g === 'function') g = (g as () => unknown)();
    const graph = parseGraph(g);
    if (graph.nodes.length === 0) return null;
    // Long single-row chains wrap into rows so they fit a laptop-sized canvas (and the thumbnail).
    const xs = graph.nodes.map((n) => n.position.x);
    const ys = graph.nodes.map((n) => n.position.y);
    const wide = Math.max(...xs) - Math.min(...xs) > 4 * (Math.max(...ys) - Math.min(...ys) + 100);
    const laidOut = wide || graph.nodes.every((n) => n.position.x === 0 && n.position.y === 0) ? arrange(graph, { perRow: 5 }) : graph;
    return {
      id: str(t.id) ?? key,
      title: str(t.title) ?? str(t.name) ?? str(t.label) ?? key,
      description: str(t.description) ?? str(t.doc) ?? '',
      graph: laidOut,
      dataset: (t.dataset ?? t.data) as DatasetSpec | undefined,
      training: (t.training ?? t.config) as Partial<TrainConfig> | undefined,
      tags: Array.isArray(t.tags) ? t.tags.filter((x): x is string => typeof x === 'string') : [],
    };
  } catch {
    return null;
  }
}

/** Templates from a loaded engine/templates module (whatever its export looks like). */
export function templatesFromModule(mod: Loose): TemplateInfo[] {
  const list = mod.TEMPLATES ?? mod.templates ?? mod.default;
  const entries: [string, unknown][] = Array.isArray(list)
    ? list.map((t, i) => [String((t as Loose)?.id ?? i), t])
    : list && typeof list === 'object'
      ? Object.entries(list)
      : [];
  return entries.map(([k, t]) => normalizeTemplate(t, k)).filter((t): t is TemplateInfo => t !== null);
}

const modules = import.meta.glob<Loose>('../../engine/templates/index.ts', { eager: true });

let cache: TemplateInfo[] | null = null;

export function listTemplates(): TemplateInfo[] {
  if (cache) return cache;
  const published = Object.values(modules).flatMap(templatesFromModule);
  const seen = new Set<string>();
  cache = [...BUILT_IN, ...published].filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
  return cache;
}
