/**
 * The start screen: shown on a first visit (nothing autosaved, never dismissed), and the
 * template gallery behind "New from template…". Loading a template starts a new project from
 * it; the previous one stays in the project list and the notice offers Undo.
 */
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type Builtin2DSpec } from '../../engine/project/config.ts';
import { useApp } from '../store/index.ts';
import { resetRunState, startedNewProject } from './projectFiles.ts';
import type { TemplateInfo } from './templates.ts';

const KEY = 'flowgrad.welcomed';

export function isWelcomed(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return true;
  }
}

export function markWelcomed(): void {
  try {
    localStorage.setItem(KEY, '1');
  } catch {
    // Without storage the start screen simply shows again next time.
  }
}

export function loadTemplate(t: TemplateInfo): void {
  const s = useApp.getState();
  const before = { name: s.name, graph: s.graph, dataset: s.dataset, training: s.training, projectId: s.projectId };
  resetRunState();
  // A generated 2-D dataset is the project's own; other built-ins (digits...) become the data source.
  const dataset = t.dataset && t.dataset.kind === 'builtin2d' ? (t.dataset as Builtin2DSpec) : { ...DEFAULT_DATASET };
  s.loadProject({ name: t.id === 'blank' ? 'Untitled model' : t.title, graph: structuredClone(t.graph), dataset, training: { ...DEFAULT_TRAIN_CONFIG, ...t.training } });
  if (t.dataset?.kind === 'builtin') s.setDataSource(t.dataset);
  else if (t.dataset?.kind === 'builtin2d' || t.id === 'starter') s.setDataSource(null);
  startedNewProject(before.name);
  markWelcomed();
  s.openDialog(null);
  s.notify('info', `New project from “${t.title}”.`, before);
}
