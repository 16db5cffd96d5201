/**
 * The catalog reference as Markdown (docs/layers.md is this function's output; a test keeps
 * them in sync): every layer by palette section with its ports, attributes (kind, default,
 * range) and one-line doc. Regenerate with:
 *   npx tsx -e "import('./engine/graph/reference.ts').then(m => process.stdout.write(m.layersMarkdown()))" > docs/layers.md
 */
import { LAYERS, LAYER_GROUPS, groupOf } from './catalog.ts';
import type { AttrSpec, RichAttrSpec } from './types.ts';

const show = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? (v.includes('\n') ? '(code)' : `'${v}'`) : String(v));

function attrRow(a: AttrSpec | RichAttrSpec): string {
  const kind = a.kind === 'enum' ? (a as AttrSpec).options!.map((o) => `'${o}'`).join(' \\| ') : a.kind;
  const range = [a.min !== undefined ? `≥ ${a.min}` : '', a.max !== undefined ? `≤ ${a.max}` : ''].filter(Boolean).join(', ');
  return `| \`${a.name}\` | ${kind} | ${show(a.default)} | ${range} | ${a.doc.replace(/\|/g, '\\|')} |`;
}

export function layersMarkdown(): string {
  const out: string[] = [
    '# Layer catalog',
    '',
    `Generated from \`engine/graph/catalog.ts\` by \`layersMarkdown()\` in \`engine/graph/reference.ts\`; do not edit by hand. ${LAYERS.length} layer types.`,
    'Shapes carry the batch dimension `N` first; FLOPs are forward multiply-adds × 2 per sample. Parameter names and layouts follow PyTorch.',
    '',
  ];
  for (const { group, title } of LAYER_GROUPS) {
    const layers = LAYERS.filter((l) => groupOf(l) === group);
    if (layers.length === 0) continue;
    out.push(`## ${title}`, '');
    for (const l of layers) {
      const ins = l.inputs.map((p) => p.name).join(', ') || '–';
      const outs = l.outputs.map((p) => p.name).join(', ') || '–';
      out.push(`### ${l.label} (\`${l.type}\`)`, '', l.doc, '', `Ports: ${ins} → ${outs}.`, '');
      const attrs = [...l.attrs, ...(l.richAttrs ?? [])];
      if (attrs.length) out.push('| attribute | kind | default | range | meaning |', '|---|---|---|---|---|', ...attrs.map(attrRow), '');
    }
  }
  return out.join('\n');
}
