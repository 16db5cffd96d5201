/**
 * The template gallery, also the start screen on a first visit: one card per template with a
 * picture of its graph, its size and what it is for. Choosing one starts a new project from
 * it (the previous project stays in the project list, and the notice offers Undo).
 */
import { useMemo } from 'react';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { formatCount } from '../canvas/convert.ts';
import { listTemplates } from '../actions/templates.ts';
import { loadTemplate, markWelcomed } from '../actions/startScreen.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';
import { GraphThumb } from './GraphThumb.tsx';

export function TemplatesDialog({ welcome }: { welcome: boolean }) {
  const templates = useMemo(() => listTemplates().map((t) => ({ t, a: analyzeGraph(t.graph) })), []);
  const close = () => {
    markWelcomed();
    useApp.getState().openDialog(null);
  };
  return (
    <Dialog title={welcome ? 'Welcome to Flowgrad' : 'New from template'} onClose={close} className="templates-dialog">
      {welcome && (
        <div className="welcome-head">
          <p className="muted welcome-text">
            Build a neural network by connecting layers, watch shapes flow through it, and train it right here in your browser. Start with
            the starter model, or pick a template:
          </p>
          {/* At the top, so it is in sight on a small screen without scrolling past the gallery. */}
          <button type="button" className="primary" onClick={close}>
            Start with the starter model
          </button>
        </div>
      )}
      <ul className="template-grid" aria-label="Templates">
        {templates.map(({ t, a }) => (
          <li key={t.id}>
            <button type="button" className="template-card" aria-label={`Use template ${t.title}`} onClick={() => loadTemplate(t)}>
              <GraphThumb graph={t.graph} />
              <strong>{t.title}</strong>
              <span className="muted small">{t.description}</span>
              <span className="template-meta small">
                {t.graph.nodes.length} layers · {formatCount(a.totalParams)} params
                {t.tags.map((tag) => (
                  <span key={tag} className="tag">{tag}</span>
                ))}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {welcome && (
        <p className="muted small">
          Press <kbd>?</kbd> any time for keyboard shortcuts and the user guide.
        </p>
      )}
    </Dialog>
  );
}
