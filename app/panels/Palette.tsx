/**
 * The layer palette: every catalog layer grouped by category, filtered by a search box. An
 * item is a button: drag it onto the canvas (HTML5 drag and drop), or click / press Enter to
 * add it at the centre of the view.
 */
import { useMemo, useState, type DragEvent } from 'react';
import { LAYERS } from '../../engine/graph/catalog.ts';
import type { LayerCategory, LayerSpec } from '../../engine/graph/types.ts';
import { LAYER_MIME } from '../canvas/types.ts';
import { placeNewNode } from '../canvas/bridge.ts';
import { useApp } from '../store/index.ts';

const CATEGORY_TITLES: Record<LayerCategory, string> = {
  io: 'Input / Output',
  core: 'Core',
  activation: 'Activations',
  regularization: 'Regularization',
  loss: 'Loss',
};
const ORDER: LayerCategory[] = ['io', 'core', 'activation', 'regularization', 'loss'];

function matches(l: LayerSpec, q: string): boolean {
  if (!q) return true;
  const s = q.toLowerCase();
  return l.label.toLowerCase().includes(s) || l.type.toLowerCase().includes(s) || l.doc.toLowerCase().includes(s);
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
  const groups = useMemo(
    () => ORDER.map((cat) => ({ cat, layers: LAYERS.filter((l) => l.category === cat && matches(l, query.trim())) })).filter((g) => g.layers.length > 0),
    [query],
  );
  return (
    <nav className="panel palette" aria-label="Layers">
      <div className="panel-title">Layers</div>
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers…"
        aria-label="Search layers"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-groups">
        {groups.map((g) => (
          <section key={g.cat} className="palette-group" aria-label={CATEGORY_TITLES[g.cat]}>
            <h3>{CATEGORY_TITLES[g.cat]}</h3>
            <ul>
              {g.layers.map((l) => (
                <li key={l.type}>
                  <button
                    type="button"
                    className={`palette-item cat-${l.category}`}
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
