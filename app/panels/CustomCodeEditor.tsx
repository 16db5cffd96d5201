/**
 * The Custom Code node's forward body in Monaco, with Monaco's JavaScript language service
 * and the engine's declarations (customCodeLib.ts) as an extra lib, so `x.` and `ctx.F.`
 * complete with the engine's real methods. Loaded lazily (React.lazy) when the editor opens;
 * the language service runs in its own worker (monacoSetup.ts).
 *
 * Three kinds of markers: syntax errors (Monaco's own validation of the body), type problems
 * (a shadow model holding the body inside a typed `function forward(x, ctx)` is checked, and
 * its diagnostics moved onto the body, as warnings: the code may still run), and the problem
 * the engine reported for this code (parse, throw or shape error on the dummy batch) at its line.
 */
import { useEffect, useRef } from 'react';
// Monaco with every editor contribution registered before any editor exists (monacoSetup.ts).
import { monaco } from './monacoSetup.ts';
import { getJavaScriptWorker, javascriptDefaults, ScriptTarget, typescriptDefaults } from 'monaco-editor/languages/features/typescript/register.js';
import type { CodeProblem } from '../../workers/client.ts';
import { CUSTOM_CODE_LIB, SHADOW_LINES, shadowSource } from './customCodeLib.ts';

// The read-only TypeScript code view stays a plain tokenizer: no service, no squiggles on generated code.
typescriptDefaults.setModeConfiguration({});
typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: true });
// A forward body runs in the engine's worker: ES2022, no DOM.
javascriptDefaults.setCompilerOptions({ target: ScriptTarget.ESNext, allowJs: true, allowNonTsExtensions: true, lib: ['es2022'] });
// Semantic checks of the body itself would stop at its top-level `return`: the shadow model does them.
javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });
javascriptDefaults.addExtraLib(CUSTOM_CODE_LIB, 'file:///flowgrad/custom-code-api.d.ts');

const TYPE_CHECK_DELAY_MS = 300;

interface Props {
  nodeId: string;
  code: string;
  onChange(code: string): void;
  /** The engine's problem with this code (null: fine, undefined: not checked yet). */
  problem: CodeProblem | null | undefined;
  theme: 'dark' | 'light';
  label: string;
}

type Chain = string | { messageText: string; next?: Chain[] };
const flatten = (m: Chain): string => (typeof m === 'string' ? m : [m.messageText, ...(m.next ?? []).map(flatten)].join('\n  '));

function modelFor(uri: monaco.Uri, text: string): monaco.editor.ITextModel {
  monaco.editor.getModel(uri)?.dispose();
  return monaco.editor.createModel(text, 'javascript', uri);
}

/** Type diagnostics of the shadow copy, as markers on the body. */
async function typeMarkers(shadow: monaco.editor.ITextModel, body: monaco.editor.ITextModel): Promise<monaco.editor.IMarkerData[]> {
  const worker = await (await getJavaScriptWorker())(shadow.uri);
  const diags = await worker.getSemanticDiagnostics(shadow.uri.toString());
  const lines = body.getLineCount();
  const out: monaco.editor.IMarkerData[] = [];
  for (const d of diags) {
    if (d.start === undefined) continue;
    const a = shadow.getPositionAt(d.start);
    const b = shadow.getPositionAt(d.start + (d.length ?? 1));
    const line = a.lineNumber - SHADOW_LINES;
    if (line < 1 || line > lines) continue; // the wrapper's own lines
    const endLine = Math.min(lines, b.lineNumber - SHADOW_LINES);
    out.push({
      severity: monaco.MarkerSeverity.Warning,
      message: flatten(d.messageText as Chain),
      code: String(d.code),
      source: 'types',
      startLineNumber: line, startColumn: a.column,
      endLineNumber: endLine, endColumn: endLine === b.lineNumber - SHADOW_LINES ? b.column : body.getLineMaxColumn(endLine),
    });
  }
  return out;
}

export default function CustomCodeEditor({ nodeId, code, onChange, problem, theme, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const safe = nodeId.replace(/[^A-Za-z0-9_-]/g, '_');
    const body = modelFor(monaco.Uri.parse(`file:///flowgrad/${safe}.js`), code);
    const shadow = modelFor(monaco.Uri.parse(`file:///flowgrad/${safe}.check.js`), shadowSource(code));
    const e = monaco.editor.create(host.current, {
      model: body,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      lineNumbersMinChars: 3,
      tabSize: 2,
      insertSpaces: true,
      theme: theme === 'dark' ? 'vs-dark' : 'vs',
      ariaLabel: label,
      fixedOverflowWidgets: true,
      quickSuggestions: { other: true, comments: false, strings: false },
      suggestOnTriggerCharacters: true,
    });
    editor.current = e;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let alive = true;
    const check = () => {
      timer = null;
      void typeMarkers(shadow, body)
        .then((m) => alive && monaco.editor.setModelMarkers(body, 'flowgrad-types', m))
        .catch(() => undefined); // the language service is optional: completion and the engine check remain
    };
    const sub = body.onDidChangeContent(() => {
      const text = body.getValue();
      shadow.setValue(shadowSource(text));
      changed.current(text);
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, TYPE_CHECK_DELAY_MS);
    });
    check();
    e.focus();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
      sub.dispose();
      e.dispose();
      body.dispose();
      shadow.dispose();
      editor.current = null;
    };
    // One editor per opening; outside changes to the code arrive below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodeId]);

  // The code changed elsewhere (undo from the menu, another field): show it.
  useEffect(() => {
    const model = editor.current?.getModel();
    if (model && model.getValue() !== code) model.setValue(code);
  }, [code]);

  // The engine's verdict on this code, at the line it names (the message itself shows under the editor).
  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    const line = problem?.line && problem.line <= model.getLineCount() ? problem.line : null;
    monaco.editor.setModelMarkers(model, 'flowgrad-engine', problem && line ? [{
      severity: monaco.MarkerSeverity.Error,
      message: problem.message,
      source: 'engine',
      startLineNumber: line, startColumn: model.getLineFirstNonWhitespaceColumn(line) || 1,
      endLineNumber: line, endColumn: model.getLineMaxColumn(line),
    }] : []);
  }, [problem, code]);

  useEffect(() => {
    monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs');
  }, [theme]);

  // `nokey`: React Flow's canvas shortcuts (Space to pan, Delete) leave keys typed here alone.
  return <div className="custom-code-editor nokey" ref={host} data-testid="custom-code-editor" />;
}
