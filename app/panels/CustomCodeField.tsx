/**
 * The inspector's field for a Custom Code body: a preview of the code and an "Edit code"
 * button that opens the editor dialog — Monaco with completion from the engine's types,
 * loaded on first open (never in the first page load). Until Monaco arrives, or if it cannot
 * load (offline before it was ever cached), the dialog edits the code in a plain text area.
 * Under the editor: the engine's verdict on the code (live, from actions/customCodeCheck.ts),
 * the same message the node and the inspector's Problems show. Code typed here is trusted to
 * run; code that came from a link or file shows why it has not run until it is allowed.
 */
import { lazy, Suspense, useId, useState, useSyncExternalStore } from 'react';
import { EditorFallback } from './EditorFallback.tsx';
import type { RichAttrSpec } from '../../engine/graph/types.ts';
import { codeProblem, runsOnBatch, subscribeCodeChecks } from '../actions/customCodeCheck.ts';
import { trustTypedCode } from '../actions/codeTrust.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';
import './customCode.css';

const CustomCodeEditor = lazy(() => import('./CustomCodeEditor.tsx'));

/** The plain editor: a monospace text area where Tab indents. */
function PlainCode({ value, onCommit, label, invalid }: { value: string; onCommit(v: string): void; label: string; invalid: boolean }) {
  return (
    <textarea
      className="code-field custom-code-plain"
      aria-label={label}
      spellCheck={false}
      value={value}
      aria-invalid={invalid || undefined}
      onChange={(e) => onCommit(e.target.value)}
      onKeyDown={(e) => {
        if (e.key !== 'Tab' || e.shiftKey) return;
        e.preventDefault();
        const t = e.currentTarget;
        const { selectionStart: a, selectionEnd: b } = t;
        onCommit(`${t.value.slice(0, a)}  ${t.value.slice(b)}`);
        requestAnimationFrame(() => t.setSelectionRange(a + 2, a + 2));
      }}
    />
  );
}

function CodeDialog({ nodeId, spec, text, onCommit, onClose }: { nodeId: string; spec: RichAttrSpec; text: string; onCommit(v: string): void; onClose(): void }) {
  const theme = useApp((s) => s.theme);
  const error = useApp((s) => s.engineErrors[nodeId]);
  const problem = useSyncExternalStore(subscribeCodeChecks, () => codeProblem(nodeId));
  const label = `Code of ${nodeId}: ${spec.label}`;
  const plain = <PlainCode value={text} onCommit={onCommit} label={label} invalid={!!error} />;
  return (
    <Dialog title={`Custom Code · ${nodeId}`} onClose={onClose} className="custom-code-dialog">
      <p className="muted small custom-code-help">
        <code>forward(x, ctx)</code>: <code>x</code> is the input batch [N, …]; <code>ctx</code> gives <code>F</code> (nn.functional), <code>param(name, shape, init?)</code>,{' '}
        <code>training</code> and tensor factories. Type <code>x.</code> or press Ctrl+Space for completions.
      </p>
      <div className="custom-code-body">
        <EditorFallback plain={plain}>
          <Suspense fallback={plain}>
            <CustomCodeEditor nodeId={nodeId} code={text} onChange={onCommit} problem={problem} theme={theme} label={label} />
          </Suspense>
        </EditorFallback>
      </div>
      {error ? (
        <p className="custom-code-status error" role="alert">{error}</p>
      ) : (
        <p className="custom-code-status muted small" role="status">
          {problem !== null ? 'Checking…' : runsOnBatch(nodeId) ? 'Runs on a dummy batch without errors.' : 'Parses. Connect an input to run it on a dummy batch.'}
        </p>
      )}
      <div className="dialog-foot">
        <span className="muted small">Edits apply as you type (Ctrl+Z in the editor undoes them).</span>
        <button type="button" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

export function CustomCodeField({ nodeId, spec, value, issue, onCommit }: { nodeId: string; spec: RichAttrSpec; value: unknown; issue?: string; onCommit(v: string): void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const text = typeof value === 'string' ? value : String(spec.default);
  const lines = text.split('\n');
  // Code typed here is the user's own: it may run (codeTrust.ts).
  const commitTyped = (v: string) => {
    trustTypedCode(v);
    onCommit(v);
  };
  return (
    <div className={`field${issue ? ' invalid' : ''}`} title={spec.doc}>
      <label id={id}>{spec.label}</label>
      <pre className="code-field custom-code-preview" aria-labelledby={id} tabIndex={-1} onDoubleClick={() => setOpen(true)}>
        {lines.slice(0, 8).join('\n')}
        {lines.length > 8 ? `\n… ${lines.length - 8} more line${lines.length === 9 ? '' : 's'}` : ''}
      </pre>
      <button type="button" className="custom-code-open" onClick={() => setOpen(true)} aria-haspopup="dialog">Edit code</button>
      {issue && <div className="field-error" role="alert">{issue}</div>}
      <span className="field-hint">{spec.doc}</span>
      {open && <CodeDialog nodeId={nodeId} spec={spec} text={text} onCommit={commitTyped} onClose={() => setOpen(false)} />}
    </div>
  );
}
