/**
 * The code panel: live code for the graph on the canvas — PyTorch or TypeScript on Flowgrad's
 * engine — regenerated as the model, its training settings or its data change. The TypeScript
 * view is editable: changed layer arguments (`new nn.Linear(16, 24)`) and, in the model class,
 * layers added, removed or rewired are applied back to the graph with Apply, as one undoable
 * edit; anything else is refused with its line and reason (engine/io/codegen/typescriptApply.ts). PyTorch is read-only and says so. The generators are
 * pure; Monaco is loaded on first open, and until it arrives (or if it cannot load) the code
 * shows as plain text.
 */
import { lazy, Suspense, useDeferredValue, useMemo, useState } from 'react';
import { EditorFallback } from './EditorFallback.tsx';
import { applyTypeScript, toPyTorch, toTypeScript } from '../../engine/io/codegen/index.ts';
import { useApp } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import type { CodeLang } from '../store/prefsSlice.ts';

const CodeEditor = lazy(() => import('./CodeEditor.tsx'));

const LANGS: { id: CodeLang; label: string; file: string }[] = [
  { id: 'pytorch', label: 'PyTorch', file: 'model.py' },
  { id: 'typescript', label: 'TypeScript', file: 'model.ts' },
];

export function CodePanel() {
  const graph = useDeferredValue(useApp((s) => s.graph));
  const training = useApp((s) => s.training);
  // The data the model trains on (an upload or a chosen built-in), not only the 2-D default.
  const dataset = useApp(currentDatasetSpec);
  const lang = useApp((s) => s.codeLang);
  const theme = useApp((s) => s.theme);
  const setPref = useApp((s) => s.setPref);
  const [copied, setCopied] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ line: number; message: string } | null>(null);
  const generated = useMemo(() => {
    try {
      return lang === 'pytorch' ? toPyTorch(graph, { training, dataset }) : toTypeScript(graph, { training, dataset });
    } catch (e) {
      return `${lang === 'pytorch' ? '#' : '//'} Could not generate code: ${(e as Error).message}`;
    }
  }, [graph, training, dataset, lang]);
  const editable = lang === 'typescript' && !generated.startsWith('// Could not generate code');
  const dirty = editable && draft !== null && draft !== generated;
  const code = dirty ? draft : generated;
  const discard = () => {
    setDraft(null);
    setProblem(null);
  };
  const apply = () => {
    if (!dirty) return;
    // The graph itself, not the deferred copy the code was drawn from.
    const r = applyTypeScript(useApp.getState().graph, { training, dataset }, draft);
    if ('error' in r) return setProblem(r.error);
    discard();
    if (r.changed.length) useApp.getState().edit(() => r.graph);
  };
  const meta = LANGS.find((l) => l.id === lang)!;
  const label = `Generated ${meta.label} code`;
  const plain = (
    <pre className="code-plain" aria-label={label} tabIndex={0}>
      {code}
    </pre>
  );

  return (
    <aside className="panel code-panel" aria-label="Code">
      <header className="code-head">
        <div className="segmented" role="tablist" aria-label="Language">
          {LANGS.map((l) => (
            <button key={l.id} type="button" role="tab" aria-selected={lang === l.id} onClick={() => { discard(); setPref('codeLang', l.id); }}>
              {l.label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        {dirty && (
          <>
            <button type="button" className="primary" onClick={apply} title="Apply the edited model class to the graph">Apply</button>
            <button type="button" onClick={discard} title="Back to the code of the graph">Discard</button>
          </>
        )}
        <button
          type="button"
          className="tool"
          aria-label="Copy code"
          title="Copy to the clipboard"
          onClick={() => void navigator.clipboard?.writeText(code).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          })}
        >
          {copied ? '✓' : <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M5 1h9v11H5zM6.5 2.5v8h6v-8zM2 4h1.5v9.5H11V15H2z" /></svg>}
        </button>
        <button
          type="button"
          className="tool"
          aria-label="Download code"
          title={`Download ${meta.file}`}
          onClick={() => {
            const a = document.createElement('a');
            a.href = URL.createObjectURL(new Blob([code], { type: 'text/plain' }));
            a.download = meta.file;
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 5000);
          }}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M7 1h2v7h3l-4 4-4-4h3zM2 13h12v2H2z" /></svg>
        </button>
        <button type="button" className="icon" aria-label="Close code" onClick={() => setPref('codeOpen', false)}>
          ×
        </button>
      </header>
      <p className={`code-note small${problem ? ' error' : ' muted'}`} role={problem ? 'alert' : undefined}>
        {problem
          ? `Line ${problem.line}: ${problem.message}`
          : editable
            ? 'Editable: change a layer’s arguments, or add, remove or rewire layers in the model class (a field and its forward line), then Apply.'
            : lang === 'pytorch'
              ? 'Read-only: PyTorch is generated for export. Edit layer arguments in the TypeScript view.'
              : 'Read-only: the code could not be generated.'}
      </p>
      <div className="code-body" data-lang={lang}>
        <EditorFallback plain={plain}>
          <Suspense fallback={plain}>
            <CodeEditor
              code={code}
              language={lang === 'pytorch' ? 'python' : 'typescript'}
              theme={theme}
              label={label}
              onEdit={editable ? setDraft : undefined}
              problem={problem}
            />
          </Suspense>
        </EditorFallback>
      </div>
    </aside>
  );
}
