/**
 * The user guide inside the app (Help → User guide, or from the `?` sheet): docs/user-guide.md
 * bundled with its screenshots and rendered by markdown.ts, so it works offline and never goes
 * out of step with the version running. Loaded lazily: none of it is in the first page load.
 */
import { Fragment, type ReactNode } from 'react';
import guide from '../../docs/user-guide.md?raw';
import { parseMarkdown, type Inline } from './markdown.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

const SHOTS = import.meta.glob<string>('../../docs/screenshots/*.png', { eager: true, query: '?url', import: 'default' });
const shot = (src: string) => SHOTS[`../../docs/${src}`];
const BLOCKS = parseMarkdown(guide);

function text(parts: Inline[]): ReactNode {
  return parts.map((p, k) => {
    switch (p.kind) {
      case 'code':
        return <code key={k}>{p.text}</code>;
      case 'strong':
        return <strong key={k}>{p.text}</strong>;
      case 'em':
        return <em key={k}>{p.text}</em>;
      case 'link':
        // In-guide anchors scroll; other docs of the repository are not bundled, so they show as text.
        return p.href.startsWith('#') ? <a key={k} href={p.href}>{p.text}</a> : /^https?:/.test(p.href) ? <a key={k} href={p.href} target="_blank" rel="noreferrer">{p.text}</a> : <Fragment key={k}>{p.text}</Fragment>;
      default:
        return <Fragment key={k}>{p.text}</Fragment>;
    }
  });
}

export default function GuideDialog() {
  return (
    <Dialog title="User guide" onClose={() => useApp.getState().openDialog(null)} className="guide-dialog">
      <article className="guide" aria-label="User guide">
        {BLOCKS.map((b, k) => {
          switch (b.kind) {
            case 'heading': {
              const H = `h${Math.min(6, b.level + 1)}` as 'h2';
              return <H key={k} id={`guide-${b.id}`}>{text(b.text)}</H>;
            }
            case 'para':
              return <p key={k}>{text(b.text)}</p>;
            case 'list': {
              const L = b.ordered ? 'ol' : 'ul';
              return <L key={k}>{b.items.map((it, j) => <li key={j}>{text(it)}</li>)}</L>;
            }
            case 'table':
              return (
                <table key={k}>
                  <thead><tr>{b.head.map((c, j) => <th key={j}>{text(c)}</th>)}</tr></thead>
                  <tbody>{b.rows.map((r, j) => <tr key={j}>{r.map((c, m) => <td key={m}>{text(c)}</td>)}</tr>)}</tbody>
                </table>
              );
            case 'image':
              return shot(b.src) ? <img key={k} src={shot(b.src)} alt={b.alt} loading="lazy" /> : null;
            case 'code':
              return <pre key={k}><code>{b.text}</code></pre>;
          }
        })}
      </article>
    </Dialog>
  );
}
