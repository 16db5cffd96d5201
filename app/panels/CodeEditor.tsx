/**
 * The read-only code viewer, on Monaco. This module is loaded lazily (React.lazy) the first
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
}

export default function CodeEditor({ code, language, theme, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const e = monaco.editor.create(host.current, {
      value: code,
      language,
      readOnly: true,
      domReadOnly: true,
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
    return () => {
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
    if (model.getValue() !== code) {
      const top = e.getScrollTop();
      model.setValue(code);
      e.setScrollTop(top);
    }
  }, [code, language]);

  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs');
  }, [theme]);

  useEffect(() => {
    editor.current?.updateOptions({ ariaLabel: label });
  }, [label]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
