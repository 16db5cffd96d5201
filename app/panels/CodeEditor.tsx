/**
 * The code viewer, on Monaco: read-only, or editable when `onEdit` is given (the TypeScript
 * view, whose layer arguments can be applied back to the graph; `problem` marks the line the
 * apply refused). This module is loaded lazily (React.lazy) the first
 * time the code panel opens, so Monaco never weighs on the first page load. Monaco comes set up
 * by monacoSetup.ts (shared with the Custom Code editor); the view needs only the Monarch
 * tokenizers (Python, TypeScript), no language service.
 */
import { useEffect, useRef } from 'react';
import { monaco } from './monacoSetup.ts';

interface Props {
  code: string;
  language: 'python' | 'typescript';
  theme: 'dark' | 'light';
  label: string;
  /** Makes the view editable; called with the text on every change. */
  onEdit?: (text: string) => void;
  problem?: { line: number; message: string } | null;
}

export default function CodeEditor({ code, language, theme, label, onEdit, problem }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const edited = useRef(onEdit);
  edited.current = onEdit;
  // Set while the code is replaced from outside: only the user's typing is an edit.
  const replacing = useRef(false);
  // Values the editor itself reported since the last outside change. React renders them back
  // a keystroke late; replacing the model with such a stale echo would drop the keys typed
  // since and put the cursor at the top (the split text the code-view e2e test once saw).
  const echoes = useRef(new Set<string>());

  useEffect(() => {
    if (!host.current) return;
    const e = monaco.editor.create(host.current, {
      value: code,
      language,
      readOnly: !onEdit,
      domReadOnly: !onEdit,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 12,
      lineNumbersMinChars: 3,
      renderLineHighlight: 'none',
      theme: theme === 'dark' ? 'vs-dark' : 'vs',
      ariaLabel: label,
      wordWrap: 'off',
      folding: true,
      contextmenu: false,
    });
    editor.current = e;
    const sub = e.onDidChangeModelContent(() => {
      if (replacing.current) return;
      const v = e.getValue();
      if (echoes.current.size > 500) echoes.current.clear();
      echoes.current.add(v);
      edited.current?.(v);
    });
    return () => {
      sub.dispose();
      e.getModel()?.dispose();
      e.dispose();
      editor.current = null;
    };
    // The editor is created once; value, language and theme are updated below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const e = editor.current;
    const model = e?.getModel();
    if (!e || !model) return;
    if (model.getLanguageId() !== language) monaco.editor.setModelLanguage(model, language);
    if (echoes.current.has(code)) return; // our own edit coming back (maybe stale)
    echoes.current.clear();
    if (model.getValue() !== code) {
      const top = e.getScrollTop();
      replacing.current = true;
      model.setValue(code);
      replacing.current = false;
      e.setScrollTop(top);
    }
  }, [code, language]);

  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs');
  }, [theme]);

  useEffect(() => {
    editor.current?.updateOptions({ ariaLabel: label, readOnly: !onEdit, domReadOnly: !onEdit });
  }, [label, onEdit]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    const line = problem && problem.line <= model.getLineCount() ? problem.line : null;
    monaco.editor.setModelMarkers(model, 'flowgrad-apply', problem && line ? [{
      severity: monaco.MarkerSeverity.Error, message: problem.message,
      startLineNumber: line, startColumn: model.getLineFirstNonWhitespaceColumn(line) || 1, endLineNumber: line, endColumn: model.getLineMaxColumn(line),
    }] : []);
  }, [problem, code]);

  // `nokey`: canvas shortcuts leave keys typed here alone.
  return <div className="code-editor nokey" ref={host} data-testid="code-editor" />;
}
