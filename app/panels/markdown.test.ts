import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inline, parseMarkdown } from './markdown.ts';

describe('the user guide reader', () => {
  it('reads headings, paragraphs, lists, tables and images', () => {
    const md = '# Title\n\nSome **bold** and `code`,\njoined.\n\n- one\n  more\n- two [link](x.md)\n\n| A | B |\n|---|---|\n| 1 | `2` |\n\n![Alt](shot.png)\n';
    expect(parseMarkdown(md)).toEqual([
      { kind: 'heading', level: 1, text: [{ kind: 'text', text: 'Title' }], id: 'title' },
      { kind: 'para', text: [{ kind: 'text', text: 'Some ' }, { kind: 'strong', text: 'bold' }, { kind: 'text', text: ' and ' }, { kind: 'code', text: 'code' }, { kind: 'text', text: ', joined.' }] },
      { kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'one more' }], [{ kind: 'text', text: 'two ' }, { kind: 'link', text: 'link', href: 'x.md' }]] },
      { kind: 'table', head: [[{ kind: 'text', text: 'A' }], [{ kind: 'text', text: 'B' }]], rows: [[[{ kind: 'text', text: '1' }], [{ kind: 'code', text: '2' }]]] },
      { kind: 'image', alt: 'Alt', src: 'shot.png' },
    ]);
    expect(inline('plain')).toEqual([{ kind: 'text', text: 'plain' }]);
  });

  it('reads the whole user guide: every section heading and picture', () => {
    const md = readFileSync(new URL('../../docs/user-guide.md', import.meta.url), 'utf8');
    const blocks = parseMarkdown(md);
    const headings = md.split('\n').filter((l) => /^#{1,6} /.test(l)).length;
    expect(blocks.filter((b) => b.kind === 'heading')).toHaveLength(headings);
    const images = md.split('\n').filter((l) => l.startsWith('![')).length;
    expect(blocks.filter((b) => b.kind === 'image')).toHaveLength(images);
  });
});
