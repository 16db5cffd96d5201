/**
 * Autosave: the project (name, graph, dataset, training config) is written to IndexedDB
 * ~300 ms after the last edit — as "the current project" (restored on the next visit, with
 * its id) and into the project list under its id — falling back to the starter graph when
 * nothing (valid) is stored. Storage failures (private mode, quota) are logged,
 * never shown as errors: autosave is a convenience.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { parseGraph } from '../../engine/graph/format.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { useApp } from '../store/index.ts';
import { DEFAULT_PROJECT_NAME, type ProjectState } from '../store/graphSlice.ts';
import { saveProjectNow } from './projects.ts';

const DB_NAME = 'flowgrad';
const STORE = 'autosave';
const KEY = 'current';
export const AUTOSAVE_DELAY_MS = 300;

let dbPromise: Promise<IDBPDatabase> | null = null;
function db(): Promise<IDBPDatabase> {
  return (dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore(STORE);
    },
  }));
}

interface Saved extends ProjectState {
  savedAt: string;
  projectId?: string;
}

/** The autosaved project, checked, or null when there is none (or it cannot be read). */
export async function loadAutosave(): Promise<(ProjectState & { projectId?: string }) | null> {
  try {
    const saved = (await db().then((d) => d.get(STORE, KEY))) as Saved | undefined;
    if (!saved) return null;
    return {
      name: typeof saved.name === 'string' && saved.name ? saved.name : DEFAULT_PROJECT_NAME,
      graph: parseGraph(saved.graph),
      dataset: { ...DEFAULT_DATASET, ...saved.dataset },
      training: { ...DEFAULT_TRAIN_CONFIG, ...saved.training },
      ...(typeof saved.projectId === 'string' ? { projectId: saved.projectId } : {}),
    };
  } catch (e) {
    console.warn('Flowgrad: could not restore the autosaved project', e);
    return null;
  }
}

/** Starts saving on every project change; returns the unsubscribe function. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    timer = null;
    const { name, graph, dataset, training, projectId } = useApp.getState();
    const value: Saved = { name, graph, dataset, training, projectId, savedAt: new Date().toISOString() };
    db()
      .then((d) => d.put(STORE, value, KEY))
      .catch((e) => console.warn('Flowgrad: autosave failed', e));
    void saveProjectNow();
  };
  const unsub = useApp.subscribe((s, prev) => {
    if (s.graph === prev.graph && s.dataset === prev.dataset && s.training === prev.training && s.name === prev.name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY_MS);
  });
  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      save();
    }
  };
  window.addEventListener('pagehide', flush);
  return () => {
    unsub();
    window.removeEventListener('pagehide', flush);
    if (timer) clearTimeout(timer);
  };
}
