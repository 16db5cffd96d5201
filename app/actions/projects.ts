/**
 * Named projects in IndexedDB: the list (Projects dialog), Save (Ctrl+S; autosave does it too
 * within a second of any edit), Save as, Duplicate, Open, Delete. Opening a project also
 * brings back its run history and trained model (modelStore.ts). The project being edited is
 * identified by `projectId`.
 */
import { parseGraph } from '../../engine/graph/format.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { analyze } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { newProjectId, type ProjectMeta } from '../store/projectsSlice.ts';
import { projectsDb, type SavedProject } from './db.ts';
import { loadRuns } from './runHistory.ts';
import { resetRunState } from './projectFiles.ts';
import { forgetModel, keepModel, restoreModel } from './modelStore.ts';

function current(): SavedProject {
  const s = useApp.getState();
  return { id: s.projectId, name: s.name, graph: s.graph, dataset: s.dataset, training: s.training, savedAt: Date.now() };
}

function metaOf(p: SavedProject): ProjectMeta {
  let params = 0;
  try {
    params = analyze(p.graph).totalParams;
  } catch {
    // A project that cannot be analyzed still lists.
  }
  return { id: p.id, name: p.name, savedAt: p.savedAt, layers: p.graph.nodes.length, params };
}

/** Refreshes the project list in the store. */
export async function refreshProjects(): Promise<void> {
  try {
    const all = await (await projectsDb()).getAll('projects');
    useApp.getState().setProjects(all.map(metaOf));
  } catch (e) {
    console.warn('Flowgrad: could not list projects', e);
  }
}

/** Writes the current project under its id (autosave calls this; Ctrl+S says so). */
export async function saveProjectNow(explicit = false): Promise<void> {
  try {
    const p = current();
    await (await projectsDb()).put('projects', p);
    const list = useApp.getState().projects.filter((m) => m.id !== p.id);
    useApp.getState().setProjects([...list, metaOf(p)]);
    if (explicit) useApp.getState().notify('info', `Saved “${p.name}”.`);
  } catch (e) {
    if (explicit) useApp.getState().notify('error', `Could not save: ${(e as Error).message}`);
    else console.warn('Flowgrad: could not save the project', e);
  }
}

/** Saves a copy under a new name and id, and continues editing the copy. */
export async function saveProjectAs(name: string): Promise<void> {
  // The original keeps every edit made so far (an autosave may still be pending).
  await saveProjectNow();
  const s = useApp.getState();
  s.setProjectId(newProjectId());
  s.setName(name.trim() || s.name);
  s.setRuns([]);
  await saveProjectNow(true);
  // The copy starts with the trained model it was made from.
  const model = useApp.getState().model;
  if (model?.checkpoint) await keepModel(useApp.getState().projectId, model);
}

export async function duplicateProject(): Promise<void> {
  await saveProjectAs(`${useApp.getState().name} (copy)`);
}

export async function openSavedProject(id: string): Promise<void> {
  try {
    const p = await (await projectsDb()).get('projects', id);
    if (!p) throw new Error('it is no longer stored');
    await saveProjectNow();
    resetRunState();
    const s = useApp.getState();
    s.loadProject({
      name: p.name,
      graph: parseGraph(p.graph),
      dataset: { ...DEFAULT_DATASET, ...p.dataset },
      training: { ...DEFAULT_TRAIN_CONFIG, ...p.training },
    });
    s.setProjectId(p.id);
    s.openDialog(null);
    s.setRuns(await loadRuns(p.id));
    await restoreModel(p.id);
  } catch (e) {
    useApp.getState().notify('error', `Could not open the project: ${(e as Error).message}`);
  }
}

export async function deleteSavedProject(id: string): Promise<void> {
  try {
    const db = await projectsDb();
    await db.delete('projects', id);
    const runs = await db.getAllKeysFromIndex('runs', 'projectId', id);
    await Promise.all(runs.map((k) => db.delete('runs', k)));
    await forgetModel(id);
    useApp.getState().setProjects(useApp.getState().projects.filter((m) => m.id !== id));
  } catch (e) {
    useApp.getState().notify('error', `Could not delete the project: ${(e as Error).message}`);
  }
}
