/**
 * The IndexedDB database for the project list and run history ('flowgrad-projects'), kept
 * apart from the autosave database so each can evolve its own versions. Failures (private
 * mode, quota) surface as rejected promises; callers log them — storage is a convenience.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ProjectState } from '../store/graphSlice.ts';
import type { RunRecord } from '../store/runsSlice.ts';

export interface SavedProject extends ProjectState {
  id: string;
  savedAt: number;
}

interface Schema extends DBSchema {
  projects: { key: string; value: SavedProject };
  runs: { key: string; value: RunRecord; indexes: { projectId: string } };
}

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

export function projectsDb(): Promise<IDBPDatabase<Schema>> {
  return (dbPromise ??= openDB<Schema>('flowgrad-projects', 1, {
    upgrade(d) {
      d.createObjectStore('projects', { keyPath: 'id' });
      d.createObjectStore('runs', { keyPath: 'id' }).createIndex('projectId', 'projectId');
    },
  }));
}
