/**
 * The layer palette: the whole catalog in its sections (LAYER_GROUPS), filtered by a search
 * box. An item is a button: drag it onto the canvas (HTML5 drag and drop), or click / press
 * Enter to add it at the centre of the view. In the search box, Enter adds the first match
 * and ↓ moves into the list, so a model can be built without the mouse (`/` focuses search).
 */
import { useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { LAYERS, LAYER_GROUPS, groupOf } from '../../engine/graph/catalog.ts';
import type { LayerSpec } from '../../engine/graph/types.ts';
import { LAYER_MIME } from '../canvas/types.ts';
import { placeNewNode } from '../canvas/bridge.ts';
import { useApp } from '../store/index.ts';

/** Search rank: label prefix first, then type/label substring, then the doc text; -1: no match. */
export function rank(l: LayerSpec, q: string): number {
  if (!q) return 0;
  const s = q.toLowerCase();
  const label = l.label.toLowerCase();
  const type = l.type.toLowerCase();
  if (label.startsWith(s) || type.startsWith(s)) return 0;
  if (label.includes(s) || type.includes(s)) return 1;
  if (l.doc.toLowerCase().includes(s)) return 2;
  return -1;
}

function onDragStart(e: DragEvent, type: string) {
  e.dataTransfer.setData(LAYER_MIME, type);
  e.dataTransfer.setData('text/plain', type);
  e.dataTransfer.effectAllowed = 'copy';
}

function addAtCenter(type: string) {
  const s = useApp.getState();
  const id = s.addLayer(type, placeNewNode(s.graph.nodes.map((n) => n.position)));
  s.focusNode(id);
}

export function Palette() {
  const [query, setQuery] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const q = query.trim();
  const groups = useMemo(() => {
    const known = new Set(LAYER_GROUPS.map((g) => g.group));
    const sections = [...LAYER_GROUPS, ...[...new Set(LAYERS.map(groupOf))].filter((g) => !known.has(g)).map((g) => ({ group: g, title: g }))];
    return sections
      .map(({ group, title }) => ({
        group,
        title,
        layers: LAYERS.filter((l) => groupOf(l) === group && rank(l, q) >= 0).sort((a, b) => rank(a, q) - rank(b, q)),
      }))
      .filter((g) => g.layers.length > 0);
  }, [q]);
  const best = useMemo(() => {
    const all = groups.flatMap((g) => g.layers);
    return all.sort((a, b) => rank(a, q) - rank(b, q))[0];
  }, [groups, q]);

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && best && q) {
      e.preventDefault();
      addAtCenter(best.type);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      list.current?.querySelector<HTMLButtonElement>('button.palette-item')?.focus();
    } else if (e.key === 'Escape') {
      setQuery('');
    }
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(list.current?.querySelectorAll<HTMLButtonElement>('button.palette-item') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    e.preventDefault();
    e.stopPropagation();
    const next = items[i + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) next.focus();
    else if (e.key === 'ArrowUp') list.current?.parentElement?.querySelector<HTMLInputElement>('input')?.focus();
  };

  return (
    <nav className="panel palette" aria-label="Layers">
      <div className="panel-title">Layers <span className="muted">{LAYERS.length}</span></div>
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers…  ( / )"
        aria-label="Search layers"
        aria-describedby="palette-hint"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <div id="palette-hint" className="palette-hint muted small" aria-live="polite">
        {q ? (best ? <>Enter adds <strong>{best.label}</strong></> : 'No match') : 'Drag, click, or type + Enter'}
      </div>
      <div className="palette-groups" ref={list} onKeyDown={onListKey}>
        {groups.map((g) => (
          <section key={g.group} className="palette-group" aria-label={g.title}>
            <h3>{g.title}</h3>
            <ul>
              {g.layers.map((l) => (
                <li key={l.type}>
                  <button
                    type="button"
                    className={`palette-item cat-${l.category} grp-${groupOf(l)}`}
                    draggable
                    onDragStart={(e) => onDragStart(e, l.type)}
                    onClick={() => addAtCenter(l.type)}
                    aria-label={`Add ${l.label}`}
                    title={`${l.doc}\nDrag onto the canvas, or click to add.`}
                    data-layer={l.type}
                  >
                    <span className="palette-swatch" aria-hidden="true" />
                    <span className="palette-label">{l.label}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="muted small">No layer matches “{query}”.</p>}
      </div>
    </nav>
  );
}
