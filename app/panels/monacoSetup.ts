/**
 * The one way into Monaco for every editor in the app (the code view and the Custom Code
 * editor). Monaco's standalone services are created once, when the first editor is made, from
 * the services registered by then: a contribution imported later (the suggest widget needs
 * ISuggestMemories, hovers, parameter hints...) finds its service UNKNOWN and the editor breaks.
 * So both editors import this module, which registers every editor contribution and both Monarch
 * tokenizers before any editor exists, and says where Monaco's web workers come from: the
 * JavaScript/TypeScript language service in its own worker, everything else in the core worker.
 * Imported only by lazily loaded modules, so none of it is part of the first page load.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/internal/common/workers.js';
import 'monaco-editor/languages/definitions/python/register.js';
import 'monaco-editor/languages/definitions/typescript/register.js';
import 'monaco-editor/languages/definitions/javascript/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker.js?worker';

(self as unknown as { MonacoEnvironment: { getWorker(id: string, label: string): Worker } }).MonacoEnvironment = {
  getWorker: (_id, label) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

export { monaco };
