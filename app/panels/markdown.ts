/**
 * A small Markdown reader for the bundled user guide (docs/user-guide.md): headings,
 * paragraphs, bullet and numbered lists, tables, images, and inline code, bold, italics and
 * links. It returns plain blocks that GuideDialog renders as React elements, so no HTML from
 * the text is ever injected. Enough for our own docs; not a general Markdown implementation.
 */
export type Inline = { kind: 'text' | 'code' | 'strong' | 'em'; text: string } | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: number; text: Inline[]; id: string }
  | { kind: 'para'; text: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { kind: 'image'; alt: string; src: string }
  | { kind: 'code'; text: string };

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|\*([^*]+)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

export function inline(s: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    if (m.index > last) out.push({ kind: 'text', text: s.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'em', text: m[3] });
    else out.push({ kind: 'link', text: m[4]!, href: m[5]! });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ kind: 'text', text: s.slice(last) });
  return out;
}

export const slug = (s: string) => s.toLowerCase().replace(/[`*]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const cells = (row: string) => row.trim().replace(/^\||\|$/g, '').split('|').map((c) => inline(c.trim()));
const LIST = /^(\s*)([-*]|\d+\.)\s+(.*)$/;

export function parseMarkdown(md: string): Block[] {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (!line.trim()) { i++; continue; }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const img = /^!\[([^\]]*)\]\(([^)\s]+)\)\s*$/.exec(line);
    if (h) {
      blocks.push({ kind: 'heading', level: h[1]!.length, text: inline(h[2]!), id: slug(h[2]!) });
      i++;
    } else if (img) {
      blocks.push({ kind: 'image', alt: img[1]!, src: img[2]! });
      i++;
    } else if (line.startsWith('```')) {
      const end = lines.findIndex((l, k) => k > i && l.startsWith('```'));
      const stop = end < 0 ? lines.length : end;
      blocks.push({ kind: 'code', text: lines.slice(i + 1, stop).join('\n') });
      i = stop + 1;
    } else if (line.startsWith('|') && /^\|?[\s:|-]+\|?$/.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-')) {
      const head = cells(line);
      const rows: Inline[][][] = [];
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
      blocks.push({ kind: 'table', head, rows });
    } else if (LIST.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      // An item runs on over indented continuation lines.
      for (; i < lines.length && lines[i]!.trim(); i++) {
        const m = LIST.exec(lines[i]!);
        if (m) items.push(m[3]!);
        else items[items.length - 1] += ` ${lines[i]!.trim()}`;
      }
      blocks.push({ kind: 'list', ordered, items: items.map(inline) });
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() && !/^(#|!\[|```|\|)/.test(lines[i]!) && !LIST.test(lines[i]!); i++) para.push(lines[i]!.trim());
      blocks.push({ kind: 'para', text: inline(para.join(' ')) });
    }
  }
  return blocks;
}
