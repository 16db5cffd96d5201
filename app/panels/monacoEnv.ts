/**
 * Where Monaco gets its web workers, for every editor in the app (the read-only code view and
 * the Custom Code editor): the JavaScript/TypeScript language service runs in its own worker,
 * everything else in the editor's core worker. Imported only by lazily loaded modules, so
 * neither worker is part of the first page load.
 */
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker.js?worker';

(self as unknown as { MonacoEnvironment: { getWorker(id: string, label: string): Worker } }).MonacoEnvironment = {
  getWorker: (_id, label) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};
